"""How many reports one address, or one browser, may send in an hour without an
account (or anonymously): enough for anyone with concerns to raise, too few to
flood a programme manager's inbox with cases."""

import datetime

from django.conf import settings

from govuk.client_address import client_address
from govuk.rate_limits import rate_limit_hit

HOUR = datetime.timedelta(hours=1)
REFUSAL = (
    "You have sent several reports in a short time, so this one has not been sent. "
    "Try again in an hour, or contact the partnership's programme manager directly"
)


def report_limit_refusal(request) -> str:
    """Counts this report against its address and its browser; a refusal once either passes its limit."""
    over_address = rate_limit_hit(
        scope="breach-report-address",
        key=client_address(request),
        limit=settings.BREACH_REPORTS_PER_ADDRESS,
        period=HOUR,
    )
    # The CSRF cookie, which every report form's browser holds, stands for the browser: an
    # anonymous reporter has no session, and must not be given one that could identify them.
    browser = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    over_browser = bool(browser) and rate_limit_hit(
        scope="breach-report-browser", key=browser, limit=settings.BREACH_REPORTS_PER_SESSION, period=HOUR
    )
    return REFUSAL if over_address or over_browser else ""
