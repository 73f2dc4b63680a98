"""The Redis update stream: a Redis Stream per document, shared by every node on the same Redis.

Keys (all under the install's prefix):

- ``yjs:{name}``: the document's stream; fields ``update``, ``author``, ``node``, ``at``;
- ``yjs-pending``: a sorted set of documents with uncompacted entries, scored by the time (ms)
  of their latest entry;
- ``yjs-lease:{name}``: the compaction lease, holding its owner's instance name;
- ``yjs-wake:{instance}``: a tiny stream each node's reader also blocks on, so that ``wake()``
  can end its wait.

A document's stream key expires a week after its latest entry; it is never deleted while the
document exists, so the ids of new entries always follow those already compacted.
"""

from __future__ import annotations

import time

import redis.asyncio as aioredis

from server.collab.stream import START, StreamEntry, UpdateStream, id_after

STREAM_TTL_MS = 7 * 24 * 3600 * 1000
_WAKE_TTL_MS = 24 * 3600 * 1000
_READ_COUNT = 500
MAX_CONNECTIONS = 64

_TRIM = """
redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])
if redis.call('XLEN', KEYS[1]) == 0 then
    redis.call('ZREM', KEYS[2], ARGV[2])
end
return 1
"""

_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
    return 1
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return 1
end
return 0
"""

_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


def _entry(stream_id: bytes, fields: dict[bytes, bytes]) -> StreamEntry:
    author = fields.get(b"author") or b""
    return StreamEntry(
        id=stream_id.decode(),
        update=fields[b"update"],
        author=author.decode() or None,
        node=(fields.get(b"node") or b"").decode(),
        at_ms=int(fields.get(b"at") or 0),
    )


class RedisUpdateStream(UpdateStream):
    kind = "redis"

    def __init__(self, url: str, prefix: str, instance: str) -> None:
        self.prefix = prefix
        # Appends wait for a free connection rather than fail when many clients type at once
        # (a plain pool raises once it has max_connections). The reader's blocking XREAD
        # holds one connection for up to its block time, well within socket_timeout.
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=MAX_CONNECTIONS,
            timeout=5,
            socket_connect_timeout=3,
            socket_timeout=10,
            health_check_interval=15,
        )
        self.client = aioredis.Redis(connection_pool=pool)
        self._pending_key = f"{prefix}yjs-pending"
        self._wake_key = f"{prefix}yjs-wake:{instance}"
        self._wake_position = START
        self._trim = self.client.register_script(_TRIM)
        self._acquire = self.client.register_script(_ACQUIRE)
        self._renew = self.client.register_script(_RENEW)
        self._release = self.client.register_script(_RELEASE)

    def key(self, name: str) -> str:
        return f"{self.prefix}yjs:{name}"

    async def append(
        self, name: str, update: bytes, author: str | None, node: str, at_ms: int
    ) -> str:
        key = self.key(name)
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xadd(key, {"update": update, "author": author or "", "node": node, "at": at_ms})
            pipe.zadd(self._pending_key, {name: int(time.time() * 1000)})
            pipe.pexpire(key, STREAM_TTL_MS)
            stream_id, _, _ = await pipe.execute()
        return stream_id.decode()

    async def read_after(
        self, name: str, after: str, count: int | None = None
    ) -> list[StreamEntry]:
        found = await self.client.xrange(self.key(name), min=f"({after}", max="+", count=count)
        return [_entry(stream_id, fields) for stream_id, fields in found]

    async def trim_through(self, name: str, through: str) -> None:
        await self._trim(keys=[self.key(name), self._pending_key], args=[id_after(through), name])

    async def read_new(
        self, positions: dict[str, str], block_s: float
    ) -> list[tuple[str, StreamEntry]]:
        streams = {self.key(name): position or START for name, position in positions.items()}
        streams[self._wake_key] = self._wake_position
        replies = await self.client.xread(
            streams, count=_READ_COUNT, block=max(1, int(block_s * 1000))
        )
        found = []
        key_prefix = f"{self.prefix}yjs:"
        for key, entries in replies or []:
            key = key.decode()
            if key == self._wake_key:
                if entries:
                    self._wake_position = entries[-1][0].decode()
                continue
            name = key.removeprefix(key_prefix)
            found.extend((name, _entry(stream_id, fields)) for stream_id, fields in entries)
        return found

    async def wake(self) -> None:
        async with self.client.pipeline(transaction=False) as pipe:
            pipe.xadd(self._wake_key, {"wake": 1}, maxlen=10, approximate=False)
            pipe.pexpire(self._wake_key, _WAKE_TTL_MS)
            await pipe.execute()

    async def forget(self, name: str) -> None:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(self.key(name))
            pipe.zrem(self._pending_key, name)
            await pipe.execute()

    async def acquire_lease(self, name: str, owner: str, ttl_ms: int) -> bool:
        return bool(await self._acquire(keys=[self._lease_key(name)], args=[owner, ttl_ms]))

    async def renew_lease(self, name: str, owner: str, ttl_ms: int) -> bool:
        return bool(await self._renew(keys=[self._lease_key(name)], args=[owner, ttl_ms]))

    async def release_lease(self, name: str, owner: str) -> None:
        await self._release(keys=[self._lease_key(name)], args=[owner])

    def _lease_key(self, name: str) -> str:
        return f"{self.prefix}yjs-lease:{name}"

    async def pending(self, idle_for_s: float) -> list[str]:
        newest = int((time.time() - idle_for_s) * 1000)
        names = await self.client.zrangebyscore(self._pending_key, "-inf", newest, start=0, num=100)
        return [name.decode() for name in names]

    async def close(self) -> None:
        try:
            await self.client.delete(self._wake_key)
        finally:
            await self.client.aclose()
            await self.client.connection_pool.disconnect()
