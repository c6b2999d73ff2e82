import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.test import Client

from conduct.models import CodeVersion, User


class Command(BaseCommand):
    help = "Time the CSV downloads on the seeded data and show that their memory stays flat as rows grow."

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
        self.stdout.write("| download | rows | seconds | peak memory after 10% of rows | peak memory at the end |")
        self.stdout.write("| --- | ---: | ---: | ---: | ---: |")
        for name, path in exports:
            tracemalloc.start()
            started = time.monotonic()
            response = client.get(path)
            rows, early_peak = -1, None
            for chunk in response.streaming_content:
                rows += chunk.count(b"\n")
                if early_peak is None and rows >= 5000:
                    early_peak = tracemalloc.get_traced_memory()[1]
            seconds = time.monotonic() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            self.stdout.write(
                f"| {name} | {rows} | {seconds:.1f} | {(early_peak or peak) / 2**20:.1f} MB | {peak / 2**20:.1f} MB |"
            )
