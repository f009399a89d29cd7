"""Workbench middleware: who viewed what is logged, and cookies are Secure over HTTPS.

The access log names the user, the page and the object, never the client's address: the
archive must not become a record of where its own team connects from.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from roshan.archive.models import AccessEvent

_ADMIN_PAGE = re.compile(r"^/admin/archive/(?P<model>[a-z]+)/(?:(?P<pk>\d+)/change/)?$")


def log_access(user: str, action: str, model: str, object_id: str = "", path: str = "") -> None:
    AccessEvent.objects.create(user=user, action=action, model=model, object_id=object_id, path=path[:300])


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.method == "GET"
            and response.status_code == 200
            and user is not None
            and user.is_authenticated
        ):
            m = _ADMIN_PAGE.match(request.path)
            if m and m.group("model") not in ("accessevent",):
                log_access(user.get_username(), "view", m.group("model"), m.group("pk") or "", request.path)
        return response


class SecureCookiesOnHttps:
    """Mark every cookie Secure when the request arrived over HTTPS (behind a TLS proxy too,
    if ``SECURE_PROXY_SSL_HEADER`` is set), so the same settings serve loopback HTTP and HTTPS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
