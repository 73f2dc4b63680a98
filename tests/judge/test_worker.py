"""The worker loop: retries a failing job, gives up after its attempts, never loses a job."""

from __future__ import annotations

import asyncio

from judge.queue import MemoryJobQueue
from judge.worker import Worker


async def run_until(worker: Worker, condition, timeout=10):
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        for _ in range(int(timeout / 0.02)):
            if condition():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("the worker did not get there")
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


async def test_a_failing_job_is_retried_then_given_up():
    queue = MemoryJobQueue()
    attempts: dict[str, int] = {}
    given_up: list[str] = []
    done: list[str] = []

    async def handle(delivery):
        attempts[delivery.job_id] = attempts.get(delivery.job_id, 0) + 1
        if delivery.job_id == "flaky" and attempts["flaky"] < 2:
            raise RuntimeError("a passing fault")
        if delivery.job_id == "broken":
            raise RuntimeError("always fails")
        done.append(delivery.job_id)

    async def give_up(delivery):
        given_up.append(delivery.job_id)

    worker = Worker(queue, handle, give_up, concurrency=2, claim_idle_ms=150, max_attempts=3)
    for job in ("flaky", "broken", "fine"):
        await queue.put("screening", job)
    await run_until(worker, lambda: given_up and len(done) == 2)
    assert sorted(done) == ["fine", "flaky"]
    assert attempts["flaky"] == 2 and attempts["fine"] == 1
    assert given_up == ["broken"] and attempts["broken"] == 3
    assert await queue.depth() == 0  # every job retired exactly once


async def test_live_jobs_jump_the_queue():
    queue = MemoryJobQueue()
    order: list[str] = []

    async def handle(delivery):
        order.append(delivery.job_id)

    async def give_up(delivery):
        raise AssertionError("nothing should fail here")

    for n in range(3):
        await queue.put("screening", f"screening-{n}")
    await queue.put("live", "live-0")
    worker = Worker(queue, handle, give_up, concurrency=1)
    await run_until(worker, lambda: len(order) == 4)
    assert order[0] == "live-0"
