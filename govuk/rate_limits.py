"""How often one address (or session, or email address) may do something in a
period, counted in Django's cache: shared through Redis in production, so every
web process counts together. The counted keys are hashed with the secret key,
so the cache holds no address in a form anyone can read back."""

import datetime
import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache


def _cache_key(scope: str, key: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}\x00{key}".encode(), hashlib.sha256).hexdigest()
    return f"rate:{scope}:{digest[:32]}:{window}"


def rate_limit_hit(*, scope: str, key: str, limit: int, period: datetime.timedelta) -> bool:
    """Count one more use of `scope` by `key`; True when that is more than `limit`
    in the current period (a fixed window, so a burst straddling two windows may
    get up to twice the limit through, which is enough to stop a flood)."""
    seconds = int(period.total_seconds())
    cache_key = _cache_key(scope, key, int(time.time()) // seconds)
    # add() then incr() is atomic in Redis and in the local memory cache: two
    # requests at once are counted as two.
    cache.add(cache_key, 0, timeout=seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the window ended between add() and incr()
        cache.add(cache_key, 1, timeout=seconds)
        count = 1
    return count > limit
