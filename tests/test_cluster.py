"""Two stateless nodes behind HAProxy (deploy/cluster.py): any node serves any request,
and the death of a node loses neither sessions nor data."""

from __future__ import annotations

import asyncio
import signal

import aiohttp
import pytest
import socketio

from deploy.cluster import Cluster
from deploy.processes import free_port
from tests.conftest import unique_email


@pytest.fixture
def cluster(database_url, redis_url, tmp_path):
    running = Cluster(2, free_port(), tmp_path / "var", database_url, redis_url)
    try:
        running.start()
        yield running
    finally:
        running.stop()


async def test_nodes_share_sessions_and_survive_one_dying(cluster):
    email = unique_email("cluster")
    seen_nodes = set()
    async with aiohttp.ClientSession() as anonymous:
        for _ in range(6):
            async with anonymous.get(cluster.url + "/healthz") as answer:
                seen_nodes.add((await answer.json())["node"])
    assert seen_nodes == {"node-1", "node-2"}

    # no node cookie is kept: every request may land on either node
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as browser:
        async with browser.post(
            cluster.url + "/api/v1/auth/register",
            json={"email": email, "password": "stateless nodes", "full_name": "Cluster"},
        ) as answer:
            assert answer.status == 201
            token = answer.cookies["sobes_session"].value
        cookie = {"Cookie": f"sobes_session={token}"}
        async with aiohttp.ClientSession() as client:
            for _ in range(4):
                async with client.get(cluster.url + "/api/v1/me", headers=cookie) as answer:
                    assert answer.status == 200
                    assert (await answer.json())["user"]["email"] == email

            socket = socketio.AsyncClient(reconnection=False)
            events = []
            socket.on("session", events.append)
            # a copy: the Socket.IO client takes the Cookie header out of the dict it is given
            await socket.connect(cluster.url, headers=dict(cookie), transports=["websocket"])
            for _ in range(50):
                if events:
                    break
                await asyncio.sleep(0.05)
            assert events and events[0]["node"] in {"node-1", "node-2"}
            await socket.disconnect()

            cluster.nodes[0].stop(signal.SIGKILL)
            statuses = []
            for _ in range(10):
                async with client.get(cluster.url + "/api/v1/me", headers=cookie) as answer:
                    statuses.append(answer.status)
            assert statuses == [200] * 10
            async with client.get(cluster.url + "/healthz") as answer:
                assert (await answer.json())["node"] == "node-2"
