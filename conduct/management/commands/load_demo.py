from django.conf import settings
from django.core.management.base import BaseCommand

from conduct.demo_data import DEMO_PASSWORD, demo_data_load
from conduct.seed_codes import seed_codes_import


class Command(BaseCommand):
    help = "Load the seed codes, demo organisations and one demo account for each role (safe to run again)."

    def handle(self, *args, **options):
        seed_codes_import()
        accounts = demo_data_load()
        self.stdout.write(f"\nConduct is at {settings.SITE_URL}/\nDemo accounts (password: {DEMO_PASSWORD}):")
        for username, shows in accounts:
            self.stdout.write(f"  {username:<8} {shows}")
