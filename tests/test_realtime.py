"""Socket.IO: only signed-in users connect, and events cross nodes through Redis."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
import socketio

from server.accounts.roles import Role
from server.realtime import close_socketio, user_room
from tests.conftest import http_login, live_server


async def connect(base_url: str, cookie: str | None) -> tuple[socketio.AsyncClient, list]:
    client = socketio.AsyncClient(reconnection=False)
    received: list = []
    got_session = asyncio.Event()

    @client.on("session")
    async def _session(data):
        received.append(("session", data))
        got_session.set()

    @client.on("signed_out")
    async def _signed_out(data):
        received.append(("signed_out", data))

    @client.on("notice")
    async def _notice(data):
        received.append(("notice", data))

    headers = {"Cookie": cookie} if cookie else {}
    await client.connect(base_url, headers=headers, transports=["websocket"], wait_timeout=5)
    await asyncio.wait_for(got_session.wait(), 5)
    return client, received


async def wait_for(predicate, timeout=5.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def metric(base_url: str, name: str) -> float:
    async with aiohttp.ClientSession() as http, http.get(base_url + "/metrics") as answer:
        for line in (await answer.text()).splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(f"{name} not exported")


async def test_anonymous_and_forged_sessions_are_refused(make_settings):
    async with live_server(make_settings()) as base_url:
        for cookie in (None, "sobes_session=forged-token", "sobes_session="):
            client = socketio.AsyncClient(reconnection=False)
            errors = []
            client.on("connect_error", errors.append)
            with pytest.raises(socketio.exceptions.ConnectionError) as refused:
                await client.connect(
                    base_url,
                    headers={"Cookie": cookie} if cookie else {},
                    transports=["websocket"],
                    wait_timeout=5,
                )
            assert "failed to connect" in str(refused.value)
            assert errors == [{"message": "not_authenticated"}]
            await client.disconnect()


@pytest.mark.parametrize("role", list(Role))
async def test_every_role_connects_and_learns_its_session(make_settings, make_account, role):
    account = await make_account(role)
    async with live_server(make_settings(node_name="node-a")) as base_url:
        cookie = await http_login(base_url, account)
        client, received = await connect(base_url, cookie)
        try:
            assert received[0] == (
                "session",
                {"user_id": str(account.id), "role": role.value, "node": "node-a"},
            )
            assert await metric(base_url, "sobes_socketio_connections") == 1
        finally:
            await client.disconnect()
        for _ in range(100):
            if await metric(base_url, "sobes_socketio_connections") == 0:
                break
            await asyncio.sleep(0.05)
        assert await metric(base_url, "sobes_socketio_connections") == 0


async def test_logout_on_one_node_reaches_the_socket_on_another(make_settings, make_account):
    account = await make_account(Role.CANDIDATE)
    async with (
        live_server(make_settings(node_name="node-a")) as node_a,
        live_server(make_settings(node_name="node-b")) as node_b,
    ):
        cookie = await http_login(node_a, account)
        client, received = await connect(node_b, cookie)
        try:
            assert received[0][1]["node"] == "node-b"
            async with (
                aiohttp.ClientSession() as http,
                http.post(node_a + "/api/v1/auth/logout", headers={"Cookie": cookie}) as out,
            ):
                assert out.status == 204
            await wait_for(lambda: ("signed_out", {}) in received)
            await wait_for(lambda: not client.connected)  # cut off, not only told
        finally:
            await client.disconnect()


async def test_server_events_to_a_user_room_fan_out_across_nodes(make_settings, make_account):
    from server.app import create_app

    account = await make_account(Role.HR)
    settings = make_settings(node_name="node-b")
    async with live_server(settings) as node_b:
        cookie = await http_login(node_b, account)
        client, received = await connect(node_b, cookie)
        sender = create_app(make_settings(node_name="node-a")).extensions["sobes"].sio
        try:
            await sender.emit("notice", {"text": "from node a"}, to=user_room(account.id))
            await wait_for(lambda: ("notice", {"text": "from node a"}) in received)
        finally:
            await client.disconnect()
            await close_socketio(sender)


async def test_a_foreign_origin_cannot_open_a_socket(make_settings, make_account):
    account = await make_account(Role.CANDIDATE)
    async with live_server(make_settings()) as base_url:
        cookie = await http_login(base_url, account)
        own = socketio.AsyncClient(reconnection=False)
        await own.connect(
            base_url,
            headers={"Cookie": cookie, "Origin": base_url},
            transports=["websocket"],
            wait_timeout=5,
        )
        assert own.connected
        await own.disconnect()
        client = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await client.connect(
                base_url,
                headers={"Cookie": cookie, "Origin": "https://evil.example"},
                transports=["websocket"],
                wait_timeout=5,
            )
        await client.disconnect()
