"""Every CSV the app writes goes through govuk.csv_export, which a spreadsheet opens without
running anything typed into it: a cell starting =, +, -, @, a tab or a carriage return is
written with a leading apostrophe."""

import csv
import io
import re
from pathlib import Path

import pytest

from govuk.csv_export import csv_response

BASE_DIR = Path(__file__).resolve().parent.parent.parent
APPS = ["accounts", "breaches", "conduct", "declarations", "govuk", "meetings", "partnerships", "privacy"]


def read_back(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(typed):
    rows = read_back(csv_response(filename="x.csv", header=["name"], rows=[[typed], ["Alice"], [None], [42]]))
    assert rows == [["name"], ["'" + typed], ["Alice"], [""], ["42"]]


def test_no_app_writes_a_csv_but_through_csv_export():
    writers = [
        str(path.relative_to(BASE_DIR))
        for app in APPS
        if (BASE_DIR / app).exists()
        for path in (BASE_DIR / app).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text()) and path.name != "csv_export.py"
    ]
    assert writers == []
