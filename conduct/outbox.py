"""Work for Celery goes through the database first: a request that queues an
email or a reminder succeeds even while the broker is down, and the work goes
out once the broker is back (`queued_tasks_flush`, every minute from beat)."""

import logging

from celery import current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import QueuedTask

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, ConnectionError, OSError)


def task_enqueue(task_name: str, **kwargs) -> QueuedTask:
    """Record the task in the current transaction and hand it to the broker once that commits."""
    queued = QueuedTask.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: queued_task_deliver(queued_id=queued.pk))
    return queued


def queued_task_deliver(*, queued_id: int) -> bool:
    """Hand one recorded task to the broker; True once it has been taken."""
    queued = QueuedTask.objects.filter(pk=queued_id, sent_at__isnull=True).first()
    if queued is None:
        return True
    try:
        current_app.tasks[queued.task_name].apply_async(kwargs=queued.kwargs, retry=False)
    except BROKER_ERRORS as error:
        QueuedTask.objects.filter(pk=queued.pk).update(attempts=F("attempts") + 1, last_error=str(error))
        logger.warning("Broker unavailable; %s kept for later: %s", queued, error)
        return False
    QueuedTask.objects.filter(pk=queued.pk).update(attempts=F("attempts") + 1, sent_at=timezone.now(), last_error="")
    return True


def queued_tasks_flush(*, older_than_seconds: int = 30, limit: int = 1000) -> int:
    """Deliver what could not be delivered when it was queued; returns how many went.

    Tasks are idempotent, so a task delivered twice by overlapping flushes is harmless.
    """
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    pending = QueuedTask.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).order_by("created_at")
    delivered = 0
    for queued_id in pending.values_list("pk", flat=True)[:limit]:
        if not queued_task_deliver(queued_id=queued_id):
            break  # the broker is still down: try again on the next run
        delivered += 1
    return delivered
