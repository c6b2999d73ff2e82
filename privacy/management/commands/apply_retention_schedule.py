from django.core.management.base import BaseCommand
from django.utils import timezone

from privacy.retention_schedule import Kind
from privacy.services import retention_run


class Command(BaseCommand):
    help = "Erase the personal data of every record past its retention period (what Celery beat runs nightly)."

    def handle(self, *args, **options):
        counts = retention_run(today=timezone.localdate())
        for kind, count in counts.items():
            self.stdout.write(f"{Kind(kind).label}: {count} erased")
