"""A judge worker killed with SIGKILL mid-job: the job completes elsewhere, one result stored,
and the program it was running does not outlive it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid

import asyncpg

from deploy.processes import REPO, sobes_env
from server.accounts.roles import Role
from tests.conftest import serving, sign_in


def start_worker(env: dict[str, str], log_path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "server", "worker", "--concurrency", "1"],
        cwd=REPO,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


async def wait_until(predicate, timeout=60, what="condition"):
    for _ in range(int(timeout / 0.1)):
        if await predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def worker_env(database_url: str, redis_url: str, prefix: str, tmp_path, **extra: str):
    """The environment of `sobes worker` processes sharing a node's database and queues."""
    return sobes_env(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SOBES_REDIS_PREFIX=prefix,
        SOBES_LOG_FORMAT="text",
        SOBES_DATA_DIR=str(tmp_path / "var"),
        **extra,
    )


async def wait_for_a_worker(client, what: str) -> None:
    """Until a worker has registered its languages (the node runs no judge of its own)."""

    async def languages_offered():
        body = await (await client.get("/api/v1/languages")).get_json()
        return bool(body["languages"])

    await wait_until(languages_offered, what=what)


async def test_killed_worker_job_completes_elsewhere_exactly_once(
    make_settings, make_account, database_url, redis_url, tmp_path
):
    prefix = f"death-{uuid.uuid4().hex[:8]}:"
    env = worker_env(database_url, redis_url, prefix, tmp_path, SOBES_JUDGE_CLAIM_IDLE_MS="1500")
    conn = await asyncpg.connect(database_url)
    first = start_worker(env, tmp_path / "worker-a.log")
    second = None
    try:
        async with serving(make_settings(redis_prefix=prefix, judge_workers=0)) as node:
            client = await sign_in(node, await make_account(Role.CANDIDATE))
            await wait_for_a_worker(client, "worker A to register")
            source = "import time\ntime.sleep(3)\nprint('survived')\n"
            created = await client.post(
                "/api/v1/runs",
                json={"language": "python3", "source": source, "limits": {"wall_ms": 10000}},
            )
            run_id = uuid.UUID((await created.get_json())["id"])

            async def running():
                status = await conn.fetchval("SELECT status FROM judge_jobs WHERE id = $1", run_id)
                return status == "running"

            await wait_until(running, what="worker A to start the job")
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
            second = start_worker(env, tmp_path / "worker-b.log")

            async def finished():
                body = await (await client.get(f"/api/v1/runs/{run_id}")).get_json()
                return body["status"] == "done"

            await wait_until(finished, what="worker B to finish the job")
            body = await (await client.get(f"/api/v1/runs/{run_id}")).get_json()
            assert body["verdict"] == "AC"
            assert body["stdout"] == "survived\n"
            results = await conn.fetch("SELECT worker FROM judge_results WHERE job_id = $1", run_id)
            attempts = await conn.fetchval("SELECT attempts FROM judge_jobs WHERE id = $1", run_id)
            assert len(results) == 1
            assert results[0]["worker"].endswith(f"-{second.pid}")
            assert attempts == 2
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        await conn.close()


def sandboxed_processes(marker: str) -> list[str]:
    """Processes on the machine whose command line holds ``marker``, other than pytest."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmdline and "pytest" not in cmdline:
            found.append(f"{entry}: {cmdline}")
    return found


async def test_a_worker_killed_alone_leaves_no_sandboxed_program_running(
    make_settings, make_account, database_url, redis_url, tmp_path
):
    """Only the worker process dies (as the OOM killer would kill it), not its group: the
    program it was running must not outlive it, sleeping where no supervisor times it out."""
    prefix = f"death-{uuid.uuid4().hex[:8]}:"
    env = worker_env(database_url, redis_url, prefix, tmp_path)
    marker = f"marker{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(database_url)
    worker = start_worker(env, tmp_path / "worker.log")
    try:
        async with serving(make_settings(redis_prefix=prefix, judge_workers=0)) as node:
            client = await sign_in(node, await make_account(Role.CANDIDATE))
            await wait_for_a_worker(client, "the worker to register")
            # the marker in argv: the program re-executes itself under a name we can find
            source = (
                "import os, sys, time\n"
                "if len(sys.argv) < 2:\n"
                f"    os.execv(sys.executable, [sys.executable, __file__, '{marker}'])\n"
                "print('sleeping', flush=True)\n"
                "time.sleep(20)\n"
            )
            created = await client.post(
                "/api/v1/runs",
                json={"language": "python3", "source": source, "limits": {"wall_ms": 20000}},
            )
            run_id = uuid.UUID((await created.get_json())["id"])

            async def program_started():
                return bool(sandboxed_processes(marker))

            await wait_until(program_started, what="the program to start in the sandbox")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()

            async def program_gone():
                return not sandboxed_processes(marker)

            await wait_until(program_gone, timeout=10, what="the orphaned program to die")
            status = await conn.fetchval("SELECT status FROM judge_jobs WHERE id = $1", run_id)
            assert status == "running"  # nobody finished it: another worker would retry it
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        for line in sandboxed_processes(marker):
            os.kill(int(line.split(":")[0]), signal.SIGKILL)
        await conn.close()
