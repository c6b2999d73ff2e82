import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask


class Command(BaseCommand):
    help = "Write settings.CONDUCT_PERIODIC_TASKS into django-celery-beat's schedule (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        for name, entry in settings.CONDUCT_PERIODIC_TASKS.items():
            if "every_seconds" in entry:
                interval, _ = IntervalSchedule.objects.get_or_create(
                    every=entry["every_seconds"], period=IntervalSchedule.SECONDS
                )
                schedule = {"interval": interval, "crontab": None}
            else:
                minute, hour = entry["crontab"].split()
                crontab, _ = CrontabSchedule.objects.get_or_create(
                    minute=minute,
                    hour=hour,
                    day_of_week="*",
                    day_of_month="*",
                    month_of_year="*",
                    timezone=settings.TIME_ZONE,
                )
                schedule = {"crontab": crontab, "interval": None}
            PeriodicTask.objects.update_or_create(
                name=name,
                defaults={
                    "task": entry["task"],
                    "kwargs": json.dumps(entry.get("kwargs", {})),
                    "enabled": True,
                    **schedule,
                },
            )
        ours = set(settings.CONDUCT_PERIODIC_TASKS)
        stale = PeriodicTask.objects.exclude(name__in=ours).exclude(name__startswith="celery.")
        for task in stale:
            task.delete()
        self.stdout.write(f"{len(ours)} periodic tasks scheduled.")
