from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from conduct.worker_health import LATE_AFTER, worker_health


class Command(BaseCommand):
    help = "Say whether the Celery workers are consuming; exits 1 when they are not (for monitoring)."

    def handle(self, *args, **options):
        health = worker_health(now=timezone.now())
        beat_at = health["last_heartbeat"]
        self.stdout.write(f"Last heartbeat: {beat_at:%Y-%m-%d %H:%M:%S %Z}" if beat_at else "No heartbeat yet.")
        self.stdout.write(
            f"Tasks waiting over {LATE_AFTER} for the broker: {health['tasks_waiting']}; "
            f"sent but unfinished: {health['tasks_unfinished']}."
        )
        if health["late"]:
            raise CommandError(f"The workers are not consuming: no heartbeat for over {LATE_AFTER}.")
        self.stdout.write("The workers are consuming.")
