"""Whether the Celery workers are consuming: beat sends a heartbeat task every
minute and a worker that runs it records the time, so a stale time means the
workers or beat have stopped, whatever state the broker is in."""

import datetime

from .models import QueuedTask, WorkerHeartbeat

HEARTBEAT = "worker"
# Several missed beats, not one slow one: the heartbeat queues behind whatever tasks came first.
LATE_AFTER = datetime.timedelta(minutes=5)


def heartbeat_record(*, now: datetime.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(name=HEARTBEAT, defaults={"beat_at": now})


def last_heartbeat() -> datetime.datetime | None:
    return WorkerHeartbeat.objects.filter(name=HEARTBEAT).values_list("beat_at", flat=True).first()


def heartbeat_late(beat_at: datetime.datetime | None, *, now: datetime.datetime) -> bool:
    return beat_at is None or now - beat_at > LATE_AFTER


def worker_health(*, now: datetime.datetime) -> dict:
    """The last heartbeat (None if there was none), whether it is late, and the work
    that has waited longer than it should: not handed to the broker, or not finished."""
    beat_at = last_heartbeat()
    return {
        "last_heartbeat": beat_at,
        "late": heartbeat_late(beat_at, now=now),
        "tasks_waiting": QueuedTask.objects.filter(sent_at__isnull=True, created_at__lte=now - LATE_AFTER).count(),
        "tasks_unfinished": QueuedTask.objects.filter(sent_at__lte=now - LATE_AFTER, finished_at__isnull=True).count(),
    }
