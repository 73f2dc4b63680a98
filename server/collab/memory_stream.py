"""The in-process update stream: one node, no Redis; the same behaviour within the process.

Without Redis the stream lives in this process only, so an update is as durable as the
process until the compactor has written it to PostgreSQL (every few seconds, on the last
client leaving, and on shutdown).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import time
from dataclasses import dataclass, field

from server.collab.stream import START, StreamEntry, UpdateStream, parse_id


@dataclass
class _Log:
    entries: list[StreamEntry] = field(default_factory=list)
    keys: list[tuple[int, int]] = field(default_factory=list)
    last: tuple[int, int] = (0, 0)
    touched: float = 0.0


class MemoryUpdateStream(UpdateStream):
    kind = "in-process"

    def __init__(self) -> None:
        self._logs: dict[str, _Log] = {}
        self._changed = asyncio.Condition()
        self._wakes = 0
        self._leases: dict[str, tuple[str, float]] = {}

    def _next_id(self, log: _Log) -> tuple[int, int]:
        now_ms = int(time.time() * 1000)
        if now_ms > log.last[0]:
            return now_ms, 0
        return log.last[0], log.last[1] + 1

    async def append(
        self, name: str, update: bytes, author: str | None, node: str, at_ms: int
    ) -> str:
        log = self._logs.setdefault(name, _Log())
        key = self._next_id(log)
        entry = StreamEntry(f"{key[0]}-{key[1]}", update, author, node, at_ms)
        log.entries.append(entry)
        log.keys.append(key)
        log.last = key
        log.touched = time.monotonic()
        async with self._changed:
            self._changed.notify_all()
        return entry.id

    def _after(self, name: str, after: str, count: int | None) -> list[StreamEntry]:
        log = self._logs.get(name)
        if log is None:
            return []
        start = bisect.bisect_right(log.keys, parse_id(after))
        end = len(log.entries) if count is None else start + count
        return log.entries[start:end]

    async def read_after(
        self, name: str, after: str, count: int | None = None
    ) -> list[StreamEntry]:
        return self._after(name, after, count)

    async def trim_through(self, name: str, through: str) -> None:
        log = self._logs.get(name)
        if log is None:
            return
        cut = bisect.bisect_right(log.keys, parse_id(through))
        del log.entries[:cut]
        del log.keys[:cut]

    async def read_new(
        self, positions: dict[str, str], block_s: float
    ) -> list[tuple[str, StreamEntry]]:
        def found() -> list[tuple[str, StreamEntry]]:
            return [
                (name, entry)
                for name, position in positions.items()
                for entry in self._after(name, position or START, 500)
            ]

        wakes = self._wakes
        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: bool(found()) or self._wakes != wakes),
                    block_s,
                )
        return found()

    async def wake(self) -> None:
        self._wakes += 1
        async with self._changed:
            self._changed.notify_all()

    async def forget(self, name: str) -> None:
        self._logs.pop(name, None)

    async def acquire_lease(self, name: str, owner: str, ttl_ms: int) -> bool:
        held = self._leases.get(name)
        now = time.monotonic()
        if held is not None and held[1] > now and held[0] != owner:
            return False
        self._leases[name] = (owner, now + ttl_ms / 1000)
        return True

    async def renew_lease(self, name: str, owner: str, ttl_ms: int) -> bool:
        held = self._leases.get(name)
        if held is None or held[0] != owner:
            return False
        self._leases[name] = (owner, time.monotonic() + ttl_ms / 1000)
        return True

    async def release_lease(self, name: str, owner: str) -> None:
        held = self._leases.get(name)
        if held is not None and held[0] == owner:
            del self._leases[name]

    async def pending(self, idle_for_s: float) -> list[str]:
        now = time.monotonic()
        return [
            name
            for name, log in self._logs.items()
            if log.entries and now - log.touched >= idle_for_s
        ]

    async def close(self) -> None:
        await self.wake()
