"""Every email the app sends goes through here, once per address and purpose.

`email_queue` records an email in the caller's transaction; once that commits a
worker claims it, sends it and marks it sent, each step committed on its own, so
a failure part-way through a batch re-sends nothing that went and loses nothing
that did not. The mail server being down costs a retry with backoff (up to an
hour apart, for a day); a worker dying costs the sweeper's next run.
"""

import contextlib
import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from .models import EmailDelivery
from .outbox import task_enqueue

logger = logging.getLogger(__name__)

Status = EmailDelivery.Status

# How many emails one delivery task sends: small, so a lost task costs little.
DELIVERY_BATCH_SIZE = 50
# A pending email nobody has picked up for this long is handed to a worker again by the sweeper.
SWEEP_AFTER = datetime.timedelta(minutes=3)
# The most one sweep hands over: the rest wait for the next one.
SWEEP_LIMIT = 5000
# A claim older than this is a send that crashed: longer than the slowest send can take (EMAIL_TIMEOUT).
CLAIM_LEASE = datetime.timedelta(minutes=5)
# Retries wait 1, 2, 4 … minutes, at most an hour, and stop a day after the email was queued.
FIRST_RETRY_DELAY = datetime.timedelta(minutes=1)
LONGEST_RETRY_DELAY = datetime.timedelta(hours=1)
GIVE_UP_AFTER = datetime.timedelta(days=1)


