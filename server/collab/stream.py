"""The update stream of each document: the relay between nodes and the log until compaction.

Every accepted client update is appended to its document's stream before anything else
happens to it, so an update that was appended is never lost: until a compactor has merged it
into PostgreSQL it is in the stream, and every node that opens the document replays it.

Two back ends implement the same small interface, picked by configuration as ``server.bus``
does: a Redis Stream per document (``{prefix}yjs:{name}``, shared by every node), or an
in-process one for a single node without Redis. Entry ids are Redis stream ids
(``<ms>-<seq>``, strictly increasing per document) in both.

Besides the entries, the interface holds three small pieces of coordination:

- a *lease* per document (``SET NX PX``, renewed, released by its owner only), so that one
  compactor at a time does the work; it is an economy, not a guarantee: compaction itself is
  safe to run twice at once (see ``server.collab.compactor``);
- the set of *pending* documents, whose streams hold entries not yet compacted, with the time
  of their latest entry, so that a stream left behind by a node that died is compacted even if
  nobody opens the document again;
- ``wake()``, which ends a blocking ``read_new`` early, so the one reader of a node can start
  following a newly opened document at once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from server.settings import Settings

START = "0-0"


def parse_id(stream_id: str) -> tuple[int, int]:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


def id_after(stream_id: str) -> str:
    """The smallest id greater than ``stream_id`` (for ``XTRIM MINID``)."""
    ms, seq = parse_id(stream_id)
    return f"{ms}-{seq + 1}"


def later(first: str, second: str) -> str:
    return first if parse_id(first) >= parse_id(second) else second


@dataclass(frozen=True)
class StreamEntry:
    id: str
    update: bytes
    author: str | None  # user id
    node: str  # the engine instance that appended it
    at_ms: int  # the appending node's clock


class UpdateStream(ABC):
    """Per-document append-only logs of Yjs updates, shared by every node of this back end."""

    kind: str

    @abstractmethod
    async def append(
        self, name: str, update: bytes, author: str | None, node: str, at_ms: int
    ) -> str:
        """Append one update to document ``name``'s stream; returns its id."""

    @abstractmethod
    async def read_after(
        self, name: str, after: str, count: int | None = None
    ) -> list[StreamEntry]:
        """The entries with ids greater than ``after``, oldest first (at most ``count``)."""

    @abstractmethod
    async def trim_through(self, name: str, through: str) -> None:
        """Drop the entries up to and including ``through``; once nothing is left, the
        document is no longer pending. The stream keeps its last id, so later entries always
        get greater ids."""

    @abstractmethod
    async def read_new(
        self, positions: dict[str, str], block_s: float
    ) -> list[tuple[str, StreamEntry]]:
        """Entries after each document's position, waiting up to ``block_s`` for the first
        (or until ``wake()``); returns ``(name, entry)`` pairs."""

    @abstractmethod
    async def wake(self) -> None:
        """End the current ``read_new`` wait early."""

    @abstractmethod
    async def forget(self, name: str) -> None:
        """Delete document ``name``'s stream altogether (the document itself is gone)."""

    @abstractmethod
    async def acquire_lease(self, name: str, owner: str, ttl_ms: int) -> bool:
        """Take the compaction lease of ``name`` unless someone else holds it."""

    @abstractmethod
    async def renew_lease(self, name: str, owner: str, ttl_ms: int) -> bool:
        """Extend the lease if ``owner`` still holds it."""

    @abstractmethod
    async def release_lease(self, name: str, owner: str) -> None:
        """Give the lease back if ``owner`` still holds it."""

    @abstractmethod
    async def pending(self, idle_for_s: float) -> list[str]:
        """Documents whose streams hold uncompacted entries, the latest appended at least
        ``idle_for_s`` ago."""

    @abstractmethod
    async def close(self) -> None: ...


def open_stream(settings: Settings, instance: str) -> UpdateStream:
    """The stream back end this configuration asks for; ``instance`` names this engine."""
    if settings.redis_url:
        from server.collab.redis_stream import RedisUpdateStream

        return RedisUpdateStream(settings.redis_url, settings.redis_prefix, instance)
    from server.collab.memory_stream import MemoryUpdateStream

    return MemoryUpdateStream()
