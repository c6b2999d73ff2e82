"""Nothing is lost when the broker is down: the request succeeds, the work is
kept in the database and goes out once the broker is back; a real Celery
worker consumes it from the real Redis."""

import datetime
import time
import uuid
from unittest import mock

import pytest
import time_machine
from celery import Task
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from conduct import email_delivery, outbox, services
from conduct.models import Code, CodeVersion, EmailDelivery, QueuedTask, SignatureRequest
from config import celery_app
from tests.conftest import make_partner

pytestmark = pytest.mark.django_db(transaction=True)

CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def use_broker():
    """Point the Celery app at a broker for real (not eagerly), on a queue of this test's own."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options", "task_default_queue")}

    def use(url: str, transport_options: dict | None = None) -> None:
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = url
        celery_app.conf.broker_transport_options = transport_options or settings.BROKER_FAIL_FAST
        celery_app.conf.task_default_queue = queue
        # Forget connections to the previous broker.
        celery_app.amqp._producer_pool = None
        celery_app._pool = None

    queue = f"conduct-test-{uuid.uuid4().hex[:8]}"
    yield use
    celery_app.conf.update(saved)
    celery_app.amqp._producer_pool = None
    celery_app._pool = None


@pytest.fixture
def reachable_broker(tmp_path):
    """The real Redis when REDIS_URL is set, otherwise a folder-based broker."""
    import os

    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], None
    folder = str(tmp_path)
    return "filesystem://", {"data_folder_in": folder, "data_folder_out": folder, "control_folder": folder}


def publish_new_version(client, ada):
    code = Code.objects.get(slug="health-creation-alliance")
    draft = services.code_version_start_draft(code=code, actor=ada)
    client.force_login(ada)
    return client.post(f"/manage/codes/{code.slug}/versions/{draft.number}/publish/")


def test_publishing_succeeds_while_the_broker_is_down_and_the_work_goes_out_when_it_is_back(
    client, seed_codes, alice, bob, ada, use_broker, reachable_broker
):
    use_broker(CLOSED_PORT)
    response = publish_new_version(client, ada)
    assert response.status_code == 302
    assert CodeVersion.objects.get(code__slug="health-creation-alliance", number=3).status == "published"
    queued = QueuedTask.objects.get()
    assert (queued.task_name, queued.sent_at, queued.attempts) == ("conduct.tasks.send_signature_requests", None, 1)
    assert queued.last_error
    assert outbox.queued_tasks_flush(older_than_seconds=0) == 0  # still down: kept
    assert QueuedTask.objects.get().sent_at is None

    use_broker(*reachable_broker)
    assert outbox.queued_tasks_flush(older_than_seconds=0) == 1
    assert QueuedTask.objects.get().sent_at is not None
    with celery_app.connection_for_read() as connection:
        message = connection.SimpleQueue(celery_app.conf.task_default_queue).get(timeout=10)
        assert message.headers["task"] == "conduct.tasks.send_signature_requests"
        assert message.payload[1] == {
            "version_id": CodeVersion.objects.get(number=3, code__slug="health-creation-alliance").pk
        }
        message.ack()


def test_a_real_worker_consumes_the_work_from_redis(
    client, postgresql, redis_url, seed_codes, alice, bob, ada, use_broker
):
    use_broker(redis_url)
    queue = celery_app.conf.task_default_queue
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
        response = publish_new_version(client, ada)
        assert response.status_code == 302
        deadline = time.monotonic() + 30
        # The requests are made by one task and their emails sent by another.
        while EmailDelivery.objects.filter(status="sent").count() < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    version = CodeVersion.objects.get(code__slug="health-creation-alliance", number=3)
    assert sorted(
        SignatureRequest.objects.filter(version=version).values_list("partner__user__username", flat=True)
    ) == ["alice", "bob"]
    assert sorted(m.to[0] for m in mail.outbox if "version 3" in m.subject) == ["alice@example.org", "bob@example.org"]
    assert QueuedTask.objects.filter(sent_at__isnull=True).count() == 0
    assert QueuedTask.objects.filter(finished_at__isnull=True).count() == 0


START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


class WorkerKilled(BaseException):
    """The worker running the task is gone (SIGKILL, the OOM killer): nothing after this runs."""


def flush(minutes_later: float) -> int:
    with time_machine.travel(START + datetime.timedelta(minutes=minutes_later), tick=False):
        return outbox.queued_tasks_flush()


def test_a_fan_out_whose_worker_died_part_way_is_finished_by_the_next_flush(settings, seed_codes, northfield, ada):
    settings.SIGNATURE_REQUEST_BATCH_SIZE = 5
    [make_partner(f"p{n}", "Partner", f"{n}", northfield) for n in range(12)]
    real_emails_queue, real_apply_async = email_delivery.emails_queue, Task.apply_async
    batches = []

    def die_at_the_second_batch(emails):
        batches.append(emails)
        if len(batches) == 2:
            raise WorkerKilled
        return real_emails_queue(emails)

    def broker_takes_it(self, *args, **kwargs):
        try:
            return real_apply_async(self, *args, **kwargs)
        except WorkerKilled:
            return None  # the broker had handed the message over; its worker died out of sight

    with (
        time_machine.travel(START, tick=False),
        mock.patch.object(email_delivery, "emails_queue", die_at_the_second_batch),
        mock.patch.object(Task, "apply_async", broker_takes_it),
    ):
        draft = services.code_version_start_draft(code=Code.objects.get(slug="health-creation-alliance"), actor=ada)
        services.code_version_publish(version=draft, actor=ada)
    assert len(mail.outbox) == 5
    assert SignatureRequest.objects.filter(version=draft, emailed_at__isnull=True).count() == 7
    fan_out = QueuedTask.objects.get(task_name="conduct.tasks.send_signature_requests")
    assert fan_out.sent_at is not None and fan_out.finished_at is None

    assert flush(outbox.RUN_LEASE.total_seconds() / 60 - 1) == 0  # it may still be running
    assert flush(outbox.RUN_LEASE.total_seconds() / 60 + 1) == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"p{n}@example.org" for n in range(12))
    assert not SignatureRequest.objects.filter(version=draft, emailed_at__isnull=True).exists()
    assert not QueuedTask.objects.filter(finished_at__isnull=True).exists()
    assert flush(60) == 0
    assert len(mail.outbox) == 12


def test_a_task_still_unfinished_after_a_day_is_left_alone(seed_codes, ada):
    with time_machine.travel(START, tick=False):
        queued = QueuedTask.objects.create(task_name="conduct.tasks.send_signature_reminders", sent_at=START)
    assert flush(24 * 60 + 10) == 0
    assert QueuedTask.objects.get(pk=queued.pk).finished_at is None
