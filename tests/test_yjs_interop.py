"""Real Yjs clients against the collaborative editor: y-websocket's 1.5.x client and the 3.x one
browsers get today, from npm (tests/collab), run in Node against `sobes serve` nodes.

Several editors type into one Y.Text at once and must converge on the same text, the same
state vectors and what a fresh client reads from the server; awareness (name, colour, cursor)
reaches everyone and disappears when someone leaves or their connection drops; a read-only
token's edits reach no one; bad tokens get nothing. With three nodes sharing one PostgreSQL and
one Redis, editors on different nodes converge, and when a node is SIGKILLed while its editors
type, they move to another node and nothing that node had received is lost.

The convergence and awareness tests run against y-websocket's reference server too
(`bin/server.js`, in memory, no tokens), which shows that the harness itself holds.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from deploy.processes import SobesProcess, free_port, sobes_env, start_sobes
from server.accounts.roles import Role
from tests.conftest import connect, http_login

COLLAB = Path(__file__).resolve().parent / "collab"
SCRIPT = COLLAB / "interop.mjs"
REFERENCE_SERVER = COLLAB / "node_modules" / "y-websocket" / "bin" / "server.js"
NODE = shutil.which("node") or "node"
SCRIPT_TIMEOUT_S = 60
GONE_WITHIN_MS = 5000  # "within a few seconds" of leaving, everyone stops showing you


def require_node_modules() -> None:
    if not REFERENCE_SERVER.is_file():
        pytest.fail("tests/collab/node_modules is missing: run `make test` (npm ci there)")


def ws_url(base: str) -> str:
    return base.replace("http://", "ws://", 1) + "/yjs"


# --- processes --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def node_env(database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The environment of a node of the test cluster (one PostgreSQL, one Redis, one prefix)."""
    prefix = f"sobes-test-{uuid.uuid4().hex[:8]}:"
    data_dir = tmp_path_factory.mktemp("yjs-nodes")

    def make(name: str) -> dict[str, str]:
        return sobes_env(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            SOBES_REDIS_PREFIX=prefix,
            SOBES_NODE_NAME=name,
            SOBES_DATA_DIR=str(data_dir),
            SOBES_JUDGE_WORKERS="0",
            SOBES_LOGIN_RATE_PER_IP="1000/60",
            SOBES_LOGIN_RATE_PER_ACCOUNT="1000/60",
        )

    make.logs = data_dir  # type: ignore[attr-defined]
    return make


@pytest.fixture(scope="module")
def nodes(node_env: Any) -> Iterator[list[SobesProcess]]:
    """Three `sobes serve` processes on loopback sharing one PostgreSQL and one Redis."""
    require_node_modules()
    started: list[SobesProcess] = []
    try:
        for index in range(3):
            name = f"yjs-node-{index + 1}"
            started.append(start_sobes(node_env(name), node_env.logs / f"{name}.log"))
        yield started
    finally:
        for node in started:
            node.stop()


