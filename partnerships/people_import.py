"""Reading a list of people from CSV or Excel (.xlsx) and checking every row before anything is written.

The shape is what HR and membership systems export: columns `organisation`, `name`, `email`,
`job_title`, `roles` (several separated by ";"), `start_date` and an optional `end_date`,
in any order, headers in any case. Dates are 2025-03-01 or 01/03/2025."""

import codecs
import csv
import datetime
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from conduct.models import Partnership, Role
from conduct.selectors import current_member_organisations, role_labels
from conduct.services import ConductError, email_normalised

MAX_BYTES = 10 * 1024 * 1024
REQUIRED = ("organisation", "name", "email", "start_date")
OPTIONAL = ("job_title", "roles", "end_date")
# A cell starting with one of these would run as a formula if the file were opened in a spreadsheet again.
FORMULA_STARTS = ("=", "+", "-", "@")
CHUNK_BYTES = 64 * 1024
# Everyone listed is a partner of their organisation, so an export that names that role too
# ("Partner; Chair") asks for nothing more than its other roles.
PARTNER_ROLE_NAMES = ("partner", "partners")


class ImportFileError(ValueError):
    """The file as a whole cannot be read: the message says why."""


# Slots: one is made for each row as it is read, and let go once it is written.
@dataclass(slots=True)
class PersonRow:
    number: int
    organisation_id: int
    organisation_name: str
    name: str
    email: str
    job_title: str
    roles: list[str]
    started_on: datetime.date
    ended_on: datetime.date | None


