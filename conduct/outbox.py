"""Work for Celery goes through the database first: a request that queues an
email or a reminder succeeds even while the broker is down, and the work goes
out once the broker is back (`queued_tasks_flush`, every minute from beat).

A task stays on record until a worker has run it to the end (`QueuedWork`), so
one whose worker died part-way (killed, out of memory, the broker restarted) is
sent again by the same flush: a fault costs minutes, not the next day's run.
"""

import datetime
import logging
import uuid

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import QueuedTask

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, ConnectionError, OSError)
# A task sent this long ago and not finished was held by a worker that died: longer than
# the longest task runs (CELERY_VISIBILITY_TIMEOUT is longer still, for tasks beat sends).
RUN_LEASE = datetime.timedelta(minutes=5)
# A task that has not finished after a day of tries (one that kills its worker) is left alone.
GIVE_UP_AFTER = datetime.timedelta(days=1)
TASK_ID_PREFIX = "queued-task-"


class QueuedWork(Task):
    """Every task's class (config/celery.py): a task sent from the outbox marks its record finished."""

    def on_success(self, retval, task_id, args, kwargs):
        if task_id and task_id.startswith(TASK_ID_PREFIX):
            queued_id = int(task_id.removeprefix(TASK_ID_PREFIX).split("-")[0])
            QueuedTask.objects.filter(pk=queued_id, finished_at__isnull=True).update(finished_at=timezone.now())


def task_enqueue(task_name: str, **kwargs) -> QueuedTask:
    """Record the task in the current transaction and hand it to the broker once that commits."""
    queued = QueuedTask.objects.create(task_name=task_name, kwargs=kwargs)
    # Only the id waits for the commit: a long transaction (an import of 20,000 people) queues many
    # tasks, and their arguments should not all stay in memory until it ends.
    queued_id = queued.pk
    transaction.on_commit(lambda: queued_task_deliver(queued_id=queued_id))
    return queued


def queued_task_deliver(*, queued_id: int) -> bool:
    """Hand one recorded task to the broker; True once it has been taken."""
    queued = QueuedTask.objects.filter(pk=queued_id, sent_at__isnull=True).first()
    if queued is None:
        return True
    try:
        # Each sending has its own id (a retry is a new message), naming the record it finishes.
        task_id = f"{TASK_ID_PREFIX}{queued.pk}-{uuid.uuid4().hex}"
        current_app.tasks[queued.task_name].apply_async(kwargs=queued.kwargs, retry=False, task_id=task_id)
    except BROKER_ERRORS as error:
        QueuedTask.objects.filter(pk=queued.pk).update(attempts=F("attempts") + 1, last_error=str(error))
        logger.warning("Broker unavailable; %s kept for later: %s", queued, error)
        return False
    QueuedTask.objects.filter(pk=queued.pk).update(attempts=F("attempts") + 1, sent_at=timezone.now(), last_error="")
    return True


def queued_tasks_flush(*, older_than_seconds: int = 30, limit: int = 1000) -> int:
    """Deliver what could not be delivered when it was queued, and again what a worker
    took and never finished; returns how many went.

    Tasks are idempotent, so a task delivered twice by overlapping flushes, or run
    again while a slow first run is still going, is harmless.
    """
    now = timezone.now()
    QueuedTask.objects.filter(
        sent_at__lte=now - RUN_LEASE, finished_at__isnull=True, created_at__gte=now - GIVE_UP_AFTER
    ).update(sent_at=None, last_error="Sent but not finished: its worker stopped")
    cutoff = now - datetime.timedelta(seconds=older_than_seconds)
    pending = QueuedTask.objects.filter(sent_at__isnull=True, created_at__lte=cutoff).order_by("created_at")
    delivered = 0
    for queued_id in pending.values_list("pk", flat=True)[:limit]:
        if not queued_task_deliver(queued_id=queued_id):
            break  # the broker is still down: try again on the next run
        delivered += 1
    return delivered
