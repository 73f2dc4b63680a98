"""Who may change a room's documents right now.

A token says whether its holder may write at all (``can_write``). On top of that the room
decides: once it has ended nobody writes; while the editor is locked the candidate does not.
Each node caches the room's state, refreshes it when any node publishes ``rooms.changed``
(``notify_room_changed``) and, as a safety net for a lost message, every few seconds while
the room has documents open.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import asyncpg

from server.bus import Bus
from server.collab.tokens import Grant

ROOMS_CHANGED = "rooms.changed"


@dataclass(frozen=True)
class RoomState:
    status: str
    editor_locked: bool
    candidates: frozenset[uuid.UUID]
    fetched: float

    def may_write(self, grant: Grant) -> bool:
        if not grant.can_write or self.status == "ended":
            return False
        is_candidate = grant.role == "candidate" or grant.user_id in self.candidates
        return not (self.editor_locked and is_candidate)


async def load_room_state(conn: asyncpg.Connection, room_id: uuid.UUID) -> RoomState:
    """The room as the editor sees it; a room that is gone counts as ended."""
    row = await conn.fetchrow(
        """
        SELECT r.status, r.editor_locked,
               array(SELECT p.user_id FROM room_participants p
                     WHERE p.room_id = r.id AND p.role = 'candidate') AS candidates
        FROM rooms r WHERE r.id = $1
        """,
        room_id,
    )
    if row is None:
        return RoomState("ended", True, frozenset(), time.monotonic())
    return RoomState(
        row["status"], row["editor_locked"], frozenset(row["candidates"]), time.monotonic()
    )


async def notify_room_changed(bus: Bus, room_id: uuid.UUID) -> None:
    """Tell every node that the room's status, lock or participants changed."""
    await bus.publish(ROOMS_CHANGED, {"room_id": str(room_id)})
