"""Simulated candidates taking timed assessments at once against one `sobes serve` node.

Each candidate starts the attempt, saves drafts, runs the samples, submits, answers the quiz,
finishes and reads the result, all at the same moment as the others; verdicts arrive over
each candidate's Socket.IO connection, as in the web client. Printed: p50/p99 of the
API calls and of submit-to-verdict, the error count, and, as the reference from the same run,
the judge's bare throughput: the same program started bare, as many at once as there are
cores, against the judged tests per second the node achieved under the load.

Accounts and sessions are made straight in the database before the clock starts (signing in a
thousand people would measure argon2, not the funnel).

    python bench/screening.py [--candidates 100 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# Run as a script, this folder would come first on the path, and bench/http.py would shadow
# the standard library's http.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402
import socketio  # noqa: E402

from bench.http import join_embedded  # noqa: E402
from deploy.processes import sobes_env, start_sobes  # noqa: E402
from server.accounts import organisations, passwords, sessions, users  # noqa: E402
from server.accounts.roles import Role  # noqa: E402
from server.storage.database import prepare_connection  # noqa: E402
from server.tasks import NewGroup, NewTest, create_task  # noqa: E402

SOLUTION = "n = int(input())\nprint(n * n)\n"
DRAFT = "n = int(input())\n"
VERDICT_WAIT_S = 300
QUESTIONS = [
    ("single", "2 + 2?", ["3", "4"], {"correct": 1}, {"choice": 1}),
    ("multiple", "Even?", ["1", "2", "4"], {"correct": [1, 2]}, {"choices": [1, 2]}),
    ("text", "Keyword for a function?", [], {"accepted": ["def"]}, {"text": "def"}),
    ("numeric", "pi?", [], {"value": 3.14, "tolerance": 0.01}, {"value": 3.14}),
]


@dataclass
class Tally:
    calls: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    verdict_s: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    busy_retries: int = 0
    passed: int = 0
    tests_judged: int = 0
    first_submit: float = float("inf")
    last_verdict: float = 0.0


async def setup(database_url: str, count: int) -> tuple[str, list[str]]:
    """A vacancy with a three-test task and four questions; ``count`` signed-in candidates."""
    conn = await asyncpg.connect(database_url)
    await prepare_connection(conn)
    try:
        org = await organisations.ensure_organisation(conn, f"Bench {uuid.uuid4().hex[:6]}")
        track_id = await conn.fetchval(
            "INSERT INTO tracks (organisation_id, slug, name) VALUES ($1, 'bench', 'Bench') "
            "RETURNING id",
            org["id"],
        )
        task_id = await create_task(
            conn,
            organisation_id=org["id"],
            title="Squares",
            track_id=track_id,
            groups=[
                NewGroup("samples", 0, [NewTest("3\n", "9\n", visible=True)]),
                NewGroup("all", 100, [NewTest("7\n", "49\n"), NewTest("150\n", "22500\n")]),
            ],
        )
        for kind, prompt, options, key, _ in QUESTIONS:
            await conn.execute(
                "INSERT INTO quiz_questions (organisation_id, track_id, kind, prompt, options, "
                "answer_key) VALUES ($1, $2, $3, $4, $5, $6)",
                org["id"],
                track_id,
                kind,
                prompt,
                options,
                key,
            )
        vacancy_id = await conn.fetchval(
            "INSERT INTO vacancies (organisation_id, track_id, title, status, quiz_questions, "
            "quiz_weight, languages) VALUES ($1, $2, 'Bench developer', 'open', 4, 1, "
            "'{python3}') RETURNING id",
            org["id"],
            track_id,
        )
        await conn.execute(
            "INSERT INTO vacancy_tasks (vacancy_id, task_id, position, weight) "
            "VALUES ($1, $2, 0, 3)",
            vacancy_id,
            task_id,
        )
        password_hash = await passwords.hash_password("bench password 1")
        cookies = []
        for _ in range(count):
            user = await users.create_user(
                conn,
                email=f"cand-{uuid.uuid4().hex[:12]}@example.com",
                password_hash=password_hash,
                full_name="Bench Candidate",
                role=Role.CANDIDATE,
                organisation_id=None,
            )
            made = await sessions.create_session(
                conn, user.id, ttl_s=3600, ip="127.0.0.1", user_agent="bench"
            )
            cookies.append(f"{sessions.COOKIE_NAME}={made.token}")
        return str(vacancy_id), cookies
    finally:
        await conn.close()


class Verdicts:
    """``submission.finished`` events of one candidate's socket, by submission id."""

    def __init__(self) -> None:
        self.arrived: dict[str, dict] = {}
        self.changed = asyncio.Event()

    def heard(self, data: dict) -> None:
        self.arrived[data["id"]] = data
        self.changed.set()

    async def wait(self, submission_id: str) -> dict:
        while submission_id not in self.arrived:
            self.changed.clear()
            await self.changed.wait()
        return self.arrived.pop(submission_id)


