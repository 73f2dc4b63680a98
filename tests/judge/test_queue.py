"""The job queue contract, against both back ends: in-process and Redis Streams."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from judge.queue import MemoryJobQueue, QueueFull, RedisJobQueue


@pytest.fixture(params=["in-process", "redis"])
async def make_queue(request, redis_url):
    made = []

    def make(capacity=100):
        prefix = f"qtest-{uuid.uuid4().hex[:8]}:"
        queue = (
            RedisJobQueue(redis_url, prefix, capacity)
            if request.param == "redis"
            else MemoryJobQueue(capacity)
        )
        made.append(queue)
        return queue

    yield make
    for queue in made:
        await queue.close()


async def test_live_lane_goes_before_screening(make_queue):
    queue = make_queue()
    await queue.put("screening", "s1")
    await queue.put("screening", "s2")
    await queue.put("live", "l1")
    order = [(await queue.take("w", 100)).job_id for _ in range(3)]
    assert order == ["l1", "s1", "s2"]
    assert await queue.take("w", 50) is None


async def test_ack_retires_and_depth_counts_outstanding(make_queue):
    queue = make_queue()
    for n in range(3):
        await queue.put("screening", f"j{n}")
    assert await queue.depth() == 3
    first = await queue.take("w", 100)
    assert await queue.depth() == 3  # taken but not done
    await queue.ack(first)
    assert await queue.depth() == 2


async def test_capacity_is_enforced(make_queue):
    queue = make_queue(capacity=2)
    await queue.put("live", "a")
    await queue.put("screening", "b")
    with pytest.raises(QueueFull):
        await queue.put("live", "c")


async def test_a_dead_workers_job_is_reclaimed_with_its_attempts(make_queue):
    queue = make_queue()
    await queue.put("screening", "job")
    taken = await queue.take("dead-worker", 100)
    assert taken.attempts == 1
    assert await queue.reclaim("other", min_idle_ms=10_000) == []  # not idle long enough
    await asyncio.sleep(0.25)
    (again,) = await queue.reclaim("other", min_idle_ms=200)
    assert again.job_id == "job" and again.attempts == 2
    await queue.ack(again)
    assert await queue.depth() == 0


async def test_touching_keeps_a_job_from_being_reclaimed(make_queue):
    queue = make_queue()
    await queue.put("live", "long")
    taken = await queue.take("busy", 100)
    for _ in range(3):
        await asyncio.sleep(0.1)
        await queue.touch("busy", taken)
    assert await queue.reclaim("thief", min_idle_ms=200) == []


async def test_take_waits_for_a_job(make_queue):
    queue = make_queue()

    async def later():
        await asyncio.sleep(0.2)
        await queue.put("live", "late")

    task = asyncio.create_task(later())
    taken = await queue.take("w", 3000)
    await task
    assert taken is not None and taken.job_id == "late"