def read_table(*, name: str, file: BinaryIO) -> Iterator[dict[str, str]]:
    """The file's rows as dicts keyed by lower-case header, every value as stripped text, read one
    at a time from the start of the file, so that a long list is never all in memory and the file
    can be read again; a file that cannot be read, or lacks a column, is refused at once."""
    file.seek(0, os.SEEK_END)
    if file.tell() > MAX_BYTES:
        raise ImportFileError(f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
    if _is_blank(file):
        raise ImportFileError("The file is empty")
    if name.lower().endswith(".xlsx"):
        lines = _workbook_lines(file)
    elif name.lower().endswith(".csv"):
        _check_utf8(file)
        lines = _csv_lines(file)
    else:
        raise ImportFileError("The file must be a CSV or an Excel workbook (.xlsx)")
    header = [column.lower().replace(" ", "_") for column in next(lines, [])]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportFileError(f"The file has no column called {', '.join(missing)}")
    return (dict(zip(header, row, strict=False)) for row in lines if any(row))


def _is_blank(file: BinaryIO) -> bool:
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        if chunk.strip():
            return False
    return True


def _check_utf8(file: BinaryIO) -> None:
    """Decoded a piece at a time, so that a bad byte on the last row is found before the first is read."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(CHUNK_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise ImportFileError("The file must be a CSV saved as UTF-8") from None


def _csv_lines(file: BinaryIO) -> Iterator[list[str]]:
    file.seek(0)
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    try:
        for row in csv.reader(text):
            yield [value.strip() for value in row]
    finally:
        # Closing the wrapper would close the file, which the import reads a second time.
        text.detach()


def _workbook_lines(file: BinaryIO) -> Iterator[list[str]]:
    file.seek(0)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError("The file is not an Excel workbook (.xlsx) that can be read") from None
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def parse_date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass
class ImportCheck:
    """What checking a list keeps for its import: the problems by row, how many people, and each
    email's row (to find an email listed twice, and who a full list leaves out). The rows themselves
    are not kept: the import reads the file again (people), a chunk at a time."""

    name: str
    file: BinaryIO
    reader: "_RowReader"
    problems: list[tuple[int, str]] = field(default_factory=list)
    people: int = 0
    emails: dict[str, int] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def organisations_to_add(self) -> dict[str, tuple[str, datetime.date]]:
        """Organisations named on the list that are not members yet, by their name in lower case:
        the name as first written and the earliest start date of its people."""
        return self.reader.organisations_to_add

    def people_listed(self) -> Iterator[PersonRow]:
        """Every person on the list, checked again as the file is read a second time; a row that
        is now bad (the file or the partnership changed since the check) stops the import."""
        for number, raw in enumerate(read_table(name=self.name, file=self.file), start=2):
            person, problems = self.reader.read(number, raw, emails=self.emails)
            if problems:
                raise ConductError([f"Row {number}: {message}" for message in problems])
            yield person


def check_file(*, partnership: Partnership, name: str, file: BinaryIO, adds_organisations: bool = False) -> ImportCheck:
    """Every row checked; row numbers count the header as row 1, as a spreadsheet shows them.
    An organisation that is not a member is to be added where `adds_organisations` (whoever
    imports may administer the partnership), and a row error otherwise.
    ImportFileError when the file as a whole cannot be read."""
    check = ImportCheck(name=name, file=file, reader=_RowReader(partnership, adds_organisations=adds_organisations))
    for number, raw in enumerate(read_table(name=name, file=file), start=2):
        person, problems = check.reader.read(number, raw, emails=check.emails)
        if problems:
            check.problems.extend((number, message) for message in problems)
        else:
            check.people += 1
    if not check.people and not check.problems:
        check.problems.append((1, "The file has a header but no people"))
    return check


class _RowReader:
    """One row made into a person, or the reasons it cannot be."""

    def __init__(self, partnership: Partnership, *, adds_organisations: bool):
        self.partnership = partnership
        self.organisations = {org.name.lower(): org for org in current_member_organisations(partnership)}
        self.adds_organisations = adds_organisations
        self.organisations_to_add: dict[str, tuple[str, datetime.date]] = {}
        self.roles_by_name = {}
        for role, label in {**dict(Role.choices), **role_labels(partnership)}.items():
            self.roles_by_name[label.lower()] = role
            self.roles_by_name[role] = role
        for role, standard in Role.choices:
            self.roles_by_name[standard.lower()] = role

    def read(self, number: int, raw: dict[str, str], *, emails: dict[str, int]) -> tuple[PersonRow | None, list[str]]:
        """`emails` holds the first row of each email read so far (of the whole list, when the
        file is read again), and gains this row's."""
        problems = []
        problem = problems.append
        values = {column: raw.get(column, "") or "" for column in REQUIRED + OPTIONAL}
        for column, value in values.items():
            if value.startswith(FORMULA_STARTS):
                problem(f"{column} starts with “{value[0]}”, which a spreadsheet would run as a formula")
        for column in REQUIRED:
            if not values[column]:
                problem(f"{column} is empty")
        email = email_normalised(values["email"])
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problem(f"email “{values['email']}” is not an email address")
            first = emails.setdefault(email, number)
            if first != number:
                problem(f"email {email} is also on row {first}")
        organisation_name = " ".join(values["organisation"].split())
        organisation = self.organisations.get(organisation_name.lower())
        if organisation_name and organisation is None and not self.adds_organisations:
            problem(f"organisation “{values['organisation']}” is not a member of {self.partnership}")
        roles = []
        for name in filter(None, (part.strip() for part in values["roles"].split(";"))):
            role = self.roles_by_name.get(name.lower()) or self.roles_by_name.get(name.lower().replace(" ", "_"))
            if role is None and name.lower() in PARTNER_ROLE_NAMES:
                continue
            if role is None:
                problem(f"role “{name}” is not one of the partnership's roles")
            else:
                roles.append(role)
        dates = {}
        for column in ("start_date", "end_date"):
            if values[column]:
                try:
                    dates[column] = parse_date(values[column])
                except ValueError:
                    problem(f"{column} “{values[column]}” must be a date like 2025-03-01 or 01/03/2025")
        if "start_date" in dates and "end_date" in dates and dates["end_date"] < dates["start_date"]:
            problem("end_date is before start_date")
        if problems:
            return None, problems
        if organisation is None:
            # Added by the import before its people are written (people_import), from the
            # earliest start date of anyone listed in it.
            key, started_on = organisation_name.lower(), dates["start_date"]
            first_name, earliest = self.organisations_to_add.setdefault(key, (organisation_name, started_on))
            self.organisations_to_add[key] = (first_name, min(earliest, started_on))
            return None, []
        return (
            PersonRow(
                number=number,
                organisation_id=organisation.pk,
                organisation_name=organisation.name,
                name=" ".join(values["name"].split()),
                email=email,
                job_title=values["job_title"],
                roles=sorted(set(roles)),
                started_on=dates["start_date"],
                ended_on=dates.get("end_date"),
            ),
            [],
        )
