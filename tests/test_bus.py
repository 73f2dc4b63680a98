"""The bus contract, run against both back ends: in-process and a real Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from server.bus.memory import MemoryBus
from server.bus.redis import RedisBus


@pytest.fixture(params=["in-process", "redis"])
async def bus(request, redis_url, redis_prefix):
    made = RedisBus(redis_url, redis_prefix) if request.param == "redis" else MemoryBus()
    yield made
    await made.close()


async def next_message(subscription, timeout=5.0):
    iterator = subscription.__aiter__()
    return await asyncio.wait_for(iterator.__anext__(), timeout)


async def test_publish_reaches_every_subscriber_of_the_channel(bus):
    channel = f"room-{uuid.uuid4().hex}"
    first = await bus.subscribe(channel)
    second = await bus.subscribe(channel, "elsewhere")
    other = await bus.subscribe("unrelated")
    try:
        assert await bus.publish(channel, {"n": 1, "text": "привет"}) == 2
        assert await next_message(first) == (channel, {"n": 1, "text": "привет"})
        assert await next_message(second) == (channel, {"n": 1, "text": "привет"})
        with pytest.raises(TimeoutError):
            await next_message(other, timeout=0.3)
    finally:
        for subscription in (first, second, other):
            await subscription.close()
    assert await bus.publish(channel, {"n": 2}) == 0


async def test_messages_keep_their_order(bus):
    channel = f"ordered-{uuid.uuid4().hex}"
    async with await bus.subscribe(channel) as subscription:
        for n in range(50):
            await bus.publish(channel, {"n": n})
        received = []
        iterator = subscription.__aiter__()
        for _ in range(50):
            received.append((await asyncio.wait_for(iterator.__anext__(), 5))[1]["n"])
    assert received == list(range(50))


async def test_counters_count_in_a_window_and_reset(bus):
    key = f"k-{uuid.uuid4().hex}"
    assert (await bus.peek(key)).count == 0
    first = await bus.hit(key, 60)
    assert first.count == 1
    assert 1 <= first.resets_in_s <= 60
    assert (await bus.hit(key, 60)).count == 2
    assert (await bus.peek(key)).count == 2
    await bus.reset(key)
    assert (await bus.peek(key)).count == 0


async def test_a_counter_window_expires(bus):
    key = f"short-{uuid.uuid4().hex}"
    await bus.hit(key, 1)
    await bus.hit(key, 1)
    await asyncio.sleep(2.1)
    assert (await bus.peek(key)).count == 0
    assert (await bus.hit(key, 1)).count == 1


async def test_two_redis_buses_share_counters_and_messages(redis_url, redis_prefix):
    node_a, node_b = RedisBus(redis_url, redis_prefix), RedisBus(redis_url, redis_prefix)
    try:
        key = f"shared-{uuid.uuid4().hex}"
        await node_a.hit(key, 60)
        assert (await node_b.hit(key, 60)).count == 2
        async with await node_b.subscribe("fanout") as subscription:
            await node_a.publish("fanout", {"from": "a"})
            assert await next_message(subscription) == ("fanout", {"from": "a"})
    finally:
        await node_a.close()
        await node_b.close()


async def test_unreachable_redis_raises_promptly(redis_prefix):
    from deploy.processes import free_port

    dead = RedisBus(f"redis://127.0.0.1:{free_port()}/0", redis_prefix)
    try:
        with pytest.raises(Exception) as raised:
            await asyncio.wait_for(dead.ping(), 10)
        assert "Connection" in type(raised.value).__name__
    finally:
        await dead.close()
