"""Reading a list of people from CSV or Excel (.xlsx) and checking every row before anything is written.

The shape is what HR and membership systems export: columns `organisation`, `name`, `email`,
`job_title`, `roles` (several separated by ";"), `start_date` and an optional `end_date`,
in any order, headers in any case. Dates are 2025-03-01 or 01/03/2025."""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from conduct.models import Partnership, Role
from conduct.selectors import current_member_organisations, role_labels
from conduct.services import email_normalised

MAX_BYTES = 10 * 1024 * 1024
REQUIRED = ("organisation", "name", "email", "start_date")
OPTIONAL = ("job_title", "roles", "end_date")
# A cell starting with one of these would run as a formula if the file were opened in a spreadsheet again.
FORMULA_STARTS = ("=", "+", "-", "@")


class ImportFileError(ValueError):
    """The file as a whole cannot be read: the message says why."""


# Slots: a list of 20,000 rows is held between the check and the import.
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


@dataclass
class ImportCheck:
    rows: list[PersonRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems


def read_table(*, name: str, content: bytes) -> Iterator[dict[str, str]]:
    """The file's rows as dicts keyed by lower-case header, every value as stripped text, read one
    at a time so that a long list is never all in memory; a file that cannot be read, or lacks a
    column, is refused at once."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
    if not content.strip():
        raise ImportFileError("The file is empty")
    if name.lower().endswith(".xlsx"):
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ImportFileError("The file is not an Excel workbook (.xlsx) that can be read") from None
        lines = ([_cell_text(value) for value in row] for row in workbook.worksheets[0].iter_rows(values_only=True))
    elif name.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError("The file must be a CSV saved as UTF-8") from None
        lines = ([value.strip() for value in row] for row in csv.reader(io.StringIO(text)))
    else:
        raise ImportFileError("The file must be a CSV or an Excel workbook (.xlsx)")
    header = [column.lower().replace(" ", "_") for column in next(lines, [])]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportFileError(f"The file has no column called {', '.join(missing)}")
    return (dict(zip(header, row, strict=False)) for row in lines if any(row))


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


def check_rows(*, partnership: Partnership, table: Iterable[dict[str, str]]) -> ImportCheck:
    """Every row checked; row numbers count the header as row 1, as a spreadsheet shows them."""
    organisations = {org.name.lower(): org for org in current_member_organisations(partnership)}
    roles_by_name = {}
    for role, label in {**dict(Role.choices), **role_labels(partnership)}.items():
        roles_by_name[label.lower()] = role
        roles_by_name[role] = role
    for role, standard in Role.choices:
        roles_by_name[standard.lower()] = role
    check = ImportCheck()
    first_row_of_email: dict[str, int] = {}
    for number, raw in enumerate(table, start=2):
        problems = []

        def problem(message: str, problems=problems) -> None:
            problems.append(message)

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
            if email in first_row_of_email:
                problem(f"email {email} is also on row {first_row_of_email[email]}")
            else:
                first_row_of_email[email] = number
        organisation = organisations.get(" ".join(values["organisation"].split()).lower())
        if values["organisation"] and organisation is None:
            problem(f"organisation “{values['organisation']}” is not a member of {partnership}")
        roles = []
        for name in filter(None, (part.strip() for part in values["roles"].split(";"))):
            role = roles_by_name.get(name.lower()) or roles_by_name.get(name.lower().replace(" ", "_"))
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
            check.problems.extend((number, message) for message in problems)
            continue
        check.rows.append(
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
            )
        )
    if not check.rows and not check.problems:
        check.problems.append((1, "The file has a header but no people"))
    return check
