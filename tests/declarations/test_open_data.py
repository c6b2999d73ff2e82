"""Each public register downloads as CSV and as JSON with one stable set of columns, described
by a published JSON Schema; what the page leaves out (withheld, drafts, submitted but not yet
accepted) the files leave out too, and they take as many queries for 50 declarations as for 5."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations import open_data, services
from tests.conftest import make_partner

from .conftest import EXCLUDED, accept, declare

pytestmark = pytest.mark.django_db

TYPES = {"string": str, "boolean": bool}


def conforms(document: dict, schema: dict) -> None:
    """The schema's rules, checked by hand (no validator library is installed for one test)."""
    assert set(schema["required"]) <= set(document)
    assert document["schema_version"] == schema["properties"]["schema_version"]["const"]
    items = schema["properties"]["declarations"]["items"]
    for row in document["declarations"]:
        assert list(row) == items["required"]  # every column, in the CSV's order, and nothing else
        for name, value in row.items():
            assert isinstance(value, TYPES[items["properties"][name]["type"]]), (name, value)


def test_the_register_downloads_as_csv_and_json_against_its_schema(client, alice, bob, priya, alliance):
    accept(declare(alice, value=Decimal("40"), from_supplier=False), priya, EXCLUDED)
    accept(declare(bob, nil=True), priya)
    services.declaration_withhold(declaration=accept(declare(bob), priya), actor=priya, reason="Safety.")
    declare(alice, counterparty_name="Not Yet Accepted Ltd")

    schema = client.get("/declarations/public/schema.json").json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    document = client.get(f"/declarations/public/{alliance.slug}.json").json()
    conforms(document, schema)
    assert document["schema"].endswith("/declarations/public/schema.json")
    rows = {row["declarant"]: row for row in document["declarations"]}
    assert set(rows) == {"Alice Adams", "Bob Brown"}  # the withheld and the unaccepted are left out
    gift = rows["Alice Adams"]
    assert (gift["value_gbp"], gift["voluntary"], gift["situation"]) == ("40.00", True, "Gift")
    assert gift["action_taken"] == "Excluded from decisions concerning Acme Health Supplies"
    assert rows["Bob Brown"]["nil_declaration"] is True

    response = client.get(f"/declarations/public/{alliance.slug}.csv")
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table[0] == open_data.HEADER == list(schema["properties"]["declarations"]["items"]["properties"])
    assert len(table) == 3
    by_name = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert by_name["Alice Adams"]["value_gbp"] == "40.00" and by_name["Alice Adams"]["voluntary"] == "yes"


def test_the_downloads_take_as_many_queries_for_50_declarations_as_for_5(client, alice, priya, riverside, alliance):
    def add(count, start):
        for n in range(start, start + count):
            partner = make_partner(f"p{n}", "Partner", f"Number {n}", riverside)
            accept(declare(partner, value=Decimal("60"), from_supplier=False), priya, EXCLUDED)

    def queries(path) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        return len(captured)

    add(5, 0)
    few = [queries(f"/declarations/public/{alliance.slug}.{kind}") for kind in ("csv", "json")]
    add(45, 5)
    many = [queries(f"/declarations/public/{alliance.slug}.{kind}") for kind in ("csv", "json")]
    assert few == many
    assert len(client.get(f"/declarations/public/{alliance.slug}.json").json()["declarations"]) == 50
