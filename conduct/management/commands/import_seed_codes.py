"""Load the seed codes of conduct from fixtures/codes.json (safe to run again)."""

from django.core.management.base import BaseCommand

from conduct.seed_codes import seed_codes_import


class Command(BaseCommand):
    help = "Import the seed codes of conduct, their versions, principles and partnerships from fixtures/codes.json."

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Another file of the same shape as fixtures/codes.json.")

    def handle(self, *args, path=None, **options):
        counts = seed_codes_import(path=path)
        created = {name: n for name, n in counts.items() if n}
        if not created:
            self.stdout.write("Seed codes already loaded: nothing created.")
            return
        summary = ", ".join(f"{n} {name}" for name, n in created.items())
        self.stdout.write(self.style.SUCCESS(f"Created {summary}."))
