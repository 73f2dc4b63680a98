"""The in-process bus: one node, no Redis; same behaviour as the Redis bus within the process."""

from __future__ import annotations

import asyncio
import math
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from server.bus.base import Bus, Subscription, Window

_QUEUE_LIMIT = 10_000


class MemorySubscription(Subscription):
    def __init__(self, bus: MemoryBus, channels: tuple[str, ...]) -> None:
        self._bus = bus
        self.channels = channels
        self.queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue(_QUEUE_LIMIT)

    async def __aiter__(self) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        while True:
            item = await self.queue.get()
            if item is None:
                return
            yield item

    async def close(self) -> None:
        self._bus._unsubscribe(self)
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class MemoryBus(Bus):
    kind = "in-process"

    def __init__(self) -> None:
        self._subscribers: dict[str, set[MemorySubscription]] = defaultdict(set)
        self._counters: dict[str, tuple[int, float]] = {}

    async def publish(self, channel: str, message: dict[str, Any]) -> int:
        delivered = 0
        for subscription in list(self._subscribers.get(channel, ())):
            try:
                subscription.queue.put_nowait((channel, message))
                delivered += 1
            except asyncio.QueueFull:
                # A subscriber that stopped reading loses messages rather than stalling publishers,
                # as a slow Redis pub/sub client would be disconnected.
                continue
        return delivered

    async def subscribe(self, *channels: str) -> Subscription:
        subscription = MemorySubscription(self, channels)
        for channel in channels:
            self._subscribers[channel].add(subscription)
        return subscription

    def _unsubscribe(self, subscription: MemorySubscription) -> None:
        for channel in subscription.channels:
            subscribers = self._subscribers.get(channel)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[channel]

    def _current(self, key: str) -> tuple[int, float] | None:
        entry = self._counters.get(key)
        if entry is not None and entry[1] <= time.monotonic():
            del self._counters[key]
            return None
        return entry

    async def hit(self, key: str, window_s: int) -> Window:
        entry = self._current(key)
        if entry is None:
            entry = (0, time.monotonic() + window_s)
        count, expires = entry[0] + 1, entry[1]
        self._counters[key] = (count, expires)
        return Window(count, max(1, math.ceil(expires - time.monotonic())))

    async def peek(self, key: str) -> Window:
        entry = self._current(key)
        if entry is None:
            return Window(0, 0)
        return Window(entry[0], max(1, math.ceil(entry[1] - time.monotonic())))

    async def reset(self, key: str) -> None:
        self._counters.pop(key, None)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        for subscribers in list(self._subscribers.values()):
            for subscription in list(subscribers):
                await subscription.close()
