"""`sobes serve` as a process: JSON logs with request ids, embedded PostgreSQL, clean SIGTERM."""

from __future__ import annotations

import json
import signal
import urllib.request

from deploy.processes import running_sobes, sobes_env


def get(url: str, headers: dict[str, str] | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, dict(answer.headers), answer.read()


def json_lines(text: str) -> list[dict]:
    found = []
    for line in text.splitlines():
        if line.startswith("{"):
            found.append(json.loads(line))
    return found


async def test_serve_logs_json_with_request_ids_and_stops_on_sigterm(
    database_url, redis_url, tmp_path
):
    env = sobes_env(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SOBES_DATA_DIR=str(tmp_path / "var"),
        SOBES_NODE_NAME="proc-node",
    )
    with running_sobes(env, tmp_path / "serve.log") as server:
        status, headers, _ = get(server.url + "/healthz", {"X-Request-ID": "req-abc-123"})
        assert status == 200
        assert headers["x-request-id"] == "req-abc-123"
        code = server.stop(signal.SIGTERM)
        assert code == 0
        log = server.log()
    records = json_lines(log)
    access = [r for r in records if r.get("logger") == "sobes.access"]
    assert any(r["request_id"] == "req-abc-123" and r["route"] == "/healthz" for r in access)
    assert all(r["node"] == "proc-node" for r in records)
    assert any(r["message"] == "node stopped" for r in records)
    assert "is running at http://127.0.0.1:" in log
    assert "Traceback" not in log


async def test_serve_without_database_url_uses_embedded_postgres_kept_across_restarts(tmp_path):
    data_dir = tmp_path / "var"
    env = sobes_env(SOBES_DATA_DIR=str(data_dir))
    body = json.dumps(
        {"email": "kept@example.com", "password": "across restarts", "full_name": "Kept"}
    ).encode()
    with running_sobes(env, tmp_path / "first.log") as server:
        request = urllib.request.Request(
            server.url + "/api/v1/auth/register",
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 201
        _, _, ready = get(server.url + "/readyz")
        assert json.loads(ready)["checks"] == {"postgres": "ok", "bus": "ok (in-process)"}
        assert server.stop() == 0
    assert (data_dir / "postgres" / "PG_VERSION").is_file()
    with running_sobes(env, tmp_path / "second.log") as server:
        login = urllib.request.Request(
            server.url + "/api/v1/auth/login",
            data=json.dumps({"email": "kept@example.com", "password": "across restarts"}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(login, timeout=10) as answer:
            assert answer.status == 200
