import csv
import datetime
import io
import resource
import time

from django.core.management.base import BaseCommand

from conduct.models import Code, Membership, Organisation, Partnership, User
from partnerships import services
from partnerships.people_import import check_rows, read_table

ORGANISATIONS = 20


class Command(BaseCommand):
    help = (
        "Import lists of people (5,000, 10,000 and 20,000 by default) into a fresh partnership; time and peak memory."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="5000,10000,20000")

    def handle(self, *args, sizes, **options):
        code = Code.objects.order_by("pk").first()
        admin = User.objects.filter(is_staff=True).first()
        for size in (int(size) for size in sizes.split(",")):
            run = f"bench-import-{size}-{int(time.time())}"
            partnership = Partnership.objects.create(name=run, slug=run, kind="other", code=code)
            organisations = Organisation.objects.bulk_create(
                Organisation(name=f"{run} organisation {o}", slug=f"{run}-organisation-{o}")
                for o in range(ORGANISATIONS)
            )
            Membership.objects.bulk_create(
                Membership(organisation=o, partnership=partnership, started_on=datetime.date(2024, 1, 1))
                for o in organisations
            )
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(["organisation", "name", "email", "job_title", "roles", "start_date"])
            for i in range(size):
                organisation = organisations[i % ORGANISATIONS].name
                writer.writerow([organisation, f"Person {i}", f"{run}-{i}@example.org", "Officer", "", "2025-03-01"])
            content = buffer.getvalue().encode()
            # Peak resident memory, read without slowing the import down (tracemalloc triples its time).
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.monotonic()
            check = check_rows(partnership=partnership, table=read_table(name="people.csv", content=content))
            counts = services.people_import(actor=admin, partnership=partnership, check=check, source="bench")
            first = time.monotonic() - started
            grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
            started = time.monotonic()
            again = services.people_import(
                actor=admin,
                partnership=partnership,
                check=check_rows(partnership=partnership, table=read_table(name="people.csv", content=content)),
                source="bench",
            )
            second = time.monotonic() - started
            self.stdout.write(
                f"{size} people: imported in {first:.1f} s ({counts['created']} created), peak memory grew by "
                f"{grown / 1024:.0f} MB ({len(content) / 2**20:.1f} MB file); the same file again in {second:.1f} s "
                f"({again['unchanged']} unchanged)."
            )
