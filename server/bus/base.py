"""The small interface both bus back ends implement."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Window:
    """A counter's value in its current fixed window and the seconds until the window resets."""

    count: int
    resets_in_s: int


class Subscription(ABC):
    """Messages of the subscribed channels, as ``(channel, message)``; close it when done."""

    @abstractmethod
    def __aiter__(self) -> AsyncIterator[tuple[str, dict[str, Any]]]: ...

    @abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


class Bus(ABC):
    """Pub/sub and fixed-window counters shared by every node that uses the same bus."""

    kind: str

    @abstractmethod
    async def publish(self, channel: str, message: dict[str, Any]) -> int:
        """Send ``message`` to every current subscriber of ``channel``; returns how many got it."""

    @abstractmethod
    async def subscribe(self, *channels: str) -> Subscription:
        """Start receiving messages of ``channels`` (the subscription is live on return)."""

    @abstractmethod
    async def hit(self, key: str, window_s: int) -> Window:
        """Count one event under ``key`` in a window of ``window_s`` seconds."""

    @abstractmethod
    async def peek(self, key: str) -> Window:
        """The count under ``key`` without adding to it."""

    @abstractmethod
    async def reset(self, key: str) -> None:
        """Forget the count under ``key``."""

    @abstractmethod
    async def ping(self) -> None:
        """Raise if the bus is unreachable."""

    @abstractmethod
    async def close(self) -> None: ...
