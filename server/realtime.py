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
    """Connection checks: only a valid session connects, and its user's rooms are joined."""

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
        from server.room_events import connection_closed

        await connection_closed(rt, sid)


async def emit_events(sio: socketio.AsyncServer, events: list[tuple[str, dict[str, Any]]]) -> None:
    """Send (room, payload-with-"event") pairs; a failed send is logged, never raised."""
    for room, payload in events:
        body = dict(payload)
        event = body.pop("event")
        try:
            await sio.emit(event, body, to=room)
        except Exception:
            log.warning("could not send %s to %s", event, room, exc_info=True)


SESSIONS_ENDED = "sessions.ended"


async def end_session_sockets(rt: Runtime, session_id: object) -> None:
    """End the live connections of a signed-out session on every node.

    The tabs are told first (``signed_out``); then each node disconnects its own sockets of
    that session, so a client that ignores the event is cut off all the same.
    """
    await rt.sio.emit("signed_out", {}, to=session_room(session_id))
    await rt.bus.publish(SESSIONS_ENDED, {"session_id": str(session_id)})


async def disconnect_ended_sessions(rt: Runtime) -> None:
    """This node's listener for ended sessions; runs for the life of the node."""
    while True:
        try:
            async with await rt.bus.subscribe(SESSIONS_ENDED) as subscription:
                async for _, message in subscription:
                    room = session_room(message["session_id"])
                    local = [sid for sid, _ in rt.sio.manager.get_participants("/", room)]
                    for sid in local:
                        await rt.sio.disconnect(sid)
        except asyncio.CancelledError:
            raise
        except Exception:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                return  # the node is stopping; the client library reported it as an error
            log.warning("lost the ended-sessions subscription; resubscribing", exc_info=True)
            await asyncio.sleep(1)


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
