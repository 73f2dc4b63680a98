"""Socket.IO on the same ASGI app: signed-in users only, fanned out across nodes through Redis."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from http.cookies import CookieError, SimpleCookie
from typing import Any

import socketio

from server.accounts import sessions
from server.accounts.roles import STAFF
from server.runtime import Runtime
from server.settings import Settings
from server.storage.database import DatabaseUnavailable
from server.trust import origin_allowed

log = logging.getLogger("sobes.realtime")


def user_room(user_id: object) -> str:
    return f"user:{user_id}"


def session_room(session_id: object) -> str:
    return f"session:{session_id}"


def organisation_room(organisation_id: object) -> str:
    return f"org:{organisation_id}"


def create_socketio(settings: Settings) -> socketio.AsyncServer:
    """The Socket.IO server; with ``REDIS_URL`` its rooms span every node."""
    manager = None
    if settings.redis_url:
        manager = socketio.AsyncRedisManager(
            settings.redis_url, channel=f"{settings.redis_prefix}socketio"
        )

    def check_origin(origin: str | None, environ: dict[str, Any]) -> bool:
        scope = environ.get("asgi.scope", {})
        # WebSocket scopes say ws/wss; the page that opened them was http/https.
        scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
        return origin_allowed(origin, scheme, environ.get("HTTP_HOST"), settings)

    return socketio.AsyncServer(
        async_mode="asgi",
        client_manager=manager,
        cors_allowed_origins=check_origin,
        cors_credentials=True,
        logger=False,
        engineio_logger=False,
        max_http_buffer_size=1_000_000,
    )


def _session_token(environ: dict[str, Any]) -> str | None:
    header = environ.get("HTTP_COOKIE")
    if not header:
        return None
    try:
        jar = SimpleCookie()
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(sessions.COOKIE_NAME)
    return morsel.value if morsel else None


def install_handlers(sio: socketio.AsyncServer, rt: Runtime) -> None:
    """Connection checks and the events of this node; every event handler re-checks the role."""

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = _session_token(environ)
        who = None
        if token:
            try:
                async with rt.db.connection() as conn:
                    who = await sessions.resolve(conn, token)
            except DatabaseUnavailable:
                raise socketio.exceptions.ConnectionRefusedError("unavailable") from None
        if who is None:
            raise socketio.exceptions.ConnectionRefusedError("not_authenticated")
        user = who.user
        await sio.save_session(
            sid,
            {
                "user_id": str(user.id),
                "role": user.role.value,
                "organisation_id": str(user.organisation_id) if user.organisation_id else None,
                "session_id": str(who.session_id),
            },
        )
        await sio.enter_room(sid, user_room(user.id))
        await sio.enter_room(sid, session_room(who.session_id))
        if user.role in STAFF and user.organisation_id is not None:
            await sio.enter_room(sid, organisation_room(user.organisation_id))
        rt.metrics.socketio_connections.inc()
        await sio.emit(
            "session",
            {"user_id": str(user.id), "role": user.role.value, "node": rt.settings.node_name},
            to=sid,
        )

    @sio.event
    async def disconnect(sid: str, reason: Any = None) -> None:
        rt.metrics.socketio_connections.dec()


async def end_session_sockets(sio: socketio.AsyncServer, session_id: object) -> None:
    """Tell the browser tabs of a signed-out session, on any node, that it has ended."""
    await sio.emit("signed_out", {}, to=session_room(session_id))


async def close_socketio(sio: socketio.AsyncServer) -> None:
    """Stop Socket.IO's background work: the engine's tasks and the Redis listener."""
    await sio.shutdown()
    manager = sio.manager
    listener = getattr(manager, "thread", None)
    if isinstance(listener, asyncio.Task):
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await listener
    for name in ("pubsub", "redis"):
        connection = getattr(manager, name, None)
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.aclose()
