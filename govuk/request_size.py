"""Refuse a request whose body is larger than any form here takes, before
reading a byte of it: a 150 MB upload is turned away at once, not read in
full and then refused."""

from django.conf import settings
from django.shortcuts import render


class RequestSizeLimitMiddleware:
    """Answers 413, with a page saying what is accepted, when the declared
    Content-Length passes settings.REQUEST_MAX_BYTES. (A body sent without a
    Content-Length is not read by Django at all under WSGI; the proxy's
    `client_max_body_size` limits both.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return render(
                request,
                "413.html",
                {"largest_mb": settings.REQUEST_MAX_BYTES // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)
