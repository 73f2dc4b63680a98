"""Collaborative editing: our y-websocket endpoint next to y-websocket's own reference server.

The same Node clients (tests/collab/load.mjs: real y-websocket 1.5 providers, many per process)
run against one `sobes serve` node (with Redis and PostgreSQL, as deployed) and against
`node tests/collab/node_modules/y-websocket/bin/server.js` (in memory, no persistence, no
auth), both started fresh for each measurement in the same run, on loopback. Each measurement
first has one writer connect and type a ~6 KB file in small pieces, then:

- join: N clients opened at once; the time from `new WebsocketProvider` to its first `sync`
  (p50/p99), and until all N had synced;
- memory: the server process's RSS after the join minus before it, per connection (for ours
  the whole `sobes serve` process, app included; only the difference counts);
- propagation: the writer inserts a marker every 50 ms, and each observer notes when the
  marker shows up in its Y.Text (one process, one clock); with many writers, 20 writers among
  200 clients each type every 500 ms and every client times every other writer's markers;
- the biggest join and propagation once more with clients that announce no awareness state
  (y-websocket sends `{}` on connect and renews it every 15 s, and a server relays each one to
  every client of the document: N^2 messages), to tell the document's cost from awareness's.

The clients do not offer permessage-deflate: the `ws` client inflates the frames of every
connection of its process through one queue, so with hundreds of clients in one process the
latency would be this process's, not the server's (a browser tab inflates only its own). One
step offers it as browsers do (ours accepts it, the reference declines), for the memory it costs
the server. The client process's own work (applying each update once per client, on one thread)
is part of every latency, for both servers alike; its CPU use is printed. Ratios are
ours / reference.

    python bench/collab.py [--joins 100 500 1500] [--observers 100 500] [--updates 40]
                           [--many-writers 20 200] [--rounds 1] [--keep]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder would come first on the path, and bench/http.py would shadow
# the standard library's http (which urllib and aiohttp import).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
import uuid  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import aiohttp  # noqa: E402
import asyncpg  # noqa: E402

from bench.http import join_embedded  # noqa: E402
from deploy.processes import (  # noqa: E402
    REPO,
    SobesProcess,
    free_port,
    sobes_env,
    start_redis,
    start_sobes,
)
from server.accounts import organisations, passwords, sessions, users  # noqa: E402
from server.accounts.roles import Role  # noqa: E402
from server.storage.database import prepare_connection  # noqa: E402

COLLAB = REPO / "tests" / "collab"
LOAD = COLLAB / "load.mjs"
REFERENCE_SERVER = COLLAB / "node_modules" / "y-websocket" / "bin" / "server.js"
NODE = shutil.which("node") or "node"
SEED_CHARS = 6000
PUBLISHED = {  # yhub's own figures, on their hardware: a reference, not measured here
    ("propagation", 1, 1500, "p99"): 44.0,
    ("join", 1500, "p50"): 740.0,
}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    """One measurement against one server."""

    join: dict[str, Any] = field(default_factory=dict)
    rss_before_kib: int = 0
    rss_after_kib: int = 0
    propagation: dict[str, Any] | None = None
    server_cpu_pct: float | None = None

    @property
    def kib_per_connection(self) -> float:
        return (self.rss_after_kib - self.rss_before_kib) / max(1, self.join.get("clients", 1))


class Reference:
    """y-websocket's bin/server.js: `HOST=127.0.0.1 PORT=... node server.js`."""

    name = "reference"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [NODE, str(REFERENCE_SERVER)],
            env={"HOST": "127.0.0.1", "PORT": str(self.port), "PATH": os.environ["PATH"]},
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "reference.log").open("a"),
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the reference server did not start") from None
                time.sleep(0.05)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/yjs"

    async def document(self, clients: int) -> tuple[str, list[str]]:
        # no auth: the token is sent all the same, so that both servers get the same URLs
        token = uuid.uuid4().hex + uuid.uuid4().hex[:11]
        return f"{uuid.uuid4()}/main.py", [token] * clients

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Ours:
    """One `sobes serve` node with Redis and PostgreSQL; rooms and tokens through the API."""

    name = "ours"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.redis = None
        self.embedded = None
        self.node: SobesProcess | None = None
        self.cookie = ""
        self.starts = 0
        values = {
            "SOBES_DATA_DIR": str(workdir / "var"),
            "SOBES_NODE_NAME": "bench",
            "SOBES_JUDGE_WORKERS": "0",
            "SOBES_LOG_LEVEL": "WARNING",
        }
        for name in ("DATABASE_URL", "REDIS_URL"):
            if os.environ.get(name):
                values[name] = os.environ[name]
        if "REDIS_URL" not in values:
            self.redis = start_redis(workdir / "redis")
            values["REDIS_URL"] = self.redis.url
        values["SOBES_REDIS_PREFIX"] = f"sobes-bench-{uuid.uuid4().hex[:6]}:"
        self.values = values

    def start(self) -> None:
        self.starts += 1
        log = self.workdir / f"sobes-{self.starts}.log"
        self.node = start_sobes(sobes_env(**self.values), log)
        if self.embedded is None and "DATABASE_URL" not in self.values:
            # keep the embedded PostgreSQL up between the node's restarts
            self.embedded = join_embedded(self.workdir / "var")

    @property
    def pid(self) -> int:
        assert self.node is not None
        return self.node.process.pid

    @property
    def ws_url(self) -> str:
        assert self.node is not None
        return self.node.url.replace("http://", "ws://") + "/yjs"

    @property
    def database_url(self) -> str:
        if "DATABASE_URL" in self.values:
            return self.values["DATABASE_URL"]
        assert self.embedded is not None
        from server.storage.database import EMBEDDED_DATABASE

        return self.embedded.url(EMBEDDED_DATABASE)

    async def staff_cookie(self) -> str:
        """An interviewer with a session, made in the database (no argon2 in the clock)."""
        if self.cookie:
            return self.cookie
        conn = await asyncpg.connect(self.database_url)
        await prepare_connection(conn)
        try:
            org = await organisations.ensure_organisation(conn, f"Bench {uuid.uuid4().hex[:6]}")
            user = await users.create_user(
                conn,
                email=f"bench-{uuid.uuid4().hex[:10]}@example.com",
                password_hash=await passwords.hash_password("bench password 1"),
                full_name="Bench Interviewer",
                role=Role.INTERVIEWER,
                organisation_id=org["id"],
            )
            made = await sessions.create_session(
                conn, user.id, ttl_s=3600, ip="127.0.0.1", user_agent="bench"
            )
        finally:
            await conn.close()
        self.cookie = f"{sessions.COOKIE_NAME}={made.token}"
        return self.cookie

    async def document(self, clients: int) -> tuple[str, list[str]]:
        """A new room; one editor token per client (a tab each), issued by the API."""
        assert self.node is not None
        headers = {"Cookie": await self.staff_cookie()}
        base = self.node.url + "/api/v1/rooms"
        async with aiohttp.ClientSession(headers=headers) as http:
            body = {"title": "Bench", "files": [{"file_name": "main.py", "language": "python3"}]}
            async with http.post(base, json=body) as answer:
                room = await answer.json()
                assert answer.status == 201, room
            limit = asyncio.Semaphore(16)

            async def token() -> str:
                async with limit, http.post(f"{base}/{room['id']}/token") as answer:
                    issued = await answer.json()
                    assert answer.status == 200, issued
                    return issued["token"]

            tokens = await asyncio.gather(*(token() for _ in range(clients)))
        return room["documents"][0]["name"], list(tokens)

    def stop(self) -> None:
        if self.node is not None:
            self.node.stop()
            self.node = None

    def close(self) -> None:
        self.stop()
        if self.embedded is not None:
            self.embedded.stop()
        if self.redis is not None:
            self.redis.stop()


