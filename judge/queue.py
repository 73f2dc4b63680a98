"""The judge's job queue: two lanes (live-room runs before screening), at-least-once delivery.

``RedisJobQueue`` keeps each lane in a Redis Stream with one consumer group: XREADGROUP hands
a job to one worker, XACK (and XDEL) retires it, and a job whose worker died is handed on by
XAUTOCLAIM once it has been idle long enough. ``MemoryJobQueue`` does the same in one process.
A job may thus run more than once; results are stored under the job's id, once.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Literal

import redis.asyncio as aioredis
import redis.exceptions

Lane = Literal["live", "screening"]
LANES: tuple[Lane, ...] = ("live", "screening")  # in order of priority
GROUP = "workers"


class QueueFull(Exception):
    """More jobs are waiting than the queue accepts; try again later."""


@dataclass(frozen=True)
class Delivery:
    lane: Lane
    message_id: str
    job_id: str
    # how many times this job has been handed out, this time included
    attempts: int


class JobQueue(ABC):
    kind: str

    @abstractmethod
    async def put(self, lane: Lane, job_id: str) -> None:
        """Queue a job; raises ``QueueFull`` when over capacity."""

    @abstractmethod
    async def take(self, consumer: str, block_ms: int) -> Delivery | None:
        """The next job for ``consumer`` (live lane first), or None after ``block_ms``."""

    @abstractmethod
    async def reclaim(self, consumer: str, min_idle_ms: int) -> list[Delivery]:
        """Take over jobs whose worker has not touched them for ``min_idle_ms``."""

    @abstractmethod
    async def touch(self, consumer: str, delivery: Delivery) -> None:
        """Tell the queue the job is still being worked on (so it is not reclaimed)."""

    @abstractmethod
    async def ack(self, delivery: Delivery) -> None:
        """The job is done (its result is stored): remove it."""

    @abstractmethod
    async def depth(self) -> int:
        """Jobs waiting or being worked on, in all lanes."""

    @abstractmethod
    async def close(self) -> None: ...


class MemoryJobQueue(JobQueue):
    """The in-process queue of a single-node install."""

    kind = "in-process"

    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self._waiting: dict[Lane, list[tuple[str, str, int]]] = {lane: [] for lane in LANES}
        # message id -> (lane, job id, consumer, last touched, attempts)
        self._pending: dict[str, tuple[Lane, str, str, float, int]] = {}
        self._ids = itertools.count(1)
        self._wakeup = asyncio.Event()

    async def put(self, lane: Lane, job_id: str) -> None:
        if await self.depth() >= self.capacity:
            raise QueueFull
        self._waiting[lane].append((f"{next(self._ids)}-0", job_id, 0))
        self._wakeup.set()

    async def take(self, consumer: str, block_ms: int) -> Delivery | None:
        deadline = time.monotonic() + block_ms / 1000
        while True:
            for lane in LANES:
                if self._waiting[lane]:
                    message_id, job_id, attempts = self._waiting[lane].pop(0)
                    attempts += 1
                    self._pending[message_id] = (lane, job_id, consumer, time.monotonic(), attempts)
                    return Delivery(lane, message_id, job_id, attempts)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except TimeoutError:
                return None

    async def reclaim(self, consumer: str, min_idle_ms: int) -> list[Delivery]:
        now = time.monotonic()
        taken = []
        for message_id, (lane, job_id, _, touched, attempts) in list(self._pending.items()):
            if (now - touched) * 1000 >= min_idle_ms:
                self._pending[message_id] = (lane, job_id, consumer, now, attempts + 1)
                taken.append(Delivery(lane, message_id, job_id, attempts + 1))
        return taken

    async def touch(self, consumer: str, delivery: Delivery) -> None:
        entry = self._pending.get(delivery.message_id)
        if entry is not None:
            lane, job_id, _, _, attempts = entry
            self._pending[delivery.message_id] = (
                lane,
                job_id,
                consumer,
                time.monotonic(),
                attempts,
            )

    async def ack(self, delivery: Delivery) -> None:
        self._pending.pop(delivery.message_id, None)

    async def depth(self) -> int:
        return sum(len(w) for w in self._waiting.values()) + len(self._pending)

    async def close(self) -> None:
        return None


class RedisJobQueue(JobQueue):
    """Redis Streams with a consumer group, shared by every node and worker."""

    kind = "redis"

    def __init__(self, url: str, prefix: str = "sobes:", capacity: int = 1000) -> None:
        self.capacity = capacity
        self.client = aioredis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=None)
        self.streams = {lane: f"{prefix}judge:{lane}" for lane in LANES}
        self._ready = False

    async def _ensure_groups(self) -> None:
        if self._ready:
            return
        for stream in self.streams.values():
            try:
                await self.client.xgroup_create(stream, GROUP, id="0", mkstream=True)
            except redis.exceptions.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
        self._ready = True

    def _lane_of(self, stream: Any) -> Lane:
        name = stream.decode() if isinstance(stream, bytes) else stream
        return next(lane for lane, key in self.streams.items() if key == name)

    async def put(self, lane: Lane, job_id: str) -> None:
        await self._ensure_groups()
        if await self.depth() >= self.capacity:
            raise QueueFull
        await self.client.xadd(self.streams[lane], {"job": job_id})

    async def _attempts(self, stream: str, message_id: str) -> int:
        entries = await self.client.xpending_range(stream, GROUP, message_id, message_id, 1)
        return int(entries[0]["times_delivered"]) if entries else 1

    async def take(self, consumer: str, block_ms: int) -> Delivery | None:
        await self._ensure_groups()
        # First a look at the live lane alone, so it always goes first; then wait on both.
        choices: tuple[tuple[dict[Any, Any], int | None], ...] = (
            ({self.streams["live"]: ">"}, None),
            ({self.streams[lane]: ">" for lane in LANES}, max(block_ms, 1)),
        )
        for streams, block in choices:
            answer: Any = await self.client.xreadgroup(
                GROUP, consumer, streams, count=1, block=block
            )
            for stream, messages in answer or ():
                for message_id, fields in messages:
                    mid = message_id.decode() if isinstance(message_id, bytes) else message_id
                    lane = self._lane_of(stream)
                    job = fields.get(b"job") or fields.get("job")
                    job_id = job.decode() if isinstance(job, bytes) else str(job)
                    return Delivery(lane, mid, job_id, 1)
        return None

    async def reclaim(self, consumer: str, min_idle_ms: int) -> list[Delivery]:
        await self._ensure_groups()
        taken = []
        for lane, stream in self.streams.items():
            _, messages, *_ = await self.client.xautoclaim(
                stream, GROUP, consumer, min_idle_time=min_idle_ms, start_id="0-0", count=10
            )
            for message_id, fields in messages:
                if not fields:  # deleted meanwhile
                    continue
                mid = message_id.decode() if isinstance(message_id, bytes) else message_id
                job = fields.get(b"job") or fields.get("job")
                job_id = job.decode() if isinstance(job, bytes) else str(job)
                taken.append(Delivery(lane, mid, job_id, await self._attempts(stream, mid)))
        return taken

    async def touch(self, consumer: str, delivery: Delivery) -> None:
        await self.client.xclaim(
            self.streams[delivery.lane], GROUP, consumer, 0, [delivery.message_id], justid=True
        )

    async def ack(self, delivery: Delivery) -> None:
        stream = self.streams[delivery.lane]
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.xack(stream, GROUP, delivery.message_id)
            pipe.xdel(stream, delivery.message_id)
            await pipe.execute()

    async def depth(self) -> int:
        # acked jobs are deleted, so a stream holds only waiting and in-progress jobs
        async with self.client.pipeline(transaction=False) as pipe:
            for stream in self.streams.values():
                pipe.xlen(stream)
            return sum(await pipe.execute())

    async def close(self) -> None:
        await self.client.aclose()
