"""Program runs through the API: queue, judge worker, stored result, Socket.IO push."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
import socketio

from server.accounts.roles import Role
from server.settings import RatePolicy
from tests.conftest import http_login, live_server, serving, sign_in


async def wait_for_languages(client, timeout=30):
    for _ in range(int(timeout / 0.1)):
        body = await (await client.get("/api/v1/languages")).get_json()
        if body["languages"]:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError("no judge worker registered")


async def wait_done(client, run_id, timeout=30):
    for _ in range(int(timeout / 0.05)):
        body = await (await client.get(f"/api/v1/runs/{run_id}")).get_json()
        if body["status"] == "done":
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"run {run_id} did not finish: {body}")


@pytest.fixture
async def judged(make_settings):
    async with serving(make_settings(judge_workers=2)) as node:
        yield node


async def test_languages_come_from_the_live_workers(judged, make_account):
    client = await sign_in(judged, await make_account(Role.CANDIDATE))
    body = await wait_for_languages(client)
    assert body["workers"] >= 1
    ids = {language["id"] for language in body["languages"]}
    assert ids == {"python3", "c", "cpp", "java", "javascript", "rust"}
    assert all(language["version"] for language in body["languages"])


async def test_a_run_is_queued_judged_and_stored(judged, make_account, database_url):
    account = await make_account(Role.CANDIDATE)
    client = await sign_in(judged, account)
    await wait_for_languages(client)
    created = await client.post(
        "/api/v1/runs",
        json={"language": "python3", "source": "print(int(input()) * 2)\n", "stdin": "21\n"},
    )
    assert created.status_code == 202
    run_id = (await created.get_json())["id"]
    assert created.headers["Location"] == f"/api/v1/runs/{run_id}"
    body = await wait_done(client, run_id)
    assert body["verdict"] == "AC"
    assert body["stdout"] == "42\n"
    assert body["exit_code"] == 0 and body["signal"] is None
    assert body["cpu_ms"] >= 0 and body["wall_ms"] > 0 and body["memory_kb"] > 0
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT verdict FROM judge_results WHERE job_id = $1::uuid", run_id)
    finally:
        await conn.close()
    assert [r["verdict"] for r in rows] == ["AC"]


@pytest.mark.parametrize(
    ("source", "limits", "verdict"),
    [
        ("int main(void){for(;;);}", {"cpu_ms": 200}, "TLE"),
        ("int main(void){return *(volatile int*)0;}", None, "RE"),
        ("int main(void){ nope }", None, "CE"),
    ],
)
async def test_verdicts_and_limits_through_the_api(judged, make_account, source, limits, verdict):
    client = await sign_in(judged, await make_account(Role.INTERVIEWER))
    await wait_for_languages(client)
    body = {"language": "c", "source": source}
    if limits:
        body["limits"] = limits
    run_id = (await (await client.post("/api/v1/runs", json=body)).get_json())["id"]
    result = await wait_done(client, run_id)
    assert result["verdict"] == verdict
    if verdict == "CE":
        assert "error" in result["compile_output"]
    if verdict == "TLE":
        assert 200 <= result["cpu_ms"] < 700


async def test_bad_runs_are_refused_clearly(judged, make_account):
    client = await sign_in(judged, await make_account(Role.CANDIDATE))
    await wait_for_languages(client)
    cases = [
        ({"language": "cobol", "source": "x"}, 422, "language"),
        ({"language": "c", "source": ""}, 422, "source"),
        ({"language": "c", "source": "x", "limits": {"cpu_ms": 999999}}, 422, "limits.cpu_ms"),
        ({"language": "c", "source": "x", "limits": {"memory_mb": 4}}, 422, "limits.memory_mb"),
        ({"language": "c", "source": "x", "extra": 1}, 422, "extra"),
        ({"language": "c", "source": "x" * (300 * 1024)}, 422, "source"),
    ]
    for body, status, field in cases:
        answer = await client.post("/api/v1/runs", json=body)
        assert answer.status_code == status, body
        assert (await answer.get_json())["error"]["field"] == field


async def test_runs_are_private(judged, make_account):
    owner = await sign_in(judged, await make_account(Role.CANDIDATE))
    other = await sign_in(judged, await make_account(Role.HR))
    await wait_for_languages(owner)
    run_id = (
        await (
            await owner.post("/api/v1/runs", json={"language": "python3", "source": "print(1)"})
        ).get_json()
    )["id"]
    assert (await other.get(f"/api/v1/runs/{run_id}")).status_code == 404
    assert (await owner.get(f"/api/v1/runs/{run_id}")).status_code == 200
    assert (await judged.test_client().get(f"/api/v1/runs/{run_id}")).status_code == 401


async def test_a_full_queue_answers_503_with_retry_after(make_settings, make_account, database_url):
    # room for one job: while the worker is busy with it, the next one is refused
    async with serving(make_settings(judge_workers=1, judge_queue_cap=1)) as node:
        client = await sign_in(node, await make_account(Role.CANDIDATE))
        await wait_for_languages(client)
        slow = {
            "language": "python3",
            "source": "import time\ntime.sleep(2)\n",
            "limits": {"wall_ms": 5000},
        }
        first = await client.post("/api/v1/runs", json=slow)
        assert first.status_code == 202
        second = await client.post(
            "/api/v1/runs", json={"language": "python3", "source": "print(2)"}
        )
        assert second.status_code == 503
        assert (await second.get_json())["error"]["code"] == "judge_busy"
        assert second.headers["Retry-After"]
        conn = await asyncpg.connect(database_url)
        try:
            kept = await conn.fetchval("SELECT count(*) FROM judge_jobs WHERE source = 'print(2)'")
        finally:
            await conn.close()
        assert kept == 0  # nothing half-written
        done = await wait_done(client, (await first.get_json())["id"])
        assert done["verdict"] == "AC"
        third = await client.post(
            "/api/v1/runs", json={"language": "python3", "source": "print(3)"}
        )
        assert third.status_code == 202  # room again


async def test_runs_are_rate_limited_per_user(make_settings, make_account):
    settings = make_settings(judge_workers=1, run_rate_per_user=RatePolicy(count=2, window_s=60))
    async with serving(settings) as node:
        client = await sign_in(node, await make_account(Role.CANDIDATE))
        await wait_for_languages(client)
        statuses = [
            (
                await client.post(
                    "/api/v1/runs", json={"language": "python3", "source": "print(1)"}
                )
            ).status_code
            for _ in range(3)
        ]
    assert statuses == [202, 202, 429]


async def test_the_result_is_pushed_over_socketio(make_settings, make_account):
    account = await make_account(Role.CANDIDATE)
    async with live_server(make_settings(judge_workers=1)) as base_url:
        cookie = await http_login(base_url, account)
        pushed = []
        sio = socketio.AsyncClient(reconnection=False)
        sio.on("run.finished", pushed.append)
        await sio.connect(base_url, headers={"Cookie": cookie}, transports=["websocket"])
        import aiohttp

        async with aiohttp.ClientSession(headers={"Cookie": cookie}) as http:
            for _ in range(300):
                async with http.get(base_url + "/api/v1/languages") as answer:
                    if (await answer.json())["languages"]:
                        break
                await asyncio.sleep(0.1)
            async with http.post(
                base_url + "/api/v1/runs",
                json={"language": "javascript", "source": "console.log('pushed')"},
            ) as answer:
                run_id = (await answer.json())["id"]
            for _ in range(300):
                if pushed:
                    break
                await asyncio.sleep(0.05)
        await sio.disconnect()
    assert pushed and pushed[0]["id"] == run_id
    assert pushed[0]["verdict"] == "AC" and pushed[0]["stdout"] == "pushed\n"
