"""Emails the conduct app sends: each one a subject, a text body and an HTML body."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .models import CodeReview, SignatureRequest, User


def send_templated_email(*, template: str, to: list[str], context: dict) -> None:
    context = {**context, "site_url": settings.SITE_URL}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()


def send_signature_request(request: SignatureRequest) -> None:
    version = request.version
    sign_url = settings.SITE_URL + reverse(
        "conduct:version-sign", kwargs={"code_slug": version.code.slug, "number": version.number}
    )
    changes_url = ""
    if request.previous_version:
        changes_url = (
            settings.SITE_URL
            + reverse("conduct:version-diff", kwargs={"code_slug": version.code.slug})
            + f"?from={request.previous_version.number}&to={version.number}"
        )
    send_templated_email(
        template="emails/signature_request",
        to=[request.partner.user.email],
        context={"request": request, "version": version, "sign_url": sign_url, "changes_url": changes_url},
    )


def send_signature_reminder(request: SignatureRequest) -> None:
    version = request.version
    sign_url = settings.SITE_URL + reverse(
        "conduct:version-sign", kwargs={"code_slug": version.code.slug, "number": version.number}
    )
    send_templated_email(
        template="emails/signature_reminder",
        to=[request.partner.user.email],
        context={"request": request, "version": version, "sign_url": sign_url},
    )


def send_review_opened(review: CodeReview, user: User) -> None:
    send_templated_email(
        template="emails/review_opened",
        to=[user.email],
        context={"review": review, "user": user, "review_url": settings.SITE_URL + review.get_absolute_url()},
    )


def send_review_overdue(review: CodeReview, user: User) -> None:
    send_templated_email(
        template="emails/review_overdue",
        to=[user.email],
        context={"review": review, "user": user, "review_url": settings.SITE_URL + review.get_absolute_url()},
    )
