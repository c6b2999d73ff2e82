"""manage.py import_code PATH --partnership SLUG [--code SLUG]: the same import as the app's import page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import capfirst

from conduct import services
from conduct.code_import import PRINCIPLES, DocumentError, document_text, read_code
from conduct.models import Code, Partnership


class Command(BaseCommand):
    help = "Make a draft of a code of conduct from its document (.docx, Markdown or plain text)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--partnership", required=True, help="The slug of the partnership whose code it is.")
        parser.add_argument(
            "--code", help="The slug of an existing code to add the draft to; without it a new code is created."
        )

    def handle(self, *args, path, partnership, code, **options):
        target = Partnership.objects.select_related("code").filter(slug=partnership).first()
        if target is None:
            raise CommandError(f"There is no partnership {partnership}")
        existing = None
        if code:
            existing = Code.objects.filter(slug=code).first()
            if existing is None:
                raise CommandError(f"There is no code {code}")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"There is no file {path}")
        try:
            proposal = read_code(document_text(name=file.name, content=file.read_bytes()))
        except DocumentError as error:
            raise CommandError(f"Nothing was imported: {error}") from None
        try:
            made = existing or services.code_create(title=proposal.title, partnership=target, actor=None)
            draft = services.code_draft_import(
                code=made, proposal=proposal, actor=None, source=f"{file.name} (command line)"
            )
        except services.ConductError as error:
            raise CommandError("Nothing was imported: " + " ".join(error.messages)) from None
        self._report(made, draft, proposal, created=existing is None)

    def _report(self, code, draft, proposal, *, created: bool) -> None:
        write = self.stdout.write
        write(f"{'Created code' if created else 'Code'} {code.title} ({code.slug}), adopted by {code.owner}.")
        write(f"{capfirst(draft.draft_name)}: {draft.title}")
        cadence = "as the document states" if proposal.cadence_stated else "not stated: the defaults"
        write(
            f"Reviews: light-touch every {draft.light_touch_review_months} months, "
            f"full every {draft.full_review_months} months ({cadence})."
        )
        counts = proposal.kind_counts()
        write(
            f"{len(proposal.sections)} sections, {sum(counts.values())} items: "
            + ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
        )
        for section in proposal.sections:
            write(f"  {section.heading or '(no heading)'}")
            for item in section.items:
                write(f"    {_outline(item)}")
                for child in item.children:
                    write(f"      {_outline(child)}")
        if proposal.unplaced:
            write("Lines it could not place (not imported):")
            for number, text in proposal.unplaced:
                write(f"  line {number}: {text}")
        else:
            write("Every line was placed.")


def _outline(item) -> str:
    # A principle named without wording is shown by the catalogue's name, as on every page.
    words = item.title or item.text or PRINCIPLES.get(item.principle, "")
    return " ".join(part for part in (item.number, f"[{item.kind}]", words[:70]) if part)