@dataclass(frozen=True)
class OutgoingEmail:
    purpose: str
    to: str
    template: str
    context: dict


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long to wait after the given number of failed attempts."""
    return min(FIRST_RETRY_DELAY * 2 ** min(attempts - 1, 20), LONGEST_RETRY_DELAY)


def _render(email: OutgoingEmail, due: datetime.datetime) -> EmailDelivery:
    context = {**email.context, "site_url": settings.SITE_URL}
    return EmailDelivery(
        purpose=email.purpose,
        to=email.to,
        subject=" ".join(render_to_string(f"{email.template}_subject.txt", context).split()),
        body_text=render_to_string(f"{email.template}.txt", context),
        body_html=render_to_string(f"{email.template}.html", context),
        next_attempt_at=due,
    )


def emails_queue(emails: list[OutgoingEmail]) -> int:
    """Record emails to send once the current transaction commits; an email whose
    address and purpose were queued before is not queued again. Returns how many
    were new."""
    emails = list({(email.purpose, email.to): email for email in emails if email.to}.values())
    if not emails:
        return 0
    purposes = {email.purpose for email in emails}
    already = set(EmailDelivery.objects.filter(purpose__in=purposes).values_list("purpose", "to"))
    # Due again (for the sweeper) only if the task handed over now has not run by then.
    due = timezone.now() + SWEEP_AFTER
    new = [_render(email, due) for email in emails if (email.purpose, email.to) not in already]
    EmailDelivery.objects.bulk_create(new, ignore_conflicts=True)
    ids = list(
        EmailDelivery.objects.filter(purpose__in=purposes, status=Status.PENDING, attempts=0).values_list(
            "pk", flat=True
        )
    )
    _hand_over(ids)
    return len(new)


def email_queue(*, purpose: str, to: str, template: str, context: dict) -> int:
    """Send `template` (its _subject.txt, .txt and .html) to `to` once this transaction
    commits, at most once for this purpose and address, and keep trying for a day
    while the mail server refuses. Returns 1 if it was queued now, 0 if it had been."""
    return emails_queue([OutgoingEmail(purpose=purpose, to=to, template=template, context=context)])


def email_fan_out(rows: QuerySet, *, emails_for: Callable, mark: dict, batch_size: int = 500) -> int:
    """Queue the emails for every row of `rows`, in batches each committed on its own:
    a batch's rows are locked (rows another run holds are skipped), their emails
    queued and `mark` applied to them, which must take them out of `rows`.
    Returns how many rows were handled."""
    handled = 0
    while True:
        with transaction.atomic():
            batch = list(rows.select_for_update(skip_locked=True, of=("self",)).order_by("pk")[:batch_size])
            if not batch:
                return handled
            emails_queue([email for row in batch for email in emails_for(row)])
            rows.model.objects.filter(pk__in=[row.pk for row in batch]).update(**mark)
            handled += len(batch)


def _claim(delivery_id: int, now: datetime.datetime) -> bool:
    return bool(
        EmailDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def _mark_sent(delivery_id: int) -> None:
    # The message has gone: the mark must not be lost to a passing database error,
    # or the sweeper would send it again.
    for pause in (0.5, 2, 5, None):
        try:
            EmailDelivery.objects.filter(pk=delivery_id).update(
                status=Status.SENT, sent_at=timezone.now(), last_error=""
            )
            return
        except DatabaseError:
            if pause is None:
                raise
            logger.warning("Could not mark email %s sent; trying again", delivery_id, exc_info=True)
            time.sleep(pause)


def _mark_failed(delivery: EmailDelivery, error: Exception, now: datetime.datetime, rest: list[int]) -> None:
    """The mail server refused: try again later (the sweeper hands it over when it is due),
    and hold back the rest of the batch with it rather than fail each against a server that is down."""
    attempts = delivery.attempts  # this attempt included: the claim counted it
    retry_at = now + retry_delay(attempts)
    if retry_at - delivery.created_at > GIVE_UP_AFTER:
        EmailDelivery.objects.filter(pk=delivery.pk).update(status=Status.FAILED, last_error=str(error)[:2000])
        logger.error("Gave up on email %s after %s attempts: %s", delivery, attempts, error)
    else:
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.PENDING, next_attempt_at=retry_at, last_error=str(error)[:2000]
        )
    EmailDelivery.objects.filter(pk__in=rest, status=Status.PENDING).update(next_attempt_at=retry_at)


def emails_deliver(*, delivery_ids: list[int]) -> int:
    """Send the given emails that are due and not claimed by anyone else; returns how many went.

    Before: each email pending, sending elsewhere, or sent. After: each one this call
    claimed is sent and marked sent, or pending again with a later attempt time (or
    given up a day after it was queued). Safe to run twice, or in two workers at once.
    """
    sent = 0
    connection = None
    try:
        for index, delivery_id in enumerate(delivery_ids):
            now = timezone.now()
            if not _claim(delivery_id, now):
                continue
            delivery = EmailDelivery.objects.get(pk=delivery_id)
            message = EmailMultiAlternatives(
                subject=delivery.subject,
                body=delivery.body_text,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[delivery.to],
            )
            if delivery.body_html:
                message.attach_alternative(delivery.body_html, "text/html")
            try:
                if connection is None:
                    connection = get_connection()
                    connection.open()
                connection.send_messages([message])
            except Exception as error:  # whatever the mail server or the network raise
                logger.warning("Email %s not sent: %s", delivery, error)
                _mark_failed(delivery, error, now, rest=delivery_ids[index + 1 :])
                break
            _mark_sent(delivery_id)
            sent += 1
    finally:
        if connection is not None:
            with contextlib.suppress(Exception):  # a connection that failed may fail to close too
                connection.close()
    return sent


def emails_sweep(*, now: datetime.datetime) -> int:
    """Hand to a worker again whatever is due and was not picked up (its task lost, the
    broker down, a retry's time come), and what a crashed send left claimed.
    Returns how many emails were handed over."""
    with transaction.atomic():
        EmailDelivery.objects.filter(status=Status.SENDING, claimed_at__lte=now - CLAIM_LEASE).update(
            status=Status.PENDING, next_attempt_at=now
        )
        due = list(
            EmailDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:SWEEP_LIMIT]
        )
        # Not due again until these tasks have had time to run: the next sweeps leave them alone.
        EmailDelivery.objects.filter(pk__in=due).update(next_attempt_at=now + SWEEP_AFTER)
        _hand_over(due)
    return len(due)


def _hand_over(delivery_ids: list[int]) -> None:
    for start in range(0, len(delivery_ids), DELIVERY_BATCH_SIZE):
        task_enqueue("conduct.tasks.deliver_emails", delivery_ids=delivery_ids[start : start + DELIVERY_BATCH_SIZE])