async def measure(
    server: Ours | Reference,
    *,
    observers: int,
    writers: int = 1,
    updates: int = 0,
    every_ms: int = 50,
    awareness: bool = True,
    deflate: str = "offer",
) -> Run:
    """A fresh server; a writer seeds the text; N clients join; then the markers (if any)."""
    server.start()
    try:
        doc, tokens = await server.document(writers + observers)
        config = {
            "url": server.ws_url,
            "docName": doc,
            "tokens": tokens,
            "writers": writers,
            "observers": observers,
            "seedChars": SEED_CHARS,
            "updates": updates,
            "everyMs": every_ms,
            "awareness": awareness,
            "deflate": deflate,
            "joinTimeoutMs": 90000,
            "settleMs": 15000,
        }
        process = await asyncio.create_subprocess_exec(
            NODE,
            str(LOAD),
            cwd=COLLAB,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            limit=2**20,
        )
        assert process.stdin and process.stdout and process.stderr
        process.stdin.write(json.dumps(config).encode() + b"\n")
        await process.stdin.drain()
        run = Run()
        cpu_started = None
        wall_started = 0.0
        while True:
            line = await asyncio.wait_for(process.stdout.readline(), 180)
            if not line:
                err = (await process.stderr.read()).decode()
                raise RuntimeError(f"load.mjs stopped:\n{err[-3000:]}")
            event = json.loads(line)
            if event["event"] == "seeded":
                await asyncio.sleep(1)
                run.rss_before_kib = rss_kib(server.pid)
            elif event["event"] == "joined":
                run.join = event
                await asyncio.sleep(1)
                run.rss_after_kib = rss_kib(server.pid)
                cpu_started, wall_started = cpu_s(server.pid), time.monotonic()
            elif event["event"] == "propagated":
                run.propagation = event
                assert cpu_started is not None
                run.server_cpu_pct = (
                    100 * (cpu_s(server.pid) - cpu_started) / (time.monotonic() - wall_started)
                )
            elif event["event"] == "done":
                break
            if event["event"] in ("seeded", "joined"):
                process.stdin.write(b'{"go": true}\n')
                await process.stdin.drain()
        await process.wait()
        return run
    finally:
        server.stop()


def fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def ratio(ours: float | None, reference: float | None) -> str:
    if ours is None or reference is None or reference == 0:
        return "-"
    return f"{ours / reference:.2f}"


@dataclass
class Step:
    """One line of the plan, measured against both servers."""

    label: str
    observers: int
    writers: int = 1
    updates: int = 0
    every_ms: int = 50
    awareness: bool = True
    join: bool = True  # report the join and memory
    deflate: str = "off"  # see socketClass in tests/collab/lib.mjs


def plan(args: argparse.Namespace) -> list[Step]:
    steps = []
    for count in sorted(set(args.joins) | set(args.observers)):
        steps.append(
            Step(
                f"{count}",
                count,
                updates=args.updates if count in args.observers else 0,
                join=count in args.joins,
            )
        )
    if args.many_writers:
        writers, total = args.many_writers
        steps.append(
            Step(
                f"{writers} writers among {total}",
                total - writers,
                writers=writers,
                updates=args.updates // 2,
                every_ms=500,
                join=False,
            )
        )
    if args.with_deflate and args.observers:
        # As browsers connect: offering permessage-deflate (ours accepts it, the reference does
        # not). The memory is the server's; the latency here is mostly this one process
        # inflating every client's frames, which no browser tab does.
        most = max(args.observers)
        steps.append(Step(f"{most}, deflate offered", most, updates=args.updates, deflate="offer"))
    if args.without_awareness:
        # The same, with clients that announce no awareness state: what the document costs
        # without the N^2 awareness relay (each client's state goes to every other client).
        biggest = max(args.joins)
        steps.append(Step(f"{biggest}, no awareness", biggest, awareness=False))
        if args.observers:
            most = max(args.observers)
            steps.append(
                Step(
                    f"{most}, no awareness", most, updates=args.updates, awareness=False, join=False
                )
            )
    return steps


def describe(name: str, step: Step, run: Run) -> str:
    join = run.join
    text = (
        f"  {name:9} {step.label:>24}: {join['clients']} synced in {join['allMs']:.0f} ms "
        f"({join['synced']} synced, {join['withFullText']} with the whole text), RSS "
        f"+{(run.rss_after_kib - run.rss_before_kib) / 1024:.1f} MiB"
    )
    if run.propagation:
        p = run.propagation
        text += (
            f"; propagation p50 {p['latency']['p50']:.1f} / p99 {p['latency']['p99']:.1f} ms "
            f"(first receiver p50 {p['first']['p50']:.1f}, last receiver p50 "
            f"{p['last']['p50']:.1f}), {p['missing']} missing; CPU server "
            f"{run.server_cpu_pct:.0f}%, clients {p['driverCpuPct']:.0f}%"
        )
    return text


def warnings_in(path: Path) -> list[str]:
    """The node's warnings and errors, counted by message and the exception's last line."""
    if not path.exists():
        return []
    counts: dict[str, int] = {}
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("level") not in ("WARNING", "ERROR"):
            continue
        cause = (entry.get("exc_info") or "").strip().splitlines()[-1:]
        key = f"{entry['level']} {entry.get('message')}" + (f" ({cause[0]})" if cause else "")
        counts[key] = counts.get(key, 0) + 1
    return [f"{count} x {key}" for key, count in counts.items()]


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def table_rows(
    steps: list[Step], results: dict[tuple[int, str], list[Run]]
) -> list[tuple[str, float | None, float | None, str]]:
    """The table: per step, the median over the rounds of each figure, ours and reference."""
    rows: list[tuple[str, float | None, float | None, str]] = []

    def add(label: str, pick: Any, index: int, published: float | None = None) -> None:
        ours_value = median([pick(run) for run in results[(index, "ours")]])
        ref_value = median([pick(run) for run in results[(index, "reference")]])
        rows.append((label, ours_value, ref_value, fmt(published) if published else ""))

    for index, step in enumerate(steps):
        plain = step.awareness and step.deflate == "off"
        count = step.observers
        if step.join:
            add(f"join {step.label}: all synced ms", lambda r: r.join["allMs"], index)
            for pct in ("p50", "p99"):
                add(
                    f"join {step.label}: per client {pct} ms",
                    lambda r, pct=pct: r.join["join"][pct],
                    index,
                    PUBLISHED.get(("join", count, pct)) if plain else None,
                )
            add(
                f"memory per connection, {step.label}: KiB",
                lambda r: r.kib_per_connection,
                index,
            )
        if step.updates:
            who = step.label if step.writers > 1 else f"1 writer -> {step.label}"
            for pct in ("p50", "p99"):
                add(
                    f"{who}: {pct} ms",
                    lambda r, pct=pct: r.propagation["latency"][pct] if r.propagation else None,
                    index,
                    PUBLISHED.get(("propagation", 1, count, pct))
                    if plain and step.writers == 1
                    else None,
                )
    return rows