async def open_socket(base: str, cookie: str) -> tuple[socketio.AsyncClient, Verdicts]:
    verdicts = Verdicts()
    client = socketio.AsyncClient(reconnection=False)
    client.on("submission.finished", verdicts.heard)
    await client.connect(base, headers={"Cookie": cookie}, transports=["websocket"])
    return client, verdicts


async def candidate(
    http: aiohttp.ClientSession,
    base: str,
    vacancy_id: str,
    cookie: str,
    verdicts: Verdicts,
    tally: Tally,
) -> None:
    headers = {"Cookie": cookie}
    # Each candidate's code is their own (the judge keeps compilations by source).
    solution = f"{SOLUTION}# {uuid.uuid4().hex}\n"

    async def call(kind: str, method: str, path: str, body: object = None) -> dict | None:
        while True:
            started = time.perf_counter()
            try:
                async with http.request(method, base + path, json=body, headers=headers) as r:
                    payload = await r.json() if r.content_type == "application/json" else None
                    status = r.status
                    retry_after = float(r.headers.get("Retry-After", "1"))
            except (aiohttp.ClientError, TimeoutError) as exc:
                tally.errors[f"{kind}: {type(exc).__name__}"] += 1
                return None
            tally.calls[kind].append(time.perf_counter() - started)
            if status == 503 and payload and payload["error"]["code"] == "judge_busy":
                tally.busy_retries += 1  # the queue is full: come back when told
                await asyncio.sleep(retry_after)
                continue
            if status >= 400:
                tally.errors[f"{kind}: {status}"] += 1
                return None
            return payload

    async def judged(kind: str, path: str, tests: int) -> dict | None:
        sent_at = time.perf_counter()
        tally.first_submit = min(tally.first_submit, sent_at)
        made = await call(kind, "POST", path, {"language": "python3", "source": solution})
        if made is None:
            return None
        try:
            # Pushed over Socket.IO, as the web client hears it; polled only if that fails.
            result = await asyncio.wait_for(verdicts.wait(made["id"]), VERDICT_WAIT_S)
        except TimeoutError:
            tally.errors[f"{kind}: no verdict pushed in {VERDICT_WAIT_S} s"] += 1
            result = await call("poll", "GET", f"/api/v1/submissions/{made['id']}")
            if result is None or result["status"] != "done":
                return None
        now = time.perf_counter()
        tally.verdict_s.append(now - sent_at)
        tally.last_verdict = max(tally.last_verdict, now)
        tally.tests_judged += tests
        return result

    attempt = await call("start", "POST", f"/api/v1/vacancies/{vacancy_id}/attempts")
    if attempt is None:
        return
    task_id = attempt["tasks"][0]["id"]
    root = f"/api/v1/attempts/{attempt['id']}"
    draft = f"{root}/tasks/{task_id}/draft"
    await call("draft", "PUT", draft, {"language": "python3", "source": DRAFT})
    await judged("run", f"{root}/tasks/{task_id}/runs", tests=1)
    await call("draft", "PUT", draft, {"language": "python3", "source": solution})
    await judged("submit", f"{root}/tasks/{task_id}/submissions", tests=3)
    answers = {prompt: answer for _, prompt, _, _, answer in QUESTIONS}
    for question in attempt["questions"]:
        await call(
            "answer",
            "PUT",
            f"{root}/answers/{question['position']}",
            {"answer": answers[question["prompt"]]},
        )
    done = await call("finish", "POST", f"{root}/finish")
    await call("view", "GET", root)
    if done and done["result"]["passed"]:
        tally.passed += 1


