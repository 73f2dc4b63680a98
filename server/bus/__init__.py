"""Messaging between nodes: pub/sub and shared counters, in-process or through Redis.

``open_bus(settings)`` picks the back end from configuration alone: Redis when
``REDIS_URL`` is set, otherwise an in-process bus for a single-node install.
"""

from __future__ import annotations

from server.bus.base import Bus, Subscription, Window
from server.settings import Settings


def open_bus(settings: Settings) -> Bus:
    """The bus this configuration asks for."""
    if settings.redis_url:
        from server.bus.redis import RedisBus

        return RedisBus(settings.redis_url, settings.redis_prefix)
    from server.bus.memory import MemoryBus

    return MemoryBus()


__all__ = ["Bus", "Subscription", "Window", "open_bus"]