@pytest.fixture(scope="module")
def reference() -> Iterator[str]:
    """y-websocket's own server (`bin/server.js`): in memory, no tokens."""
    require_node_modules()
    port = free_port()
    process = subprocess.Popen(
        [NODE, str(REFERENCE_SERVER)],
        env={"HOST": "127.0.0.1", "PORT": str(port), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                import urllib.request

                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the reference y-websocket server did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(5)


# --- rooms, participants and tokens through the API -------------------------------------------


class Room:
    """A room made through the API by an interviewer, with its candidate seated."""

    def __init__(self, base: str, make_account: Any) -> None:
        self.base = base
        self.make_account = make_account
        self.organisation = f"Yjs {uuid.uuid4().hex[:8]}"
        self.id = ""
        self.docs: list[str] = []
        self.cookies: dict[str, str] = {}

    async def call(self, method: str, path: str, cookie: str, body: Any = None) -> Any:
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, self.base + path, json=body, headers={"Cookie": cookie}) as r,
        ):
            payload = await r.json()
            assert r.status < 300, (method, path, r.status, payload)
            return payload

    async def person(self, label: str, role: Role) -> str:
        account = await self.make_account(
            role, organisation=None if role is Role.CANDIDATE else self.organisation
        )
        self.cookies[label] = await http_login(self.base, account)
        return self.cookies[label]

    async def open(self, files: tuple[str, ...] = ("main.py",)) -> Room:
        staff = await self.person("interviewer", Role.INTERVIEWER)
        made = await self.call(
            "POST",
            "/api/v1/rooms",
            staff,
            {
                "title": "Pair programming",
                "files": [{"file_name": f, "language": "python3"} for f in files],
            },
        )
        self.id = made["id"]
        self.docs = [d["name"] for d in made["documents"]]
        invite = made["join_link"].split("invite=", 1)[1]
        candidate = await self.person("candidate", Role.CANDIDATE)
        await self.call("POST", f"/api/v1/rooms/{self.id}/join", candidate, {"invite": invite})
        return self

    async def token(self, label: str) -> dict[str, Any]:
        issued = await self.call("POST", f"/api/v1/rooms/{self.id}/token", self.cookies[label])
        assert issued["docs"] == self.docs
        return issued

    async def writers(self, count: int) -> list[str]:
        """``count`` write tokens: the candidate, the interviewer in two tabs, more staff."""
        labels = ["candidate", "interviewer", "interviewer"]
        for extra in range(max(0, count - len(labels))):
            label = f"staff-{extra}"
            await self.person(label, Role.ADMIN if extra % 2 else Role.INTERVIEWER)
            labels.append(label)
        tokens = []
        for label in labels[:count]:
            issued = await self.token(label)
            assert issued["can_write"] is True
            tokens.append(issued["token"])
        return tokens


