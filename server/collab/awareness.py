"""The awareness states of one document on one node (who is here, their cursors).

Awareness is ephemeral: it lives in memory, travels between nodes over the bus, and never
reaches the update stream or PostgreSQL. The rules are y-protocols' ``applyAwarenessUpdate``:
an entry replaces the known one when its clock is newer, or removes it when the clock is the
same and the state is ``null``. The table also remembers who announced each client id (a local
connection or another node), so that a closed connection's cursors can be removed for everyone,
and when each was last heard from, so that silent ones are swept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server.collab.protocol import AwarenessEntry

# How long a removed client id's clock is remembered, so a late, older announcement of it
# cannot bring it back.
_FORGET_REMOVED_S = 120.0


@dataclass
class _Known:
    clock: int
    state: str | None  # None once removed
    seen: float
    owner: Any


class AwarenessTable:
    def __init__(self) -> None:
        self._known: dict[int, _Known] = {}

    def apply(self, entries: list[AwarenessEntry], owner: Any) -> list[AwarenessEntry]:
        """Take in what ``owner`` sent; returns the entries that were accepted, to relay.

        Accepted entries include unchanged renewals: clients renew their state every 15 s and
        the reference server echoes each renewal to every connection, the sender included,
        which is what keeps an otherwise idle provider from timing out and reconnecting.
        """
        now = time.monotonic()
        accepted = []
        for entry in entries:
            known = self._known.get(entry.client_id)
            current = known.clock if known is not None else 0
            present = known is not None and known.state is not None
            if entry.removed:
                if not (current < entry.clock or (current == entry.clock and present)):
                    continue
                self._known[entry.client_id] = _Known(entry.clock, None, now, owner)
                if present:
                    accepted.append(entry)
            else:
                if current >= entry.clock and known is not None:
                    continue
                self._known[entry.client_id] = _Known(entry.clock, entry.state, now, owner)
                accepted.append(entry)
        return accepted

    def states(self, announced_by: Callable[[Any], bool] | None = None) -> list[AwarenessEntry]:
        """Every present state, or those whose announcer passes ``announced_by``."""
        return [
            AwarenessEntry(client_id, known.clock, known.state)
            for client_id, known in self._known.items()
            if known.state is not None and (announced_by is None or announced_by(known.owner))
        ]

    def remove_owned_by(self, owner: Any) -> list[AwarenessEntry]:
        """Remove every state ``owner`` announced; returns the removals to broadcast.

        A removal carries the state's current clock and a ``null`` state, as y-protocols'
        ``removeAwarenessStates`` does, so a client that is in fact still there (it reconnected
        elsewhere) is accepted again on its next renewal, which has a higher clock.
        """
        return self._remove([cid for cid, k in self._known.items() if k.owner == owner])

    def sweep(self, silent_for_s: float) -> list[AwarenessEntry]:
        """Remove states not renewed for ``silent_for_s``; returns the removals."""
        now = time.monotonic()
        for client_id, known in list(self._known.items()):
            if known.state is None and now - known.seen > _FORGET_REMOVED_S:
                del self._known[client_id]
        return self._remove(
            [
                client_id
                for client_id, known in self._known.items()
                if known.state is not None and now - known.seen >= silent_for_s
            ]
        )

    def _remove(self, client_ids: list[int]) -> list[AwarenessEntry]:
        now = time.monotonic()
        removed = []
        for client_id in client_ids:
            known = self._known[client_id]
            if known.state is None:
                continue
            self._known[client_id] = _Known(known.clock, None, now, None)
            removed.append(AwarenessEntry(client_id, known.clock, "null"))
        return removed