def bare_throughput(seconds: float) -> float:
    """The same program started bare, as many at once as there are cores: runs per second."""
    argv = [sys.executable, "-I", "-S", "-c", SOLUTION]
    workers = os.cpu_count() or 1
    stop = time.monotonic() + seconds

    def loop() -> int:
        done = 0
        while time.monotonic() < stop:
            subprocess.run(argv, input=b"7\n", stdout=subprocess.DEVNULL, check=True)
            done += 1
        return done

    with ThreadPoolExecutor(workers) as pool:
        total = sum(pool.map(lambda _: loop(), range(workers)))
    return total / seconds


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def run_round(base: str, database_url: str, count: int) -> Tally:
    vacancy_id, cookies = await setup(database_url, count)
    tally = Tally()
    connector = aiohttp.TCPConnector(limit=256)
    timeout = aiohttp.ClientTimeout(total=600)
    sockets = []
    for start in range(0, len(cookies), 50):  # connected before the clock starts
        sockets += await asyncio.gather(
            *(open_socket(base, c) for c in cookies[start : start + 50])
        )
    try:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
            started = time.perf_counter()
            await asyncio.gather(
                *(
                    candidate(http, base, vacancy_id, cookie, verdicts, tally)
                    for cookie, (_, verdicts) in zip(cookies, sockets, strict=True)
                )
            )
            tally.calls["_wall"] = [time.perf_counter() - started]
    finally:
        await asyncio.gather(*(client.disconnect() for client, _ in sockets))
    return tally


def report(count: int, tally: Tally, bare_rps: float) -> None:
    api = [v for kind, values in tally.calls.items() if kind != "_wall" for v in values]
    wall = tally.calls["_wall"][0]
    print(f"\n{count} candidates at once: all done in {wall:.1f} s, {tally.passed} passed")
    print(f"  {'call':<8} {'count':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in ("start", "draft", "run", "submit", "answer", "finish", "view"):
        values = tally.calls.get(kind, [])
        print(f"  {kind:<8} {len(values):6d} {pct(values, 0.5):8.1f} {pct(values, 0.99):8.1f}")
    print(f"  {'all API':<8} {len(api):6d} {pct(api, 0.5):8.1f} {pct(api, 0.99):8.1f}")
    print(
        f"  run/submit to verdict: p50 {pct(tally.verdict_s, 0.5):.0f} ms, "
        f"p99 {pct(tally.verdict_s, 0.99):.0f} ms (pushed over Socket.IO)"
    )
    errors = sum(tally.errors.values())
    print(f"  errors: {errors} {dict(tally.errors) if errors else ''}")
    print(f"  503 judge_busy answered with Retry-After and retried: {tally.busy_retries}")
    span = tally.last_verdict - tally.first_submit
    judged_rps = tally.tests_judged / span if span > 0 else float("nan")
    print(
        f"  judged tests/s under the load {judged_rps:.0f} vs bare runs/s {bare_rps:.0f}: "
        f"ratio {judged_rps / bare_rps:.2f}"
    )


async def amain(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="sobes-bench-screening-"))
    env_values = {
        "SOBES_DATA_DIR": str(workdir / "var"),
        "SOBES_NODE_NAME": "bench",
        "SOBES_RUN_RATE_PER_USER": "100/60",
        "SOBES_LOG_LEVEL": "WARNING",
    }
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(name):
            env_values[name] = os.environ[name]
    node = start_sobes(sobes_env(**env_values), workdir / "sobes.log")
    embedded = None if "DATABASE_URL" in env_values else join_embedded(workdir / "var")
    database_url = env_values.get("DATABASE_URL") or embedded.url("sobes")
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(600):  # the node's judge workers self-test before they offer anything
                async with http.get(node.url + "/readyz") as ready:
                    if ready.status == 200:
                        break
                await asyncio.sleep(0.1)
        print(
            f"one node, {os.cpu_count()} cores; database: "
            f"{'DATABASE_URL' if 'DATABASE_URL' in env_values else 'embedded PostgreSQL'}; "
            f"queue: {'Redis' if 'REDIS_URL' in env_values else 'in-process'}"
        )
        await _wait_for_judge(node.url, database_url)
        results = []
        for count in args.candidates:
            # The reference first, on the quiet machine, then the load.
            bare = await asyncio.to_thread(bare_throughput, 3.0)
            tally = await run_round(node.url, database_url, count)
            results.append((count, tally, bare))
            await asyncio.sleep(5)  # let the node's similarity checks of this round settle
    finally:
        node.stop()
        if embedded is not None:
            embedded.stop()
    for count, tally, bare in results:
        report(count, tally, bare)
    return 0


async def _wait_for_judge(base: str, database_url: str) -> None:
    conn = await asyncpg.connect(database_url)
    try:
        for _ in range(600):
            if await conn.fetchval("SELECT count(*) FROM judge_workers"):
                return
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    raise RuntimeError("no judge worker registered")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, nargs="+", default=[100, 1000])
    args = parser.parse_args()
    return asyncio.run(amain(args))


if __name__ == "__main__":
    raise SystemExit(main())