async def bench(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="sobes-bench-collab-"))
    ours, reference = Ours(workdir), Reference(workdir)
    steps = plan(args)
    results: dict[tuple[int, str], list[Run]] = {}
    notes: list[str] = []
    started = time.monotonic()
    print(
        f"clients: y-websocket 1.5.4 providers in one Node process, not offering "
        f"permessage-deflate unless a step says so; each server started fresh for each step; "
        f"seed text {SEED_CHARS} chars; {args.rounds} round(s), medians; {os.cpu_count()} cores "
        f"here, load average {os.getloadavg()[0]:.1f} at the start; ours with "
        f"{'REDIS_URL' if os.environ.get('REDIS_URL') else 'a local redis-server'} and "
        f"{'DATABASE_URL' if os.environ.get('DATABASE_URL') else 'embedded PostgreSQL'}, "
        f"logging at WARNING",
        flush=True,
    )
    try:
        for round_ in range(args.rounds):
            for index, step in enumerate(steps):
                for server in (ours, reference):
                    run = await measure(
                        server,
                        observers=step.observers,
                        writers=step.writers,
                        updates=step.updates,
                        every_ms=step.every_ms,
                        awareness=step.awareness,
                        deflate=step.deflate,
                    )
                    results.setdefault((index, server.name), []).append(run)
                    print(describe(server.name, step, run), flush=True)
                    where = f"{server.name}, {step.label}, round {round_ + 1}"
                    if server is ours:
                        for line in warnings_in(workdir / f"sobes-{ours.starts}.log"):
                            notes.append(f"{where}: log: {line[:300]}")
                    if run.join["timedOut"] or run.join["withFullText"] < step.observers:
                        notes.append(
                            f"{where}: {run.join['synced']} of {step.observers} synced, "
                            f"{run.join['withFullText']} got the whole text"
                        )
                    if run.propagation and run.propagation["missing"]:
                        notes.append(
                            f"{where}: {run.propagation['missing']} of "
                            f"{run.propagation['expected']} deliveries missing after 15 s"
                        )
    finally:
        ours.close()
        reference.stop()

    print()
    print(f"{'':48} {'ours':>9} {'reference':>10} {'ours/ref':>9}   yhub*")
    for label, ours_value, ref_value, published in table_rows(steps, results):
        digits = 1 if "memory" in label or "p50" in label else 0
        print(
            f"{label:48} {fmt(ours_value, digits):>9} {fmt(ref_value, digits):>10} "
            f"{ratio(ours_value, ref_value):>9}   {published}"
        )
    print(
        "* yhub: published by yhub on other hardware, not measured here "
        "(1 writer -> 1,500 observers propagation p99 44 ms; 1,500 clients join p50 740 ms)"
    )
    for note in notes:
        print(f"note: {note}")
    print(
        f"bench time {time.monotonic() - started:.0f} s; load average "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    if args.keep:
        print(f"logs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--joins", type=int, nargs="+", default=[100, 500, 1500])
    parser.add_argument("--observers", type=int, nargs="*", default=[100, 500])
    parser.add_argument("--updates", type=int, default=40, help="markers per writer")
    parser.add_argument(
        "--many-writers",
        type=int,
        nargs=2,
        default=[20, 200],
        metavar=("WRITERS", "CLIENTS"),
        help="writers among clients (0 0 to skip)",
    )
    parser.add_argument(
        "--without-awareness",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also the biggest join and propagation with clients that announce no awareness",
    )
    parser.add_argument(
        "--with-deflate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also the biggest propagation with clients offering permessage-deflate",
    )
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every step; medians")
    parser.add_argument("--keep", action="store_true", help="keep the servers' logs")
    args = parser.parse_args()
    if args.many_writers == [0, 0]:
        args.many_writers = None
    if not REFERENCE_SERVER.is_file():
        print("tests/collab/node_modules is missing: run `make test` or `npm ci` in tests/collab")
        return 2
    return asyncio.run(bench(args))


if __name__ == "__main__":
    raise SystemExit(main())
