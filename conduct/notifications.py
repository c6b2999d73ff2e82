"""Emails the conduct app sends: each one a subject, a text body and an HTML body,
built here and handed to `email_delivery`, which sends each once."""

from django.conf import settings
from django.urls import reverse

from .email_delivery import OutgoingEmail
from .models import CodeReview, SignatureRequest


def _sign_url(request: SignatureRequest) -> str:
    version = request.version
    return settings.SITE_URL + reverse(
        "conduct:version-sign", kwargs={"code_slug": version.code.slug, "number": version.number}
    )


def signature_request_email(request: SignatureRequest) -> OutgoingEmail:
    version = request.version
    changes_url = ""
    if request.previous_version:
        changes_url = (
            settings.SITE_URL
            + reverse("conduct:version-diff", kwargs={"code_slug": version.code.slug})
            + f"?from={request.previous_version.number}&to={version.number}"
        )
    return OutgoingEmail(
        purpose=f"signature-request:{request.pk}",
        to=request.partner.user.email,
        template="emails/signature_request",
        context={"request": request, "version": version, "sign_url": _sign_url(request), "changes_url": changes_url},
    )


def signature_reminder_email(request: SignatureRequest) -> OutgoingEmail:
    """The reminder after `request.reminder_count` earlier ones."""
    return OutgoingEmail(
        purpose=f"signature-reminder:{request.pk}:{request.reminder_count + 1}",
        to=request.partner.user.email,
        template="emails/signature_reminder",
        context={"request": request, "version": request.version, "sign_url": _sign_url(request)},
    )


def review_opened_emails(review: CodeReview) -> list[OutgoingEmail]:
    review_url = settings.SITE_URL + review.get_absolute_url()
    return [
        OutgoingEmail(
            purpose=f"review-opened:{review.pk}",
            to=user.email,
            template="emails/review_opened",
            context={"review": review, "user": user, "review_url": review_url},
        )
        for user in review.assignees.all()
    ]


def review_overdue_emails(review: CodeReview) -> list[OutgoingEmail]:
    """The reminder numbered `review.reminder_count`."""
    review_url = settings.SITE_URL + review.get_absolute_url()
    return [
        OutgoingEmail(
            purpose=f"review-overdue:{review.pk}:{review.reminder_count}",
            to=user.email,
            template="emails/review_overdue",
            context={"review": review, "user": user, "review_url": review_url},
        )
        for user in review.assignees.all()
    ]
