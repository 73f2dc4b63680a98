"""The Redis bus: pub/sub and counters shared by every node pointed at the same Redis."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as aioredis

from server.bus.base import Bus, Subscription, Window


class RedisSubscription(Subscription):
    def __init__(self, bus: RedisBus, pubsub: aioredis.client.PubSub) -> None:
        self._bus = bus
        self._pubsub = pubsub
        self._prefix = bus.prefix

    async def __aiter__(self) -> AsyncIterator[tuple[str, dict[str, Any]]]:
        async for item in self._pubsub.listen():
            if item.get("type") != "message":
                continue
            channel = item["channel"]
            if isinstance(channel, bytes):
                channel = channel.decode()
            yield channel.removeprefix(self._prefix), json.loads(item["data"])

    async def close(self) -> None:
        self._bus._open.discard(self)
        await self._pubsub.aclose()


class RedisBus(Bus):
    kind = "redis"

    def __init__(self, url: str, prefix: str = "sobes:") -> None:
        self.prefix = prefix
        self._open: set[RedisSubscription] = set()
        self.client = aioredis.Redis.from_url(
            url,
            socket_connect_timeout=3,
            socket_timeout=5,
            health_check_interval=15,
            retry_on_timeout=False,
        )

    async def publish(self, channel: str, message: dict[str, Any]) -> int:
        return int(await self.client.publish(self.prefix + channel, json.dumps(message)))

    async def subscribe(self, *channels: str) -> Subscription:
        pubsub = self.client.pubsub()
        await pubsub.subscribe(*(self.prefix + channel for channel in channels))
        confirmed = 0
        while confirmed < len(set(channels)):
            # Wait for Redis to confirm, so a message published after we return is received.
            reply = await pubsub.get_message(timeout=5)
            if reply is None:
                await pubsub.aclose()
                raise aioredis.ConnectionError("Redis did not confirm the subscription")
            if reply["type"] == "subscribe":
                confirmed += 1
        subscription = RedisSubscription(self, pubsub)
        self._open.add(subscription)
        return subscription

    async def hit(self, key: str, window_s: int) -> Window:
        name = f"{self.prefix}count:{key}"
        async with self.client.pipeline(transaction=True) as pipe:
            # SET NX starts the window with its expiry; INCR keeps it (works on Redis 6 and 7).
            pipe.set(name, 0, ex=window_s, nx=True)
            pipe.incr(name)
            pipe.ttl(name)
            _, count, ttl = await pipe.execute()
        return Window(int(count), max(1, int(ttl)))

    async def peek(self, key: str) -> Window:
        name = f"{self.prefix}count:{key}"
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.get(name)
            pipe.ttl(name)
            count, ttl = await pipe.execute()
        if count is None:
            return Window(0, 0)
        return Window(int(count), max(1, int(ttl)))

    async def reset(self, key: str) -> None:
        await self.client.delete(f"{self.prefix}count:{key}")

    async def ping(self) -> None:
        await self.client.ping()

    async def close(self) -> None:
        # Closing the subscriptions' connections also wakes any task still reading them.
        for subscription in list(self._open):
            await subscription.close()
        await self.client.aclose()