async def run_clients(config: dict[str, Any], timeout: float = SCRIPT_TIMEOUT_S) -> dict[str, Any]:
    """Runs tests/collab/interop.mjs with ``config``; returns its result."""
    process = await asyncio.create_subprocess_exec(
        NODE,
        str(SCRIPT),
        cwd=COLLAB,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(
            process.communicate(json.dumps(config).encode() + b"\n"), timeout
        )
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    return parse_result(out, err, process.returncode)


def parse_result(out: bytes, err: bytes, returncode: int | None) -> dict[str, Any]:
    assert returncode == 0, f"interop.mjs exited with {returncode}:\n{err.decode()[-4000:]}"
    for line in reversed(out.decode().splitlines()):
        message = json.loads(line)
        if "result" in message:
            result = message["result"]
            assert "error" not in result, f"{result['error']}: {summary(result)}"
            return result
    raise AssertionError(f"interop.mjs printed no result:\n{err.decode()[-4000:]}")


class Session:
    """interop.mjs run step by step: it prints events, the test answers with its own."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.printed = b""

    @classmethod
    async def start(cls, config: dict[str, Any]) -> Session:
        process = await asyncio.create_subprocess_exec(
            NODE,
            str(SCRIPT),
            cwd=COLLAB,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        session = cls(process)
        await session.send(config)
        return session

    async def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        await self.process.stdin.drain()

    async def expect(self, event: str, timeout: float = 30) -> None:
        assert self.process.stdout
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        self.printed += line
        if not line or json.loads(line).get("event") != event:
            out, err = await self.result_parts()
            parse_result(self.printed + out, err, self.process.returncode)
            raise AssertionError(f"expected {event!r} from interop.mjs, got {line!r}")

    async def result_parts(self) -> tuple[bytes, bytes]:
        return await asyncio.wait_for(self.process.communicate(), SCRIPT_TIMEOUT_S)

    async def result(self) -> dict[str, Any]:
        out, err = await self.result_parts()
        return parse_result(self.printed + out, err, self.process.returncode)

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()


def summary(result: dict[str, Any]) -> str:
    """What each editor went through, in short (for a failure message)."""
    lines = []
    for editor in result.get("editors", []):
        seen: list[str] = []
        for event in editor["events"]:
            what = event["type"] + (f" {event['message']}" if event.get("message") else "")
            what += f" {event['code']}" if event.get("code") else ""
            if not seen or seen[-1] != what:
                seen.append(what)
        lines.append(f"{editor['name']} (v{editor['version']}): {', '.join(seen[:12])}")
    return "\n".join(lines)


async def place(
    kind: str, count: int, nodes: list[SobesProcess], reference: str, make_account: Any
) -> tuple[list[str], str, list[str], str]:
    """Where ``count`` editors go: ws URLs, the doc name, their tokens and a spare token."""
    if kind == "reference":
        doc = f"{uuid.uuid4()}/main.py"
        return [ws_url(reference)], doc, [f"ignored-{i}" for i in range(count)], "ignored"
    room = await Room(nodes[0].url, make_account).open()
    tokens = await room.writers(count + 1)
    return [ws_url(nodes[0].url)], room.docs[0], tokens[:count], tokens[count]


# --- convergence ------------------------------------------------------------------------------


def assert_converged(result: dict[str, Any], ops: int) -> str:
    editors = result["editors"]
    assert result["convergedMs"] is not None, "the editors did not converge within 20 s"
    texts = {e["name"]: e["text"] for e in editors}
    assert len(set(texts.values())) == 1, texts
    text = editors[0]["text"]
    assert len(text) > 50, "the concurrent editing left almost nothing: nothing was exchanged?"
    vectors = [e["stateVector"] for e in editors]
    assert all(v == vectors[0] for v in vectors), vectors
    # what the server holds, read by a client that typed nothing
    assert result["fresh"]["syncMs"] is not None
    assert result["fresh"]["text"] == text
    assert result["fresh"]["stateVector"] == vectors[0]
    for editor in editors:
        # every edit of every editor reached the server (its own clock, in the server's vector)
        own = editor["stateVector"][str(editor["clientID"])]
        assert own >= ops, editor["name"]
    assert result["edits"] == [ops] * len(editors)
    return text


@pytest.mark.parametrize("kind", ["sobes", "reference"])
async def test_five_editors_converge(kind, nodes, reference, make_account):
    """Five editors (y-websocket 1.5 and 3.x alternately) insert and delete at random places at
    once; one goes offline for a third of its edits. All end with one text, one state vector,
    and the server's own copy is the same."""
    urls, doc, tokens, spare = await place(kind, 5, nodes, reference, make_account)
    ops = 150
    result = await run_clients(
        {
            "scenario": "converge",
            "urls": urls,
            "docName": doc,
            "tokens": tokens,
            "versions": [1, 3],
            "ops": ops,
            "freshToken": spare,
        }
    )
    assert_converged(result, ops)
    offline = [e["type"] for e in result["editors"][0]["events"]]
    assert "went-offline" in offline and offline.count("synced") >= 2, offline


# --- awareness --------------------------------------------------------------------------------


def assert_awareness(result: dict[str, Any], *, answers_query: bool) -> None:
    names = list(result["clientIDs"])
    assert result["everyoneMs"] is not None, result["seenAtFirst"]
    colours: dict[str, str | None] = dict.fromkeys(names)
    for seer, seen in result["seenAtFirst"].items():
        assert set(seen) == set(names) - {seer}
        for name, state in seen.items():
            assert state is not None and state["name"] == name, (seer, seen)
            colours[name] = colours[name] or state["color"]
            assert state["color"] == colours[name]
    cursor = result["cursor"]
    assert cursor["ms"] is not None, "a cursor move did not reach everyone"
    assert all(r == {"anchor": 4, "head": 9} for r in cursor["resolved"].values()), cursor
    if answers_query:
        query = result["query"]
        assert query["answers"] >= 1, "no awareness answer to a query-awareness message"
        live = set(result["clientIDs"].values())
        assert live <= set(query["clients"]), query
    assert result["politeGoneMs"] is not None and result["politeGoneMs"] < GONE_WITHIN_MS
    assert result["crashGoneMs"] is not None, "a dropped connection's awareness stayed"
    assert result["crashGoneMs"] < GONE_WITHIN_MS
    remaining = set(result["seenAtEnd"])
    for seer, seen in result["seenAtEnd"].items():
        assert {n for n, s in seen.items() if s} == remaining - {seer}, result["seenAtEnd"]


@pytest.mark.parametrize("kind", ["sobes", "reference"])
async def test_awareness_comes_and_goes(kind, nodes, reference, make_account):
    """Each editor's {user: {name, color}, cursor} reaches the others, a moved cursor resolves
    to the same place everywhere, and when an editor leaves, or its connection just drops, the
    others stop showing it within a few seconds. Our server also answers query-awareness (the
    reference server ignores that message)."""
    urls, doc, tokens, spare = await place(kind, 5, nodes, reference, make_account)
    result = await run_clients(
        {
            "scenario": "awareness",
            "urls": urls,
            "docName": doc,
            "tokens": tokens,
            "versions": [1, 3],
            "probeToken": spare,
        }
    )
    assert_awareness(result, answers_query=kind == "sobes")


# --- permissions ------------------------------------------------------------------------------


async def test_read_only_edits_reach_no_one(nodes, make_account):
    """HR watches (a read-only token): it receives every change, but what it types goes nowhere,
    neither as an update nor in the sync step 2 it answers with after a reconnect."""
    room = await Room(nodes[0].url, make_account).open()
    await room.person("hr", Role.HR)
    reader = await room.token("hr")
    assert reader["can_write"] is False
    writer, witness = await room.writers(2)
    result = await run_clients(
        {
            "scenario": "readonly",
            "urls": [ws_url(nodes[0].url)],
            "docName": room.docs[0],
            "writerToken": writer,
            "readerToken": reader["token"],
            "witnessToken": witness,
            "version": 1,
        }
    )
    assert result["joinMs"] is not None, "a read-only editor could not open the document"
    assert result["firstMs"] is not None, "the read-only editor did not receive the code"
    assert "R1;" not in result["afterUpdate"]["writer"]
    assert "R1;" not in result["afterUpdate"]["witness"]
    assert result["resyncMs"] is not None, "the read-only editor could not reconnect"
    assert result["secondMs"] is not None, "after its reconnect the reader stopped receiving"
    texts = {e["name"]: e["text"] for e in result["editors"]}
    assert texts["writer"] == texts["witness"] == result["fresh"]["text"] == "W1;W2;", texts
    assert "W1;" in texts["reader"] and "W2;" in texts["reader"]


async def test_a_locked_editor_holds_the_candidates_edits_back(nodes, make_account):
    """The interviewer locks the editor through the API on one node while the candidate is
    connected to another: what the candidate types then reaches no one. After the unlock its
    edits arrive again, from the same page and after a reload, and everyone converges."""
    room = await Room(nodes[0].url, make_account).open()
    candidate = await room.token("candidate")
    interviewer = await room.token("interviewer")
    assert candidate["can_write"] and interviewer["can_write"]
    session = await Session.start(
        {
            "scenario": "lock",
            "candidateUrl": ws_url(nodes[1].url),
            "interviewerUrl": ws_url(nodes[2].url),
            "docName": room.docs[0],
            "candidateToken": candidate["token"],
            "interviewerToken": interviewer["token"],
        }
    )
    try:
        await session.expect("ready")
        path = f"/api/v1/rooms/{room.id}"
        staff = room.cookies["interviewer"]
        assert (await room.call("PATCH", path, staff, {"editor_locked": True}))["editor_locked"]
        await session.send({"event": "locked"})
        await session.expect("typed")
        assert not (await room.call("PATCH", path, staff, {"editor_locked": False}))[
            "editor_locked"
        ]
        await session.send({"event": "unlocked"})
        result = await session.result()
    finally:
        session.kill()
    assert result["beforeMs"] is not None, "the candidate could not write before the lock"
    assert "L1;" not in result["whileLocked"], "the locked candidate's edit reached the others"
    assert result["interviewerMs"] is not None, "the candidate stopped receiving after the lock"
    assert result["afterMs"] is not None, "after the unlock the candidate's edits do not arrive"
    assert result["reloadMs"] is not None, "after the unlock a reloaded page cannot write"
    # Once it may write again, the server asks the page for what it typed meanwhile (a sync
    # step 1; the alternative is a page whose later edits depend on items the server never
    # got), so the held-back edit arrives now and everyone holds the same text.
    texts = {e["name"]: e["text"] for e in result["editors"]}
    assert set(texts.values()) == {result["fresh"]["text"]}, texts
    assert result["fresh"]["text"] == "C3;C2;I1;C0;L1;", texts


async def test_bad_tokens_get_nothing(nodes, make_account, database_url):
    """No token, a made-up token, an expired one, another room's and a good token for a file
    that is not in the room: none of them reads the code, writes into it or shows up in it."""
    room = await Room(nodes[0].url, make_account).open()
    other = await Room(nodes[0].url, make_account).open()
    (witness,) = await room.writers(1)
    (foreign,) = await other.writers(1)
    await room.person("lapsed", Role.INTERVIEWER)
    lapsed = (await room.token("lapsed"))["token"]
    conn = await connect(database_url)
    try:
        # room_tokens keeps only the token's SHA-256
        status = await conn.execute(
            "UPDATE room_tokens SET expires_at = now() - interval '1 minute' WHERE token_hash = $1",
            hashlib.sha256(lapsed.encode()).digest(),
        )
        assert status == "UPDATE 1"
    finally:
        await conn.close()
    (good,) = await room.writers(1)
    secret = f"SECRET-{uuid.uuid4().hex[:8]};"
    bad = [
        {"label": "none", "token": None},
        {"label": "garbage", "token": "not-a-token-" + uuid.uuid4().hex},
        {"label": "expired", "token": lapsed},
        {"label": "foreign", "token": foreign},
        {"label": "nofile", "token": good, "docName": f"{room.id}/not-there.py"},
    ]
    result = await run_clients(
        {
            "scenario": "refused",
            "urls": [ws_url(nodes[0].url)],
            "docName": room.docs[0],
            "witnessToken": witness,
            "secret": secret,
            "bad": bad,
        }
    )
    assert result["witnessJoinMs"] is not None
    for case in result["cases"]:
        raw, provider = case["raw"], case["provider"]
        label = case["label"]
        assert secret not in raw["text"] and secret not in provider["text"], label
        leaked = [m for m in raw["received"] if m["type"] == "sync" and m["kind"] != "step1"]
        assert not leaked, (label, raw)
        assert not [m for m in raw["received"] if m["type"] == "awareness"], (label, raw)
        assert not provider["syncedOnce"], (label, provider["events"])
    for text in (result["witness"]["text"], result["fresh"]["text"]):
        assert text == secret, text
    assert result["witnessSaw"] == ["witness"], result["witnessSaw"]


# --- several nodes ----------------------------------------------------------------------------


async def test_editors_on_three_nodes_converge(nodes, make_account):
    """Six editors spread over three nodes (one PostgreSQL, one Redis) edit at once and
    converge; awareness crosses nodes too, and so does its removal."""
    room = await Room(nodes[0].url, make_account).open(("main.py", "helpers.py"))
    tokens = await room.writers(12)
    urls = [ws_url(node.url) for node in nodes]
    ops = 120
    edited, aware = await asyncio.gather(
        run_clients(
            {
                "scenario": "converge",
                "urls": urls,
                "docName": room.docs[0],
                "tokens": tokens[:6],
                "versions": [1, 3],
                "ops": ops,
                "freshUrl": urls[2],
                "freshToken": tokens[11],
            }
        ),
        run_clients(
            {
                "scenario": "awareness",
                "urls": urls,
                "docName": room.docs[1],
                "tokens": tokens[6:11],
                "versions": [3, 1],
                "probeToken": tokens[11],
            }
        ),
    )
    assert_converged(edited, ops)
    assert {e["events"][0]["url"] for e in edited["editors"]} == set(urls)
    assert_awareness(aware, answers_query=True)


async def test_a_node_dies_while_its_editors_type(nodes, node_env, make_account):
    """Seven editors on three nodes type unique tokens at random places; one node is SIGKILLed
    while they type. Its editors either move to the next node with their Y.Doc (as a browser
    behind the balancer would) or die with it. Afterwards the survivors converge, nothing any
    survivor typed is lost, what the dead editors typed more than a second before the kill (the
    node had it) is there too, and a node started afterwards serves that same text."""
    victim = start_sobes(node_env("yjs-node-doomed"), node_env.logs / "yjs-node-doomed.log")
    try:
        room = await Room(nodes[0].url, make_account).open()
        tokens = await room.writers(8)
        urls = [ws_url(nodes[0].url), ws_url(victim.url), ws_url(nodes[1].url)]
        editors = [
            {"name": "a0", "node": 0, "mode": "rotate", "version": 1},
            {"name": "a1", "node": 0, "mode": "rotate", "version": 3},
            {"name": "b0", "node": 1, "mode": "rotate", "version": 1},
            {"name": "b1", "node": 1, "mode": "rotate", "version": 3},
            {"name": "bx", "node": 1, "mode": "vanish", "version": 1},
            {"name": "by", "node": 1, "mode": "vanish", "version": 3},
            {"name": "c0", "node": 2, "mode": "rotate", "version": 3},
        ]
        config = {
            "scenario": "failover",
            "urls": urls,
            "docName": room.docs[0],
            "tokens": tokens[:7],
            "editors": editors,
            "afterKillMs": 3000,
            "freshUrl": urls[2],
            "freshToken": tokens[7],
        }
        session = await Session.start(config)
        try:
            await session.expect("typing")
            await asyncio.sleep(2.5)
            killed_at = time.time() * 1000
            victim.stop(signal.SIGKILL)
            await session.send({"event": "killed", "at": killed_at})
            result = await session.result()
        finally:
            session.kill()
        # a node that starts now knows the document only from Redis and PostgreSQL
        reborn = start_sobes(node_env("yjs-node-reborn"), node_env.logs / "yjs-node-reborn.log")
        try:
            cold = await run_clients(
                {
                    "scenario": "read",
                    "urls": [ws_url(reborn.url)],
                    "docName": room.docs[0],
                    "token": tokens[7],
                }
            )
        finally:
            reborn.stop()
    finally:
        victim.stop(signal.SIGKILL)

    by_name = {e["name"]: e for e in result["editors"]}
    survivors = [e for e in result["editors"] if not e["vanished"]]
    assert {e["name"] for e in survivors} == {"a0", "a1", "b0", "b1", "c0"}
    assert by_name["bx"]["vanished"] and by_name["by"]["vanished"]
    assert result["convergedMs"] is not None, "the survivors did not converge after the kill"
    text = survivors[0]["text"]
    assert all(e["text"] == text for e in survivors)
    assert all(e["stateVector"] == survivors[0]["stateVector"] for e in survivors)
    assert result["fresh"]["text"] == text
    assert cold["syncMs"] is not None and cold["text"] == text, "a new node reads another text"
    # the editors of the dead node moved elsewhere and synced there
    for name in ("b0", "b1"):
        moved = [ev for ev in by_name[name]["events"] if ev["type"] == "synced"]
        assert moved[-1]["url"] != urls[1] and moved[-1]["at"] > killed_at, by_name[name]
    lost: dict[str, list[str]] = {}
    for editor in result["editors"]:
        wanted = [
            token
            for token, at in editor["typed"]
            if not editor["vanished"] or at < killed_at - 1000
        ]
        assert editor["vanished"] or len(wanted) > 30, editor["name"]
        missing = [token for token in wanted if text.count(token) != 1]
        if missing:
            lost[editor["name"]] = missing
    assert not lost, f"typed and lost (or doubled): {lost}"
    print(
        "failover: converged",
        round(result["convergedMs"]),
        "ms after typing stopped; the dead editors' awareness gone (ms after the kill):",
        result["victimAwarenessGoneMs"],
    )


async def test_a_crowd_is_seen_from_another_node(nodes, make_account):
    """150 editors are in a document on one node and all move their cursor at once (an
    awareness update each, as when code is pasted above everyone's cursor): a watcher on another
    node sees every one of them, as a watcher on their own node does. (Renewals are off for
    them, so that a lost update is not hidden by the next renewal 15 s later.)"""
    room = await Room(nodes[0].url, make_account).open()
    tokens = await room.writers(4)
    result = await run_clients(
        {
            "scenario": "crowd",
            "urls": [ws_url(nodes[0].url)],
            "watchUrls": [ws_url(nodes[0].url), ws_url(nodes[1].url)],
            "docName": room.docs[0],
            "tokens": tokens,
            "count": 150,
            "timeoutMs": 15000,
        }
    )
    assert result["joinMs"] is not None
    assert result["seen"] == [{"url": u, "seen": 150} for u in (ws_url(n.url) for n in nodes[:2])]


async def test_editor_tokens_stay_out_of_the_logs(nodes, make_account):
    """The y-websocket client sends its token in the URL's query (`?token=`), as every
    y-websocket client does; like session tokens, it must not be written to the node's log."""
    room = await Room(nodes[0].url, make_account).open()
    (token,) = await room.writers(1)
    read = await run_clients(
        {
            "scenario": "read",
            "urls": [ws_url(nodes[0].url)],
            "docName": room.docs[0],
            "token": token,
        }
    )
    assert read["syncMs"] is not None
    await asyncio.sleep(0.5)
    leaked = [line for line in nodes[0].log().splitlines() if token in line]
    assert not leaked, f"the editor token is in the log: {leaked[0][:200]}"
