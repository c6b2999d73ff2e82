from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def apply_retention_schedule() -> dict[str, int]:
    return services.retention_run(today=timezone.localdate())
