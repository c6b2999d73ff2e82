"""Refuse a request whose body is larger than any form here takes, before
reading a byte of it: a 150 MB upload is turned away at once, not read in
full and then refused."""

from django.conf import settings
from django.shortcuts import render
from django.urls import Resolver404, resolve


def size_checked_by_form(view):
    """Mark a view whose form says by its file field when a file is too large: requests to it
    from someone signed in pass up to settings.SIZE_CHECKED_BY_FORM_MAX_BYTES, the file going to
    a temporary file on disk (FILE_UPLOAD_MAX_MEMORY_SIZE), so that the person sees the form again
    with the reason. Nobody signed out can make the server write that much to disk."""
    view.size_checked_by_form = True
    return view


class RequestSizeLimitMiddleware:
    """Answers 413, with a page saying what is accepted, when the declared
    Content-Length passes settings.REQUEST_MAX_BYTES (or, for a view marked
    size_checked_by_form, SIZE_CHECKED_BY_FORM_MAX_BYTES). (A body sent without a
    Content-Length is not read by Django at all under WSGI; the proxy's
    `client_max_body_size` limits both.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        largest = settings.REQUEST_MAX_BYTES
        if length > largest and request.user.is_authenticated and _size_checked_by_form(request):
            largest = settings.SIZE_CHECKED_BY_FORM_MAX_BYTES
        if length > largest:
            return render(
                request,
                "413.html",
                {"largest_mb": largest // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)


def _size_checked_by_form(request) -> bool:
    # Resolved only for a request already too large for every other form, so others pay nothing.
    try:
        match = resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return getattr(match.func, "size_checked_by_form", False)
