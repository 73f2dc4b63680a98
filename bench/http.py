"""HTTP throughput and latency of `GET /api/v1/me` next to a bare Quart "hello" app.

Each runs as one uvicorn process, configured identically, on this machine, loaded in turn
by the same client (wrk when installed, otherwise a built-in asyncio client), in
alternating rounds so that machine noise hits all alike. `/api/v1/me` is authenticated
and costs one PostgreSQL query (session and user in one statement). A second peer, bare
Quart running that same query over a plain asyncpg pool, shows how much of the gap is the
database round trip itself rather than Sobes. Prints requests per second and p50/p99
latency of each, and the ratios; the target is a throughput ratio of at least 0.5.

    python bench/http.py [--seconds 5] [--rounds 3] [--connections 32]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's `http` package; keep its folder off the path.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass

REPO = _BENCH.parent
sys.path.insert(0, str(REPO))

from deploy.processes import free_port, sobes_env, start_sobes

TARGET_RATIO = 0.5


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load_with_wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> Run:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Run(rps, p50, p99, errors)


async def _load_with_asyncio(
    url: str, headers: dict[str, str], seconds: int, connections: int
) -> Run:
    import aiohttp

    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            async with session.get(url, headers=headers) as answer:
                await answer.read()
                if answer.status != 200:
                    errors += 1
            latencies.append(time.perf_counter() - started)

    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(connections)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return Run(
        len(latencies) / elapsed,
        latencies[len(latencies) // 2] * 1000,
        latencies[int(len(latencies) * 0.99)] * 1000,
        errors,
    )


def load(url: str, headers: dict[str, str], seconds: int, connections: int) -> Run:
    if shutil.which("wrk"):
        return load_with_wrk(url, headers, seconds, connections)
    return asyncio.run(_load_with_asyncio(url, headers, seconds, connections))


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def sign_in(base_url: str) -> str:
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    for path, body in (
        ("/api/v1/auth/register", {"email": email, "password": "benchmark pw 1", "full_name": "B"}),
        ("/api/v1/auth/login", {"email": email, "password": "benchmark pw 1"}),
    ):
        request = urllib.request.Request(
            base_url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            cookie = answer.headers["Set-Cookie"].split(";")[0]
    return cookie


def join_embedded(data_dir: Path):  # type: ignore[no-untyped-def]
    """A handle on the embedded server that `sobes serve` started for this run."""
    from server.storage.embedded import start_embedded

    return start_embedded(data_dir)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="sobes-bench-"))
    env_values = {"SOBES_DATA_DIR": str(workdir / "var"), "SOBES_NODE_NAME": "bench"}
    if os.environ.get("DATABASE_URL"):
        env_values["DATABASE_URL"] = os.environ["DATABASE_URL"]
    env_values["SOBES_REGISTER_RATE_PER_IP"] = "100/60"
    sobes = start_sobes(sobes_env(**env_values), workdir / "sobes.log")
    bare_port = free_port()
    embedded = None if "DATABASE_URL" in env_values else join_embedded(workdir / "var")
    database_url = env_values.get("DATABASE_URL") or embedded.url("sobes")
    bare = subprocess.Popen(
        [sys.executable, "-m", "bench.bare_app", str(bare_port), database_url],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        bare_url = f"http://127.0.0.1:{bare_port}/hello"
        wait_until_up(bare_url)
        cookie = sign_in(sobes.url)
        me_url = sobes.url + "/api/v1/me"
        me_headers = {"Cookie": cookie}
        with urllib.request.urlopen(urllib.request.Request(me_url, headers=me_headers)) as check:
            assert check.status == 200
        loader = "wrk" if shutil.which("wrk") else "built-in asyncio client"
        print(
            f"loader: {loader}, {args.connections} connections, {args.rounds} rounds of "
            f"{args.seconds}s each, alternating; database: "
            f"{'DATABASE_URL' if 'DATABASE_URL' in env_values else 'embedded PostgreSQL'}"
        )
        query_url = f"http://127.0.0.1:{bare_port}/session"
        targets = {
            "bare": (bare_url, {}),
            "query": (query_url, me_headers),
            "me": (me_url, me_headers),
        }
        for url, headers in targets.values():  # warm-up
            load(url, headers, 1, args.connections)
        runs: dict[str, list[Run]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (url, headers) in targets.items():
                runs[name].append(load(url, headers, args.seconds, args.connections))
    finally:
        bare.terminate()
        bare.wait()
        sobes.stop()
        if embedded is not None:
            embedded.stop()

    def median(name: str, field: str) -> float:
        return statistics.median(getattr(run, field) for run in runs[name])

    rows = [
        ("bare Quart GET /hello", "bare"),
        ("bare Quart + session query", "query"),
        ("Sobes GET /api/v1/me", "me"),
    ]
    print(f"{'':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for label, name in rows:
        errors = sum(run.errors for run in runs[name])
        print(
            f"{label:28} {median(name, 'rps'):9.0f} {median(name, 'p50_ms'):8.2f} "
            f"{median(name, 'p99_ms'):8.2f} {errors:7d}"
        )
    ratio = median("me", "rps") / median("bare", "rps")
    print(f"throughput ratio /api/v1/me : bare = {ratio:.2f} (target >= {TARGET_RATIO})")
    print(
        f"p50 latency ratio = {median('me', 'p50_ms') / median('bare', 'p50_ms'):.2f}, "
        f"p99 latency ratio = {median('me', 'p99_ms') / median('bare', 'p99_ms'):.2f}"
    )
    floor = median("query", "rps") / median("bare", "rps")
    print(
        f"bare Quart with the same query : bare = {floor:.2f}; "
        f"Sobes : that peer = {median('me', 'rps') / median('query', 'rps'):.2f}"
    )
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
