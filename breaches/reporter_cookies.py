"""What a browser carries for someone who reported, or follows a report up, with
a receipt code: the report just sent (its reference and receipt code, shown once)
and the cases whose code was entered. Kept in signed cookies of their own, never
in the session: a logged-in person's session row carries their user id, and an
anonymous report must not sit beside it in the session table."""

from django.conf import settings
from django.core import signing

REPORT_SENT = "breach_report_sent"
RECEIPT_CASES = "breach_receipt_cases"
# Long enough to follow the redirect to the page that shows the code once.
REPORT_SENT_FOR = 10 * 60


def _set(response, name: str, value, *, max_age: int | None, salt: str) -> None:
    response.set_cookie(
        name,
        signing.dumps(value, salt=salt),
        max_age=max_age,
        path="/breaches/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _get(request, name: str, *, max_age: int, salt: str):
    try:
        return signing.loads(request.COOKIES.get(name, ""), salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None


def report_sent_remember(response, sent: dict) -> None:
    _set(response, REPORT_SENT, sent, max_age=REPORT_SENT_FOR, salt=REPORT_SENT)


def report_sent_recall(request) -> dict | None:
    return _get(request, REPORT_SENT, max_age=REPORT_SENT_FOR, salt=REPORT_SENT)


def report_sent_forget(response) -> None:
    """Shown once: the cookie goes with the response that shows it."""
    response.delete_cookie(REPORT_SENT, path="/breaches/")


def receipt_case_ids(request) -> list[int]:
    ids = _get(request, RECEIPT_CASES, max_age=settings.SESSION_COOKIE_AGE, salt=RECEIPT_CASES)
    return [pk for pk in ids if isinstance(pk, int)] if isinstance(ids, list) else []


def receipt_cases_remember(response, ids: list[int]) -> None:
    # No max_age: gone when the browser closes, and refused by the signature's age after a working day.
    _set(response, RECEIPT_CASES, ids, max_age=None, salt=RECEIPT_CASES)
