"""The worker loop: slots take jobs from the queue, run them, and acknowledge them when done.

What a job means is up to the handler the worker is given (the server stores results in
PostgreSQL); the worker only guarantees delivery: a job whose handler fails, or whose worker
dies, is handed out again, at most ``max_attempts`` times, after which ``give_up`` is called.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import deque
from collections.abc import Awaitable, Callable

from judge.queue import Delivery, JobQueue

log = logging.getLogger("sobes.judge.worker")
Handler = Callable[[Delivery], Awaitable[None]]


def default_consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Worker:
    def __init__(
        self,
        queue: JobQueue,
        handle: Handler,
        give_up: Handler,
        *,
        concurrency: int | None = None,
        consumer: str | None = None,
        claim_idle_ms: int = 120_000,
        max_attempts: int = 3,
    ) -> None:
        self.queue = queue
        self.handle = handle
        self.give_up = give_up
        self.concurrency = concurrency or os.cpu_count() or 1
        self.consumer = consumer or default_consumer_name()
        self.claim_idle_ms = claim_idle_ms
        self.max_attempts = max_attempts
        self._reclaimed: deque[Delivery] = deque()
        # message ids reclaimed or being worked on here: never taken twice
        self._held: set[str] = set()
        self.busy = 0
        self.done = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Work until ``stop`` is set; jobs under way are finished first."""
        slots = [asyncio.create_task(self._slot(stop)) for _ in range(self.concurrency)]
        reclaimer = asyncio.create_task(self._reclaim_loop(stop))
        log.info("worker %s: %d slots", self.consumer, self.concurrency)
        try:
            await asyncio.gather(*slots)
        finally:
            reclaimer.cancel()
            for task in slots:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(reclaimer, *slots, return_exceptions=True)

    async def _reclaim_loop(self, stop: asyncio.Event) -> None:
        interval = max(self.claim_idle_ms / 4000, 0.2)
        while not stop.is_set():
            try:
                for delivery in await self.queue.reclaim(self.consumer, self.claim_idle_ms):
                    if delivery.message_id not in self._held:
                        self._held.add(delivery.message_id)
                        self._reclaimed.append(delivery)
            except Exception:
                log.warning("could not reclaim stale jobs", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)

    async def _slot(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            delivery = self._reclaimed.popleft() if self._reclaimed else None
            if delivery is None:
                try:
                    delivery = await self.queue.take(self.consumer, block_ms=200)
                except Exception:
                    log.warning("queue unavailable; retrying", exc_info=True)
                    await asyncio.sleep(1)
                    continue
            if delivery is not None:
                await self._process(delivery)

    async def _keep_claimed(self, delivery: Delivery) -> None:
        interval = max(self.claim_idle_ms / 3000, 0.1)
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(Exception):
                await self.queue.touch(self.consumer, delivery)

    async def _process(self, delivery: Delivery) -> None:
        self.busy += 1
        self._held.add(delivery.message_id)
        keeper = asyncio.create_task(self._keep_claimed(delivery))
        try:
            if delivery.attempts > self.max_attempts:
                log.error(
                    "job %s failed %d times; giving up", delivery.job_id, delivery.attempts - 1
                )
                await self.give_up(delivery)
            else:
                await self.handle(delivery)
            await self.queue.ack(delivery)
            self.done += 1
        except Exception:
            # Not acknowledged: once idle long enough it is handed out again.
            log.exception("job %s failed (attempt %d)", delivery.job_id, delivery.attempts)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            self._held.discard(delivery.message_id)
            self.busy -= 1
