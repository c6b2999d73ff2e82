"""Pages that hold someone's case, declaration or receipt code must not be kept
by the browser or a proxy, where the next person at a shared computer, or the
back button after logging out, would find them."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Marks every response of the URL namespaces in settings.NO_STORE_URL_NAMESPACES
    `Cache-Control: no-store`, unless the view set its own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        private = match is not None and match.namespace in settings.NO_STORE_URL_NAMESPACES
        if private and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
