"""Socket.IO in interview rooms: entering a room's channels, and presence across nodes.

A client emits ``room.enter {room_id}``; the server checks the user's role in the room and
puts the connection in ``room:<id>`` (and, for staff, ``room-staff:<id>``, where the private
notes go). Presence rows in PostgreSQL say who is connected on which node since when; each
node refreshes its own rows, so a dead node's rows go stale within a minute.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import socketio

from server import rooms
from server.accounts import users
from server.errors import ApiError
from server.runtime import Runtime

log = logging.getLogger("sobes.rooms")
PRESENCE_REFRESH_S = 20


async def _broadcast_presence(rt: Runtime, room_id: uuid.UUID) -> None:
    async with rt.db.connection() as conn:
        present = await rooms.presence(conn, room_id)
    await rt.sio.emit(
        "room.presence", {"room_id": str(room_id), "presence": present},
        to=rooms.room_channel(room_id),
    )  # fmt: skip


def install_room_handlers(sio: socketio.AsyncServer, rt: Runtime) -> None:
    @sio.on("room.enter")
    async def enter(sid: str, data: Any) -> dict[str, Any]:
        try:
            room_id = uuid.UUID(str((data or {}).get("room_id")))
        except ValueError:
            return {"error": {"code": "validation_failed", "message": "room_id must be a UUID"}}
        session = await sio.get_session(sid)
        try:
            async with rt.db.connection() as conn:
                user = await users.get_user(conn, uuid.UUID(session["user_id"]))
                if user is None:
                    return {"error": {"code": "not_authenticated", "message": "sign in first"}}
                _, role = await rooms.require_role(conn, room_id, user)
                await rooms.enter_presence(conn, room_id, user.id, sid, rt.settings.node_name)
        except ApiError as exc:
            return {"error": {"code": exc.code, "message": exc.message}}
        await sio.enter_room(sid, rooms.room_channel(room_id))
        if role in ("interviewer", "observer"):
            await sio.enter_room(sid, rooms.staff_channel(room_id))
        await _broadcast_presence(rt, room_id)
        return {"ok": True, "role": role}

    @sio.on("room.leave")
    async def leave(sid: str, data: Any) -> dict[str, Any]:
        try:
            room_id = uuid.UUID(str((data or {}).get("room_id")))
        except ValueError:
            return {"error": {"code": "validation_failed", "message": "room_id must be a UUID"}}
        await sio.leave_room(sid, rooms.room_channel(room_id))
        await sio.leave_room(sid, rooms.staff_channel(room_id))
        async with rt.db.connection() as conn:
            await conn.execute(
                "DELETE FROM room_presence WHERE room_id = $1 AND sid = $2", room_id, sid
            )
        await _broadcast_presence(rt, room_id)
        return {"ok": True}


async def connection_closed(rt: Runtime, sid: str) -> None:
    """A Socket.IO connection ended: it leaves every room's presence."""
    try:
        async with rt.db.connection() as conn:
            left = await rooms.leave_presence(conn, sid)
        for room_id in left:
            await _broadcast_presence(rt, room_id)
    except Exception:
        log.warning("could not update presence after %s left", sid, exc_info=True)


async def refresh_presence(rt: Runtime) -> None:
    """Keep this node's presence rows fresh for as long as it runs."""
    while True:
        await asyncio.sleep(PRESENCE_REFRESH_S)
        try:
            async with rt.db.connection() as conn:
                await conn.execute(
                    "UPDATE room_presence SET seen_at = now() WHERE node = $1",
                    rt.settings.node_name,
                )
        except Exception:
            log.warning("could not refresh room presence", exc_info=True)
