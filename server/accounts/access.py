"""Who may call what: every API view declares its roles, and the server checks them."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from quart import g, request

from server.accounts import sessions
from server.accounts.roles import Role
from server.accounts.sessions import COOKIE_NAME, SignedIn
from server.errors import ApiError
from server.runtime import runtime

View = TypeVar("View", bound=Callable[..., Awaitable[Any]])
ACCESS_ATTRIBUTE = "__sobes_access__"
_UNSET = object()


async def signed_in() -> SignedIn | None:
    """The user of this request (resolved once per request), or ``None`` when anonymous."""
    cached = g.get("signed_in", _UNSET)
    if cached is not _UNSET:
        return cached
    token = request.cookies.get(COOKIE_NAME)
    found = None
    if token:
        async with runtime().db.connection() as conn:
            found = await sessions.resolve(conn, token)
    g.signed_in = found
    return found


def public(view: View) -> View:
    """Anyone may call this view, signed in or not."""
    setattr(view, ACCESS_ATTRIBUTE, "public")
    return view


def requires(*roles: Role) -> Callable[[View], View]:
    """Only signed-in users with one of ``roles`` may call the view (401 anonymous, 403 others)."""
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        async def guarded(*args: Any, **kwargs: Any) -> Any:
            who = await signed_in()
            if who is None:
                raise ApiError(401, "not_authenticated", "sign in first")
            if who.user.role not in allowed:
                raise ApiError(403, "forbidden", "your role may not do this")
            g.user = who.user
            return await view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTRIBUTE, allowed)
        return guarded  # type: ignore[return-value]

    return decorate


def client_ip() -> str | None:
    """The client's address (the proxy-corrected one under uvicorn), or None if not an IP."""
    try:
        return str(ipaddress.ip_address(request.remote_addr or ""))
    except ValueError:
        return None
