"""The address a request came from, as the login throttle and the rate limits
see it. Behind proxies REMOTE_ADDR is the nearest proxy's, shared by everyone;
each proxy appends the address it was reached from to X-Forwarded-For, and
anything to the left of what our own proxies wrote was written by the client
and is not believed."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The entry settings.TRUSTED_PROXY_COUNT places from the right of
    X-Forwarded-For, or REMOTE_ADDR when no proxy is trusted, the header is
    shorter than the proxies in front of us, or the entry is not an address."""
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
