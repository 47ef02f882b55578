"""Nothing the application itself answers is kept by a browser or a proxy.

Resident pages, API answers and exports carry personal data; a shared computer's browser cache
or a caching proxy must not keep a copy. So every response made by Django is marked
`Cache-Control: private, no-store` unless its view chose its caching deliberately (set its own
Cache-Control header). Static files never get here: WhiteNoise, before this middleware in
MIDDLEWARE, answers them with its own long-lived caching.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
