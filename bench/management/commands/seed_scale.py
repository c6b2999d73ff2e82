import time

from django.core.management.base import BaseCommand, CommandError

from bench.seeding import seed_scale
from conduct.models import Code
from conduct.seed_codes import seed_codes_import


class Command(BaseCommand):
    help = "Seed a partnership at scale for the benchmark (scale 1: 20,000 partners, 200,000 signatures…)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="multiply every count by this (default 1)")

    def handle(self, *args, scale, **options):
        if Code.objects.filter(slug__startswith="bench-code-").exists():
            raise CommandError("This database is already seeded for the benchmark; use a fresh one.")
        started = time.monotonic()
        seed_codes_import()
        seed_scale(scale=scale, log=lambda line: self.stdout.write(f"{time.monotonic() - started:7.1f}s  {line}"))
        self.stdout.write(f"Seeded in {time.monotonic() - started:.0f} seconds.")
