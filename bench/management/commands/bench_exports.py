import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.test import Client

from conduct.models import CodeVersion, User


def consume(client, path, on_row=None) -> int:
    rows = -1  # the header
    response = client.get(path)
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        if on_row:
            on_row(rows)
    response.close()
    return rows


class Command(BaseCommand):
    help = "Time the CSV downloads on the seeded data, then show that their memory stays flat as rows grow."

    def handle(self, *args, **options):
        # The benchmark serves on localhost, so the test client must ask for it.
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username="bench-admin"))
        version = CodeVersion.objects.get(code__slug="bench-code-0", status="published")
        exports = [
            ("Register of interests", "/declarations/register.csv"),
            ("Breach cases", "/breaches/cases.csv"),
            ("Signatures of one version", f"/codes/bench-code-0/versions/{version.number}/signatures.csv"),
        ]
        self.stdout.write(
            "| download | rows | seconds | rows per second | peak memory at 10% of rows | peak memory at the end |"
        )
        self.stdout.write("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, path in exports:
            started = time.monotonic()
            rows = consume(client, path)
            seconds = time.monotonic() - started
            # A second pass under tracemalloc (which slows Python down, so it is not timed).
            early = {}
            tracemalloc.start()
            consume(
                client,
                path,
                lambda n, early=early, rows=rows: (
                    early.setdefault("peak", tracemalloc.get_traced_memory()[1]) if n >= rows // 10 else None
                ),
            )
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            self.stdout.write(
                f"| {name} | {rows:,} | {seconds:.1f} | {rows / seconds:,.0f} "
                f"| {early.get('peak', peak) / 2**20:.1f} MB | {peak / 2**20:.1f} MB |"
            )
