"""The awareness states of one document on one node (who is here, their cursors).

Awareness is ephemeral: it lives in memory, travels between nodes over the bus, and never
reaches the update stream or PostgreSQL. The rules are y-protocols' ``applyAwarenessUpdate``:
an entry replaces the known one when its clock is newer, or removes it when the clock is the
same and the state is ``null``. The table also remembers who announced each client id (a local
connection or another node), so that a closed connection's cursors can be removed for everyone,
and when each was last heard from, so that silent ones are swept.

Every stock provider sends back each change it is told of, so with N clients in a document the
table sees N copies of every state: deciding that an entry is nothing new must be cheap. Only
accepted entries are checked to be JSON, and each present state keeps its encoded form, so that
greeting a newcomer with every state is one ``join`` of bytes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server.collab.protocol import (
    AwarenessEntry,
    check_awareness_state,
    encode_awareness_parts,
)

# How long a removed client id's clock is remembered, so a late, older announcement of it
# cannot bring it back.
_FORGET_REMOVED_S = 120.0


@dataclass(slots=True)
class _Known:
    clock: int
    state: str | None  # None once removed
    seen: float
    owner: Any
    encoded: bytes = b""  # the entry as sent, while present


class AwarenessTable:
    def __init__(self) -> None:
        self._known: dict[int, _Known] = {}
        self._owned: dict[Any, set[int]] = {}

    def apply(self, entries: list[AwarenessEntry], owner: Any) -> list[AwarenessEntry]:
        """Take in what ``owner`` sent; returns the entries that were accepted, to relay.

        Accepted entries include unchanged renewals: clients renew their state every 15 s and
        the reference server echoes each renewal to every connection, the sender included,
        which is what keeps an otherwise idle provider from timing out and reconnecting.
        Raises ``ProtocolError``, changing nothing, if an accepted state is not JSON.
        """
        news = self._news(entries)
        for entry, _ in news:
            if not entry.removed:
                check_awareness_state(entry)
        now = time.monotonic()
        for entry, _ in news:
            known = self._known.get(entry.client_id)
            if known is not None and known.owner is not None:
                self._disown(known.owner, entry.client_id)
            if entry.removed:
                self._known[entry.client_id] = _Known(entry.clock, None, now, None)
            else:
                self._known[entry.client_id] = _Known(
                    entry.clock, entry.state, now, owner, entry.encoded()
                )
                self._owned.setdefault(owner, set()).add(entry.client_id)
        return [entry for entry, relay in news if relay]

    def _news(self, entries: list[AwarenessEntry]) -> list[tuple[AwarenessEntry, bool]]:
        """The entries that change something, in order, each with whether to relay it (a
        removal is relayed only if it removes a present state). A client id repeated within
        one update is judged against its earlier entry."""
        seen: dict[int, tuple[int, bool]] = {}
        news = []
        for entry in entries:
            if entry.client_id in seen:
                current, present = seen[entry.client_id]
                known_at_all = True
            else:
                known = self._known.get(entry.client_id)
                known_at_all = known is not None
                current = known.clock if known is not None else 0
                present = known is not None and known.state is not None
            if entry.removed:
                if not (current < entry.clock or (current == entry.clock and present)):
                    continue
                seen[entry.client_id] = (entry.clock, False)
                news.append((entry, present))
            else:
                if current >= entry.clock and known_at_all:
                    continue
                seen[entry.client_id] = (entry.clock, True)
                news.append((entry, True))
        return news

    def states(self, announced_by: Callable[[Any], bool] | None = None) -> list[AwarenessEntry]:
        """Every present state, or those whose announcer passes ``announced_by``."""
        return [
            AwarenessEntry(client_id, known.clock, known.state)
            for client_id, known in self._known.items()
            if known.state is not None and (announced_by is None or announced_by(known.owner))
        ]

    def encoded_states(self) -> bytes | None:
        """Every present state as one encoded update, or None if there is none."""
        parts = [known.encoded for known in self._known.values() if known.state is not None]
        return encode_awareness_parts(parts) if parts else None

    def remove_owned_by(self, owner: Any) -> list[AwarenessEntry]:
        """Remove every state ``owner`` announced; returns the removals to broadcast.

        A removal carries the state's current clock and a ``null`` state, as y-protocols'
        ``removeAwarenessStates`` does, so a client that is in fact still there (it reconnected
        elsewhere) is accepted again on its next renewal, which has a higher clock.
        """
        return self._remove(list(self._owned.pop(owner, ())))

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

    def _disown(self, owner: Any, client_id: int) -> None:
        owned = self._owned.get(owner)
        if owned is not None:
            owned.discard(client_id)
            if not owned:
                del self._owned[owner]

    def _remove(self, client_ids: list[int]) -> list[AwarenessEntry]:
        now = time.monotonic()
        removed = []
        for client_id in client_ids:
            known = self._known.get(client_id)
            if known is None or known.state is None:
                continue
            if known.owner is not None:
                self._disown(known.owner, client_id)
            self._known[client_id] = _Known(known.clock, None, now, None)
            removed.append(AwarenessEntry(client_id, known.clock, "null"))
        return removed
