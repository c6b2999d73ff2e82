"""manage.py import_people PATH --partnership SLUG [--dry-run] [--add-organisations] [--full-list]:
the same import as the app's upload page."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conduct.models import Partnership
from conduct.services import ConductError
from partnerships import services
from partnerships.people_import import MAX_BYTES, ImportFileError, check_file


class Command(BaseCommand):
    help = "Import organisations' people from a CSV or Excel (.xlsx) file into a partnership."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--partnership", required=True, help="The partnership's slug.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and count, but write nothing.")
        parser.add_argument(
            "--add-organisations",
            action="store_true",
            help="Organisations in the file that are not members join (otherwise their rows are errors).",
        )
        parser.add_argument(
            "--full-list", action="store_true", help="Everyone of the partnership not in the file has left: end them."
        )

    def handle(self, *args, path, partnership, dry_run, full_list, add_organisations, **options):
        target = Partnership.objects.filter(slug=partnership).first()
        if target is None:
            raise CommandError(f"There is no partnership {partnership}")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"There is no file {path}")
        # Refused by its size before a byte of it is read.
        if file.stat().st_size > MAX_BYTES:
            raise CommandError(f"Nothing was imported: the file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
        # Read twice, a row at a time: once to check it, once to import it.
        with file.open("rb") as opened:
            try:
                check = check_file(
                    partnership=target, name=file.name, file=opened, adds_organisations=add_organisations
                )
            except ImportFileError as error:
                raise CommandError(f"Nothing was imported: {error}") from None
            try:
                counts = services.people_import(
                    actor=None,
                    partnership=target,
                    check=check,
                    source=f"{file.name} (command line)",
                    dry_run=dry_run,
                    full_list=full_list,
                )
            except ConductError as error:
                raise CommandError("Nothing was imported:\n" + "\n".join(error.messages)) from None
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {check.people} people into {target}: {counts['created']} created, "
            f"{counts['updated']} updated, {counts['unchanged']} unchanged."
        )
        if counts["organisations_added"]:
            self.stdout.write(
                f"{'Would add' if dry_run else 'Added'} {len(counts['organisations_added'])} organisations: "
                + "; ".join(counts["organisations_added"])
            )
        if counts["leaving"]:
            self.stdout.write(
                f"{'Would end' if dry_run else 'Ended'} {len(counts['leaving'])}: " + "; ".join(counts["leaving"])
            )
