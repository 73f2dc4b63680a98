"""Health, readiness and metrics, and clear 503s (not hangs) when a dependency is down."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from deploy.processes import start_redis
from server.accounts.roles import Role
from server.storage.database import EMBEDDED_DATABASE
from tests.conftest import live_server, serving


async def test_ready_node_reports_its_checks(app):
    client = app.test_client()
    health = await client.get("/healthz")
    assert (await health.get_json()) == {"status": "ok", "node": "test-node"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    body = await ready.get_json()
    assert body["checks"] == {"postgres": "ok", "bus": "ok (redis)"}


async def test_in_process_bus_when_redis_is_unset(make_settings):
    async with serving(make_settings(redis_url=None)) as node:
        body = await (await node.test_client().get("/readyz")).get_json()
    assert body["checks"]["bus"] == "ok (in-process)"


async def test_redis_outage_is_a_503_and_recovers(make_settings, make_account, tmp_path):
    account = await make_account(Role.CANDIDATE)
    redis = start_redis(tmp_path / "redis")
    try:
        async with serving(make_settings(redis_url=redis.url)) as node:
            client = node.test_client()
            assert (await client.get("/readyz")).status_code == 200
            redis.stop()
            started = time.monotonic()
            ready = await client.get("/readyz")
            assert ready.status_code == 503
            assert (await ready.get_json())["checks"]["bus"].startswith("unavailable")
            login = await client.post(
                "/api/v1/auth/login", json={"email": account.email, "password": account.password}
            )
            assert login.status_code == 503
            assert (await login.get_json())["error"]["code"] == "redis_unavailable"
            assert login.headers["Retry-After"]
            assert time.monotonic() - started < 15
            redis = start_redis(tmp_path / "redis", port=redis.port)
            for _ in range(50):
                if (await client.get("/readyz")).status_code == 200:
                    break
                await asyncio.sleep(0.2)
            assert (await client.get("/readyz")).status_code == 200
            again = await client.post(
                "/api/v1/auth/login", json={"email": account.email, "password": account.password}
            )
            assert again.status_code == 200
    finally:
        redis.stop()


async def test_postgres_outage_is_a_503_and_the_node_reconnects(make_settings, tmp_path):
    """A node on its own embedded PostgreSQL: stop the server under it, then start it again."""
    from server.storage.embedded import start_embedded

    settings = make_settings(database_url=None, data_dir=tmp_path / "own", db_timeout_s=2)
    async with serving(settings) as node:
        client = node.test_client()
        registered = await client.post(
            "/api/v1/auth/register",
            json={"email": "outage@example.com", "password": "long enough pw", "full_name": "O"},
        )
        assert registered.status_code == 201
        database = node.extensions["sobes"].db
        await asyncio.to_thread(database.embedded.stop)
        started = time.monotonic()
        me = await client.get("/api/v1/me")
        assert me.status_code == 503
        assert (await me.get_json())["error"]["code"] == "database_unavailable"
        assert (await client.get("/readyz")).status_code == 503
        assert time.monotonic() - started < 15
        restarted = await asyncio.to_thread(start_embedded, settings.data_dir)
        try:
            assert restarted.url(EMBEDDED_DATABASE)
            for _ in range(50):
                if (await client.get("/readyz")).status_code == 200:
                    break
                await asyncio.sleep(0.2)
            me = await client.get("/api/v1/me")
            assert me.status_code == 200  # nothing committed was lost
            assert (await me.get_json())["user"]["email"] == "outage@example.com"
        finally:
            database.embedded = restarted


async def test_metrics_count_requests_by_route_template(make_settings, make_account):
    account = await make_account(Role.ADMIN)
    async with live_server(make_settings()) as base_url, aiohttp.ClientSession() as http:
        await http.post(
            base_url + "/api/v1/auth/login",
            json={"email": account.email, "password": account.password},
        )
        for _ in range(3):
            await http.get(base_url + f"/api/v1/organisation/members/{account.id}")
        async with http.get(base_url + "/metrics") as answer:
            text = await answer.text()
            assert answer.headers["Content-Type"].startswith("text/plain")
    assert (
        'sobes_http_requests_total{method="POST",route="/api/v1/auth/login",status="200"} 1.0'
        in text
    )
    assert "sobes_http_request_duration_seconds_bucket" in text
    assert "sobes_socketio_connections 0.0" in text
    assert str(account.id) not in text  # route templates, not raw paths


async def test_metrics_token_when_configured(make_settings):
    async with serving(make_settings(metrics_token="s3cret-token")) as node:
        client = node.test_client()
        assert (await client.get("/metrics")).status_code == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        ok = await client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200


async def test_request_ids_are_echoed_or_made(app):
    client = app.test_client()
    echoed = await client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    assert echoed.headers["X-Request-ID"] == "trace-42"
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "bad id; <script>"})
    made = unsafe.headers["X-Request-ID"]
    assert made != "bad id; <script>"
    assert len(made) == 32


@pytest.mark.parametrize("bad", ["/api/v1/nothing-here", "/api/v1", "/api/v2/me"])
async def test_unknown_api_paths_are_json_404s(app, bad):
    answer = await app.test_client().get(bad)
    assert answer.status_code == 404
    assert (await answer.get_json())["error"]["code"] == "not_found"


async def test_wrong_method_is_a_json_405(app):
    answer = await app.test_client().delete("/api/v1/me")
    assert answer.status_code == 405
    assert (await answer.get_json())["error"]["code"] == "method_not_allowed"
