import csv
import datetime
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from conduct.models import Code, Membership, Organisation, Partnership, User
from partnerships import services
from partnerships.people_import import check_file

ORGANISATIONS = 20
GROWTH = re.compile(r"^(\d+) people: .* peak memory grew by (\d+) KB", re.MULTILINE)


class Command(BaseCommand):
    help = (
        "Import lists of people (5,000 and 20,000 by default) into a fresh partnership, each size in a "
        "fresh process; time, peak memory, and how much memory each further person costs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="5000,20000")

    def handle(self, *args, sizes, **options):
        sizes = [int(size) for size in sizes.split(",")]
        if len(sizes) == 1:
            self.import_one(sizes[0])
            return
        # A process's peak memory only ever grows, so each size is measured in a process of its own.
        grown = {}
        for size in sizes:
            out = subprocess.run(
                [
                    sys.executable,
                    str(Path(settings.BASE_DIR) / "manage.py"),
                    "bench_import_people",
                    "--sizes",
                    str(size),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            self.stdout.write(out.rstrip())
            grown.update((int(people), int(kb)) for people, kb in GROWTH.findall(out))
        smallest, largest = min(grown), max(grown)
        if largest > smallest:
            per_person = (grown[largest] - grown[smallest]) * 1024 / (largest - smallest)
            self.stdout.write(
                f"From {smallest} to {largest} people, peak memory grew by {per_person:.0f} bytes "
                "for each further person."
            )

    def import_one(self, size: int) -> None:
        code = Code.objects.order_by("pk").first()
        admin = User.objects.filter(is_staff=True).first()
        run = f"bench-import-{size}-{int(time.time())}"
        partnership = Partnership.objects.create(name=run, slug=run, kind="other", code=code)
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"{run} organisation {o}", slug=f"{run}-organisation-{o}") for o in range(ORGANISATIONS)
        )
        Membership.objects.bulk_create(
            Membership(organisation=o, partnership=partnership, started_on=datetime.date(2024, 1, 1))
            for o in organisations
        )
        with tempfile.NamedTemporaryFile("w+", suffix=".csv", newline="", encoding="utf-8") as text:
            writer = csv.writer(text)
            writer.writerow(["organisation", "name", "email", "job_title", "roles", "start_date"])
            for i in range(size):
                organisation = organisations[i % ORGANISATIONS].name
                writer.writerow([organisation, f"Person {i}", f"{run}-{i}@example.org", "Officer", "", "2025-03-01"])
            text.flush()
            file = text.buffer
            # Peak resident memory, read without slowing the import down (tracemalloc triples its time).
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.monotonic()
            check = check_file(partnership=partnership, name="people.csv", file=file)
            counts = services.people_import(actor=admin, partnership=partnership, check=check, source="bench")
            first = time.monotonic() - started
            emails_kb = _emails_size(check.emails) / 1024
            del check
            started = time.monotonic()
            again = services.people_import(
                actor=admin,
                partnership=partnership,
                check=check_file(partnership=partnership, name="people.csv", file=file),
                source="bench",
            )
            second = time.monotonic() - started
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
            megabytes = Path(text.name).stat().st_size / 2**20
        self.stdout.write(
            f"{size} people: imported in {first:.1f} s ({counts['created']} created), the same file again in "
            f"{second:.1f} s ({again['unchanged']} unchanged); peak memory grew by {grown} KB "
            f"({megabytes:.1f} MB file, read from disk; the emails kept between the check and the import "
            f"take {emails_kb:.0f} KB)."
        )


def _emails_size(emails: dict[str, int]) -> int:
    return sys.getsizeof(emails) + sum(sys.getsizeof(email) + sys.getsizeof(row) for email, row in emails.items())
