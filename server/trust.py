"""Cross-site request defences: the same-origin rule for state changes and live connections.

Session cookies are ``SameSite=Lax`` and HTTP-only. On top of that every state-changing
request that a browser sends must come from an allowed origin (``Origin`` or, failing that,
``Sec-Fetch-Site``), and request bodies must be JSON, which no cross-site form can send.
"""

from __future__ import annotations

from quart import Request

from server.errors import ApiError
from server.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def origin_allowed(origin: str | None, scheme: str, host: str | None, settings: Settings) -> bool:
    """True for a missing origin (not a browser), the request's own origin, or a configured one."""
    if not origin:
        return True
    origin = origin.rstrip("/")
    if host and origin == f"{scheme}://{host}":
        return True
    if settings.public_url and origin == settings.public_url.rstrip("/"):
        return True
    return origin in settings.allowed_origins


def check_same_origin(request: Request, settings: Settings) -> None:
    """Refuse a state-changing request that a browser sent from another site."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin == "null" or not origin_allowed(origin, request.scheme, request.host, settings):
            raise ApiError(403, "cross_site_request", "requests from other sites are refused")
        return
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise ApiError(403, "cross_site_request", "requests from other sites are refused")


def cookie_secure(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure == "auto":
        return request.scheme == "https"
    return settings.cookie_secure == "true"
