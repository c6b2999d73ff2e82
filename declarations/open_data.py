"""The public register as open data: one stable set of columns, the same in the CSV and the
JSON downloads, described by a JSON Schema that is published beside them. A column is only
ever added at the end; none is renamed or removed (that would be a new schema version)."""

import datetime

SCHEMA_VERSION = "1"

# (name, JSON type, description), in the order of the CSV's columns.
COLUMNS = [
    ("declarant", "string", "The name of the person who declared."),
    ("organisation", "string", "Their organisation, if they are a partner of one; otherwise empty."),
    ("nil_declaration", "boolean", "True when the person declared that they have no interests."),
    ("kind", "string", "Financial, professional, personal or indirect; empty for a nil declaration."),
    ("situation", "string", "What the interest is: a gift, hospitality, outside employment and so on."),
    ("concerning", "string", "The organisation or person the interest concerns."),
    ("description", "string", "The interest in the declarant's words."),
    ("value_gbp", "string", "For gifts and hospitality, the estimated value in pounds (two decimals); else empty."),
    ("accepted_or_declined", "string", "For gifts and hospitality: accepted or declined; else empty."),
    ("voluntary", "boolean", "True when it was below the partnership's threshold and declared voluntarily."),
    ("arose_on", "string", "The date the interest arose (YYYY-MM-DD), or empty."),
    ("ends_on", "string", "The date it was expected to end (YYYY-MM-DD), or empty."),
    ("ended_on", "string", "The date it ended (YYYY-MM-DD), or empty while it continues."),
    ("declared_on", "string", "The date it was first declared (YYYY-MM-DD)."),
    ("action_taken", "string", "How the conflict is managed, actions separated by semicolons; empty if none."),
]
HEADER = [name for name, _, _ in COLUMNS]


def schema(*, url: str) -> dict:
    """The JSON Schema (2020-12) of the JSON download; its `declarations` items are the CSV's rows."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": url,
        "title": f"Public register of declarations of interests, version {SCHEMA_VERSION}",
        "type": "object",
        "required": ["schema", "schema_version", "partnership", "generated_at", "declarations"],
        "properties": {
            "schema": {"type": "string", "description": "Where this schema is published."},
            "schema_version": {"const": SCHEMA_VERSION},
            "partnership": {"type": "string"},
            "generated_at": {"type": "string", "description": "When the file was made (ISO 8601)."},
            "declarations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": HEADER,
                    "properties": {
                        name: {"type": kind, "description": description} for name, kind, description in COLUMNS
                    },
                },
            },
        },
    }


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def register_rows(declarations) -> list[dict]:
    """Each published declaration, as accepted, under the schema's names."""
    rows = []
    for declaration in declarations:
        revision = declaration.accepted_revision
        rows.append(
            {
                "declarant": declaration.declarant.display_name,
                "organisation": declaration.organisation.name if declaration.organisation_id else "",
                "nil_declaration": revision.is_nil,
                "kind": revision.get_kind_display() if revision.kind else "",
                "situation": revision.get_situation_display() if revision.situation else "",
                "concerning": "" if revision.is_nil else revision.counterparty,
                "description": revision.description,
                "value_gbp": f"{revision.value:.2f}" if revision.value is not None else "",
                "accepted_or_declined": revision.get_outcome_display() if revision.outcome else "",
                "voluntary": declaration.is_voluntary,
                "arose_on": _day(revision.arose_on),
                "ends_on": _day(revision.ends_on),
                "ended_on": _day(declaration.ended_on),
                "declared_on": _day(declaration.first_submitted_at.date() if declaration.first_submitted_at else None),
                "action_taken": "; ".join(action.text for action in revision.management_actions.all()),
            }
        )
    return rows
