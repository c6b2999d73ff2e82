"""Load the five seed codes of conduct from fixtures/codes.json.

fixtures/codes.json is a hand-checked, word-for-word structured form of the
documents kept in fixtures/seeds/*.txt. Its shape:

    {"principles": [{"name": "Selflessness", "slug": "selflessness", "position": 1}, ...],
     "codes": [
       {"slug": ..., "title": ..., "owner": ...,
        "partnership": {"name": ..., "slug": ..., "kind": "alliance|coalition|council_partnership|nhs_body"},
        "versions": [
          {"number": 1, "status": "published|superseded",
           "source": "<file name in fixtures/seeds/>",
           "title": ..., "label": "" or e.g. "Draft October 2020",
           "version_date": "YYYY-MM-DD" or null, "last_full_review_on": "YYYY-MM-DD" or null,
           "light_touch_review_months": 12, "full_review_months": 36,
           "preamble": "" or text (paragraphs joined by a blank line),
           "sections": [
             {"heading": "" or text,
              "items": [
                {"kind": "value|principle|behaviour|commitment|prohibition|rule|text",
                 "title": optional, "text": required,
                 "topic": rules only (conflicts|confidentiality|breach|non_discrimination|duties|rights),
                 "principle": principles only, a principle slug,
                 "children": optional list of items of the same form (sub-points, one level)}]}]}]}]}

Versions are listed in number order. Item positions are not in the file: they
run 1, 2, 3… through each section in file order, each sub-point straight after
its parent.

Each version is created as a draft, filled, then moved to its status with a
queryset update (the only change a non-draft version accepts): published_at is
the version date at midnight local time (now when the document has no date),
a superseded version ends when the next version is published, and the
canonical text hash is stored as publishing would. Codes, principles and
partnerships are keyed by slug and versions by (code, number); whatever exists
already is left alone, so a second run creates nothing.
"""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .canonical_text import text_sha256, version_canonical_text
from .models import Code, CodeVersion, Item, Partnership, Principle, Section
from .selectors import with_content

DEFAULT_PATH = Path(settings.BASE_DIR) / "fixtures" / "codes.json"


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _published_at(version_data: dict, now: datetime.datetime) -> datetime.datetime:
    day = _date(version_data.get("version_date"))
    if day is None:
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _create_items(section: Section, items: list[dict], principles: dict[str, Principle]) -> int:
    position = 0
    created = 0

    def make(data: dict, parent: Item | None) -> Item:
        nonlocal position, created
        position += 1
        created += 1
        principle_slug = data.get("principle")
        return Item.objects.create(
            section=section,
            parent=parent,
            position=position,
            kind=data["kind"],
            topic=data.get("topic", ""),
            principle=principles[principle_slug] if principle_slug else None,
            title=data.get("title", ""),
            text=data["text"],
        )

    for data in items:
        parent = make(data, None)
        for child in data.get("children", []):
            make(child, parent)
    return created


def seed_codes_import(*, path=None) -> dict:
    """Create what is missing from the seed file; return how many of each were created."""
    data = json.loads(Path(path or DEFAULT_PATH).read_text(encoding="utf-8"))
    counts = {"principles": 0, "codes": 0, "partnerships": 0, "versions": 0, "sections": 0, "items": 0}
    now = timezone.now()
    with transaction.atomic():
        for p in data["principles"]:
            _, created = Principle.objects.get_or_create(
                slug=p["slug"], defaults={"name": p["name"], "position": p["position"]}
            )
            counts["principles"] += created
        principles = {p.slug: p for p in Principle.objects.all()}

        for code_data in data["codes"]:
            code, created = Code.objects.get_or_create(
                slug=code_data["slug"], defaults={"title": code_data["title"], "owner": code_data["owner"]}
            )
            counts["codes"] += created

            p = code_data["partnership"]
            _, created = Partnership.objects.get_or_create(
                slug=p["slug"], defaults={"name": p["name"], "kind": p["kind"], "code": code}
            )
            counts["partnerships"] += created

            versions = sorted(code_data["versions"], key=lambda v: v["number"])
            previous = None
            for index, v in enumerate(versions):
                existing = CodeVersion.objects.filter(code=code, number=v["number"]).first()
                if existing is not None:
                    previous = existing
                    continue
                version = CodeVersion.objects.create(
                    code=code,
                    number=v["number"],
                    title=v["title"],
                    label=v.get("label", ""),
                    version_date=_date(v.get("version_date")),
                    status=CodeVersion.Status.DRAFT,
                    preamble=v.get("preamble", ""),
                    last_full_review_on=_date(v.get("last_full_review_on")),
                    light_touch_review_months=v.get("light_touch_review_months", 12),
                    full_review_months=v.get("full_review_months", 36),
                    created_from=previous,
                )
                counts["versions"] += 1
                for position, s in enumerate(v["sections"], start=1):
                    section = Section.objects.create(version=version, position=position, heading=s.get("heading", ""))
                    counts["sections"] += 1
                    counts["items"] += _create_items(section, s["items"], principles)

                status = v["status"]
                ended_at = None
                if status == CodeVersion.Status.SUPERSEDED:
                    following = versions[index + 1]
                    stored = CodeVersion.objects.filter(code=code, number=following["number"]).first()
                    ended_at = stored.published_at if stored and stored.published_at else _published_at(following, now)
                content = with_content(CodeVersion.objects.filter(pk=version.pk)).get()
                CodeVersion.objects.filter(pk=version.pk).update(
                    status=CodeVersion.Status.PUBLISHED,
                    published_at=_published_at(v, now),
                    canonical_sha256=text_sha256(version_canonical_text(content)),
                )
                if status == CodeVersion.Status.SUPERSEDED:
                    CodeVersion.objects.filter(pk=version.pk).update(status=status, ended_at=ended_at)
                previous = version
    return counts
