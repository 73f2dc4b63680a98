"""The live room's editor: the y-websocket protocol over real sockets, on one node and across
nodes, persisted through the update stream into PostgreSQL, with and without Redis.

The client here is written with pycrdt's own protocol helpers and its ``Awareness`` (not the
server's encoder), as a browser's y-websocket provider would behave: it sends sync step 1 and
its awareness on open, answers the server's step 1 with step 2 and sends one update per edit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
import redis.asyncio as aioredis
from pycrdt import (
    Awareness,
    Doc,
    Text,
    create_awareness_message,
    create_sync_message,
    create_update_message,
    handle_sync_message,
    read_message,
)

from deploy.processes import sobes_env, start_sobes
from server.accounts.roles import Role
from server.collab import (
    TEXT_FIELD,
    _engines,
    document_history,
    document_text,
    issue_token,
    notify_room_changed,
)
from server.collab import protocol as wire
from server.collab.awareness import AwarenessTable
from server.collab.memory_stream import MemoryUpdateStream
from server.collab.redis_stream import RedisUpdateStream
from server.collab.stream import START, parse_id
from tests.conftest import connect, live_server

# -- a y-websocket client -------------------------------------------------------------------


class YClient:
    """A y-websocket provider: one document, one socket."""

    def __init__(self, http: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.http = http
        self.ws = ws
        self.doc: Doc = Doc()
        self.text = self.doc.get(TEXT_FIELD, type=Text)
        self.awareness = Awareness(self.doc)
        self.synced = asyncio.Event()
        self.close_code: int | None = None
        self.close_reason = ""
        self.received = 0
        self.awareness_updates: list[bytes] = []
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls, base_url: str, doc_name: str, token: str | None, doc: Doc | None = None, **kw: Any
    ) -> YClient:
        url = base_url.replace("http://", "ws://") + "/yjs/" + quote(doc_name, safe="/")
        if token is not None:
            url += "?token=" + token
        http = aiohttp.ClientSession()
        ws = await http.ws_connect(url, max_msg_size=0, **kw)
        client = cls(http, ws)
        if doc is not None:
            client.doc = doc
            client.text = doc.get(TEXT_FIELD, type=Text)
            client.awareness = Awareness(doc)
        await ws.send_bytes(create_sync_message(client.doc))
        client._reader = asyncio.create_task(client._read())
        return client

    async def _read(self) -> None:
        while True:
            message = await self.ws.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                await self._handle(message.data)
                continue
            if message.type == aiohttp.WSMsgType.CLOSE:
                self.close_code, self.close_reason = message.data, message.extra or ""
            break
        if self.close_code is None:
            self.close_code = self.ws.close_code

    async def _handle(self, data: bytes) -> None:
        self.received += 1
        if data[0] == wire.MessageType.SYNC:
            reply = handle_sync_message(data[1:], self.doc)
            if reply is not None and not self.ws.closed:
                await self.ws.send_bytes(reply)
            if data[1] == wire.SyncType.STEP2:
                self.synced.set()
        elif data[0] == wire.MessageType.AWARENESS:
            self.awareness_updates.append(read_message(data[1:]))
            self.awareness.apply_awareness_update(self.awareness_updates[-1], "server")

    async def type(self, chars: str, at: int | None = None) -> None:
        """One edit, sent as one update (as y-codemirror sends one per transaction)."""
        before = self.doc.get_state()
        self.text.insert(len(self.text) if at is None else at, chars)
        await self.ws.send_bytes(create_update_message(self.doc.get_update(before)))

    async def announce(self, state: dict[str, Any]) -> None:
        self.awareness.set_local_state(state)
        update = self.awareness.encode_awareness_update([self.doc.client_id])
        await self.ws.send_bytes(create_awareness_message(update))

    def others(self) -> dict[int, dict[str, Any]]:
        return {k: v for k, v in self.awareness.states.items() if k != self.doc.client_id}

    async def closed(self, timeout: float = 5.0) -> tuple[int | None, str]:
        assert self._reader is not None
        await asyncio.wait_for(asyncio.shield(self._reader), timeout)
        return self.close_code, self.close_reason

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._reader, 5)
        await self.http.close()

    def __str__(self) -> str:
        return str(self.text)


async def wait_for(predicate: Any, timeout: float = 5.0, what: str = "condition") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} not met in {timeout} s")
        await asyncio.sleep(0.02)


async def synced(*clients: YClient) -> None:
    for client in clients:
        await asyncio.wait_for(client.synced.wait(), 5)


# -- rooms, documents and tokens straight in the database -----------------------------------


@dataclass
class Room:
    id: uuid.UUID
    doc: str
    document_id: uuid.UUID
    interviewer: Any
    candidate: Any
    observer: Any
    database_url: str

    async def token(self, who: Any, can_write: bool = True, ttl_s: int = 3600) -> str:
        conn = await connect(self.database_url)
        try:
            return await issue_token(conn, self.id, who.id, can_write, ttl_s)
        finally:
            await conn.close()

    async def execute(self, query: str, *args: Any) -> Any:
        conn = await connect(self.database_url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    async def stored(self) -> tuple[bytes | None, str | None, list[Any]]:
        """The snapshot, its stream id and the room_updates rows (in stream order)."""
        row = (
            await self.execute(
                "SELECT snapshot, snapshot_through FROM room_documents WHERE id = $1",
                self.document_id,
            )
        )[0]
        updates = await self.execute(
            "SELECT stream_id, author_id, update FROM room_updates WHERE document_id = $1 "
            "ORDER BY split_part(stream_id, '-', 1)::bigint, split_part(stream_id, '-', 2)::bigint",
            self.document_id,
        )
        return row["snapshot"], row["snapshot_through"], updates


async def add_room(database_url: str, make_account: Any, files: tuple[str, ...] = ("main.py",)):
    interviewer = await make_account(Role.INTERVIEWER)
    observer = await make_account(Role.HR)
    candidate = await make_account(Role.CANDIDATE)
    conn = await connect(database_url)
    try:
        room_id = await conn.fetchval(
            "INSERT INTO rooms (organisation_id, title, invite_hash, created_by) "
            "VALUES ($1, 'Live interview', $2, $3) RETURNING id",
            interviewer.organisation_id,
            os.urandom(32),
            interviewer.id,
        )
        await conn.execute(
            "INSERT INTO room_participants (room_id, user_id, role) VALUES ($1, $2, 'candidate')",
            room_id,
            candidate.id,
        )
        ids = []
        for position, file_name in enumerate(files):
            ids.append(
                await conn.fetchval(
                    "INSERT INTO room_documents (room_id, name, file_name, language, position) "
                    "VALUES ($1, $2, $3, 'python3', $4) RETURNING id",
                    room_id,
                    f"{room_id}/{file_name}",
                    file_name,
                    position,
                )
            )
    finally:
        await conn.close()
    return Room(
        room_id, f"{room_id}/{files[0]}", ids[0], interviewer, candidate, observer, database_url
    )


@pytest.fixture
async def room(database_url, make_account):
    return await add_room(database_url, make_account)


@pytest.fixture(params=["redis", "in-process"])
def settings_for(request, make_settings):
    """Node settings on Redis or, for a single node, on the in-process stream and bus."""

    def make(**overrides: Any):
        values: dict[str, Any] = {
            "collab_release_grace_s": 0.3,
            "collab_compact_interval_s": 0.2,
            "judge_workers": 0,
        }
        if request.param == "in-process":
            values["redis_url"] = None
        values.update(overrides)
        return make_settings(**values)

    make.backend = request.param
    return make


def engine_of(settings: Any) -> Any:
    return next(engine for engine in _engines.values() if engine.settings is settings)


def released(engine: Any) -> bool:
    """Nothing of any document left in the engine's memory, and every flush done."""
    return not (engine.documents or engine._releases or engine._flushing)


def text_of_updates(updates: list[bytes]) -> str:
    doc = Doc()
    text = doc.get(TEXT_FIELD, type=Text)
    for update in updates:
        doc.apply_update(update)
    return str(text)


# -- the wire protocol ----------------------------------------------------------------------


def test_messages_parse_as_pycrdt_writes_them_and_malformed_ones_are_refused():
    doc = Doc()
    doc.get(TEXT_FIELD, type=Text).insert(0, "hello")
    step1 = wire.parse_message(create_sync_message(doc))
    assert (step1.type, step1.sync_type, step1.payload) == (0, 0, doc.get_state())
    update = wire.parse_message(create_update_message(doc.get_update()))
    assert (update.sync_type, update.payload) == (wire.SyncType.UPDATE, doc.get_update())
    awareness = Awareness(doc)
    awareness.set_local_state({"user": {"name": "Ann"}})
    message = wire.parse_message(
        create_awareness_message(awareness.encode_awareness_update([doc.client_id]))
    )
    [entry] = wire.decode_awareness(message.payload)
    assert (entry.client_id, entry.clock, entry.state) == (
        doc.client_id,
        1,
        '{"user":{"name":"Ann"}}',
    )
    assert wire.encode_awareness([entry]) == message.payload
    assert wire.parse_message(bytes([3])).type == wire.MessageType.QUERY_AWARENESS
    for bad in (
        b"",
        b"\x00",  # no sync type
        b"\x00\x07\x00",  # unknown sync type
        b"\x00\x02\x05ab",  # shorter than its length
        b"\x00\x02\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",  # a length beyond 2**53
        b"\x01\x10",  # awareness shorter than its length
    ):
        with pytest.raises(wire.ProtocolError):
            wire.parse_message(bad)
    for bad_awareness in (b"\x01\x01\x01\x03{x}", b"\x05\x01", b"\x01\x01\x01\x02\xff\xfe"):
        with pytest.raises(wire.ProtocolError):
            wire.decode_awareness(bad_awareness)


def test_the_awareness_table_follows_y_protocols_and_keeps_its_states_encoded():
    entry = wire.AwarenessEntry
    table = AwarenessTable()
    ann, bob = object(), object()
    assert table.apply([entry(1, 1, '{"n":"Ann"}'), entry(2, 4, '{"n":"Bob"}')], ann) == [
        entry(1, 1, '{"n":"Ann"}'),
        entry(2, 4, '{"n":"Bob"}'),
    ]
    # an echo (same clocks) or an older clock is nothing new, even if its text is not JSON
    assert table.apply([entry(1, 1, "{x"), entry(2, 3, '{"n":"old"}')], bob) == []
    # a new state that is not JSON refuses the whole update, changing nothing
    with pytest.raises(wire.ProtocolError):
        table.apply([entry(1, 2, '{"n":"Ann 2"}'), entry(2, 5, "{x")], bob)
    assert table.states() == [entry(1, 1, '{"n":"Ann"}'), entry(2, 4, '{"n":"Bob"}')]
    # one encoded update of every present state, as y-protocols would read it
    assert wire.decode_awareness(table.encoded_states() or b"") == table.states()
    # a client id taken over by another announcer is that one's to remove
    assert table.apply([entry(2, 5, '{"n":"Bob"}')], bob) == [entry(2, 5, '{"n":"Bob"}')]
    assert table.remove_owned_by(ann) == [entry(1, 1, "null")]
    assert table.remove_owned_by(ann) == []
    # a removal of the same clock is relayed once; the state comes back on a newer clock
    assert table.apply([entry(2, 5, "null")], bob) == [entry(2, 5, "null")]
    assert table.apply([entry(2, 5, "null")], bob) == []
    assert table.encoded_states() is None
    assert table.apply([entry(2, 6, '{"n":"Bob"}')], bob) == [entry(2, 6, '{"n":"Bob"}')]
    assert table.remove_owned_by(bob) == [entry(2, 6, "null")]


# -- the stream back ends -------------------------------------------------------------------


@pytest.fixture(params=["redis", "in-process"])
async def stream(request, redis_url, redis_prefix):
    made = (
        RedisUpdateStream(redis_url, redis_prefix, "test-instance")
        if request.param == "redis"
        else MemoryUpdateStream()
    )
    yield made
    await made.close()


async def test_stream_appends_reads_trims_and_wakes(stream):
    name = f"room/{uuid.uuid4().hex}.py"
    ids = [await stream.append(name, bytes([n]), "author", "node", 1000 + n) for n in range(5)]
    assert [parse_id(i) for i in ids] == sorted({parse_id(i) for i in ids})
    entries = await stream.read_after(name, START)
    assert [e.id for e in entries] == ids
    assert [e.update for e in entries] == [bytes([n]) for n in range(5)]
    assert (entries[0].author, entries[0].node, entries[0].at_ms) == ("author", "node", 1000)
    assert [e.id for e in await stream.read_after(name, ids[1], 2)] == ids[2:4]
    assert name in await stream.pending(0)

    await stream.trim_through(name, ids[2])
    assert [e.id for e in await stream.read_after(name, START)] == ids[3:]
    assert name in await stream.pending(0)
    await stream.trim_through(name, ids[4])
    assert await stream.read_after(name, START) == []
    assert name not in await stream.pending(0)
    later_id = await stream.append(name, b"x", None, "node", 0)
    assert [e.id for e in await stream.read_after(name, ids[4])] == [later_id]

    # read_new blocks until an entry arrives (or wake), from every document's position
    other = f"room/{uuid.uuid4().hex}.py"
    reading = asyncio.create_task(stream.read_new({name: later_id, other: START}, 5.0))
    await asyncio.sleep(0.2)
    assert not reading.done()
    new_id = await stream.append(other, b"y", "a", "n", 0)
    found = await asyncio.wait_for(reading, 2)
    assert [(n, e.id) for n, e in found] == [(other, new_id)]
    reading = asyncio.create_task(stream.read_new({name: later_id, other: new_id}, 5.0))
    await asyncio.sleep(0.2)
    await stream.wake()
    assert await asyncio.wait_for(reading, 2) == []

    assert await stream.acquire_lease(name, "one", 5000)
    assert not await stream.acquire_lease(name, "two", 5000)
    assert await stream.renew_lease(name, "one", 5000)
    assert not await stream.renew_lease(name, "two", 5000)
    await stream.release_lease(name, "two")
    assert not await stream.acquire_lease(name, "two", 5000)
    await stream.release_lease(name, "one")
    assert await stream.acquire_lease(name, "two", 100)
    await asyncio.sleep(0.3)
    assert await stream.acquire_lease(name, "one", 5000), "an expired lease is free"

    await stream.forget(other)
    assert await stream.read_after(other, START) == []


# -- one node -------------------------------------------------------------------------------


async def test_two_clients_converge_and_the_last_leaving_flushes_to_postgres(room, settings_for):
    settings = settings_for()
    async with live_server(settings) as base_url:
        engine = engine_of(settings)
        first = await YClient.open(base_url, room.doc, await room.token(room.interviewer))
        second = await YClient.open(base_url, room.doc, await room.token(room.candidate))
        await synced(first, second)
        await first.type("def solve():\n")
        await wait_for(lambda: str(second) == "def solve():\n", what="first edit relayed")
        await second.type("    return 42\n")
        await wait_for(lambda: str(first).endswith("42\n"), what="second edit relayed")
        await first.type("# answer\n", at=0)
        expected = "# answer\ndef solve():\n    return 42\n"
        await wait_for(lambda: str(first) == str(second) == expected, what="convergence")
        assert await document_text(engine, room.doc) == expected
        assert await document_text(engine, room.document_id) == expected

        await first.close()
        await second.close()
        await wait_for(lambda: released(engine), what="release")
        assert not engine.rooms
        snapshot, through, updates = await room.stored()
        assert text_of_updates([snapshot]) == expected
        assert through == updates[-1]["stream_id"]
        assert [u["author_id"] for u in updates] == [
            room.interviewer.id,
            room.candidate.id,
            room.interviewer.id,
        ]
        assert text_of_updates([u["update"] for u in updates]) == expected
        assert await engine.stream.read_after(room.doc, START) == []

    # a fresh node loads it from PostgreSQL
    fresh = settings_for()
    async with live_server(fresh) as base_url:
        client = await YClient.open(base_url, room.doc, await room.token(room.observer, False))
        await synced(client)
        assert str(client) == expected
        await client.close()


async def test_a_client_reconnecting_with_offline_edits_sends_them_once(room, settings_for):
    settings = settings_for(collab_compact_interval_s=60)
    async with live_server(settings) as base_url:
        engine = engine_of(settings)
        token = await room.token(room.candidate)
        client = await YClient.open(base_url, room.doc, token)
        await synced(client)
        await client.type("print(1)\n")
        await wait_for(lambda: engine.documents and engine.documents[room.doc].text())
        await client.close()
        with client.doc.transaction():
            del client.text[0:5]  # "(1)\n" left; an edit made while offline
        again = await YClient.open(base_url, room.doc, token, doc=client.doc)
        await synced(again)
        await wait_for(lambda: engine.documents[room.doc].text() == "(1)\n", what="offline edit")
        # reconnecting once more with nothing new adds no entry (its step 2 repeats deletions)
        await again.close()
        third = await YClient.open(base_url, room.doc, token, doc=again.doc)
        await synced(third)
        await asyncio.sleep(0.3)
        entries = await engine.stream.read_after(room.doc, START)
        assert len(entries) == 2
        await third.close()


async def test_read_only_writes_are_dropped_but_they_see_everything(room, settings_for):
    settings = settings_for()
    async with live_server(settings) as base_url:
        engine = engine_of(settings)
        writer = await YClient.open(base_url, room.doc, await room.token(room.interviewer))
        reader = await YClient.open(base_url, room.doc, await room.token(room.observer, False))
        await synced(writer, reader)
        await reader.type("NOPE")
        await writer.type("hello")
        await wait_for(lambda: "hello" in str(reader), what="the reader sees the writer")
        await asyncio.sleep(0.3)
        assert str(writer) == "hello"
        assert engine.documents[room.doc].text() == "hello"
        # awareness (cursor presence) of a read-only participant is relayed
        await reader.announce({"user": {"name": "Observer"}})
        await wait_for(lambda: reader.doc.client_id in writer.others(), what="reader's cursor")
        await writer.close()
        await reader.close()
        await wait_for(lambda: released(engine), what="release")
        _, _, updates = await room.stored()
        assert [u["author_id"] for u in updates] == [room.interviewer.id]


async def test_locked_editor_and_ended_room_are_read_only_as_they_change(room, settings_for):
    settings = settings_for(collab_compact_interval_s=60)
    async with live_server(settings) as base_url:
        engine = engine_of(settings)
        interviewer = await YClient.open(base_url, room.doc, await room.token(room.interviewer))
        candidate = await YClient.open(base_url, room.doc, await room.token(room.candidate))
        await synced(interviewer, candidate)
        await candidate.type("a")
        await wait_for(lambda: str(interviewer) == "a", what="candidate writes")

        await room.execute("UPDATE rooms SET editor_locked = true WHERE id = $1", room.id)
        await notify_room_changed(engine.bus, room.id)
        await wait_for(lambda: engine.rooms[room.id].editor_locked, what="lock seen")
        await candidate.type("b")
        await interviewer.type("c", at=0)
        await wait_for(lambda: str(candidate) == "cab", what="candidate sees the interviewer")
        await asyncio.sleep(0.3)
        assert str(interviewer) == "ca"

        # unlocked: what the candidate typed meanwhile arrives (the server asks for it)
        await room.execute("UPDATE rooms SET editor_locked = false WHERE id = $1", room.id)
        await notify_room_changed(engine.bus, room.id)
        await wait_for(lambda: str(interviewer) == "cab", what="resync after unlock")
        await candidate.type("d")
        await wait_for(lambda: str(interviewer) == "cabd", what="candidate writes again")

        await room.execute("UPDATE rooms SET status = 'ended' WHERE id = $1", room.id)
        await notify_room_changed(engine.bus, room.id)
        await wait_for(lambda: engine.rooms[room.id].status == "ended", what="end seen")
        await interviewer.type("e")
        await candidate.type("f")
        await asyncio.sleep(0.3)
        assert engine.documents[room.doc].text() == "cabd"
        history = await document_history(engine, room.doc)
        assert text_of_updates([h.update for h in history]) == "cabd"
        await interviewer.close()
        await candidate.close()


async def test_a_deleted_document_closes_its_connections(room, settings_for):
    settings = settings_for()
    async with live_server(settings) as base_url:
        engine = engine_of(settings)
        client = await YClient.open(base_url, room.doc, await room.token(room.interviewer))
        await synced(client)
        await room.execute("DELETE FROM room_documents WHERE id = $1", room.document_id)
        await client.type("nowhere to go")
        assert await client.closed() == (4404, "the document was deleted")
        await wait_for(lambda: room.doc not in engine.documents, what="dropped")
        assert await engine.stream.read_after(room.doc, START) == []
        await client.close()


async def test_tokens_and_origins_are_checked_before_any_data(room, settings_for, make_account):
    settings = settings_for()
    other = await add_room(room.database_url, make_account)
    async with live_server(settings) as base_url:
        cases = [
            (room.doc, None, 4401),
            (room.doc, "", 4401),
            (room.doc, "forged-token", 4401),
            (room.doc, await room.token(room.candidate, ttl_s=-1), 4401),
            (other.doc, await room.token(room.candidate), 4403),
            (f"{room.id}/missing.py", await room.token(room.candidate), 4403),
        ]
        for doc_name, token, code in cases:
            client = await YClient.open(base_url, doc_name, token)
            assert (await client.closed())[0] == code, (doc_name, token)
            assert client.received == 0
            await client.close()
        client = await YClient.open(
            base_url,
            room.doc,
            await room.token(room.candidate),
            headers={"Origin": "https://evil.example"},
        )
        assert await client.closed() == (4403, "origin not allowed")
        await client.close()


async def test_editor_tokens_stay_out_of_the_log(room, make_settings, caplog):
    caplog.set_level(logging.INFO)
    async with live_server(make_settings(judge_workers=0)) as base_url:
        token = await room.token(room.candidate)
        client = await YClient.open(base_url, room.doc, token)
        await synced(client)
        await client.close()
    lines = [record.getMessage() for record in caplog.records]
    assert any("WebSocket /yjs/" in line and "token=***" in line for line in lines)
    assert not [line for line in lines if token in line]


async def test_a_malformed_message_closes_only_that_connection(room, settings_for):
    settings = settings_for()
    async with live_server(settings) as base_url:
        good = await YClient.open(base_url, room.doc, await room.token(room.interviewer))
        await synced(good)
        token = await room.token(room.candidate)
        for payload, code in (
            (b"\x00\x09\x00", 1002),
            (b"\x00\x02\x03\xff\xff\xff", 1002),  # not a Yjs update
            (b"\x00\x00\x04\xff\xff\xff\xff", 1002),  # not a state vector
            (wire.awareness_message(b"\x01\x01\x01\x03{x}"), 1002),  # state is not JSON
            (wire.sync_update(b"\x00" * (1024 * 1024 + 1)), 1009),
        ):
            bad = await YClient.open(base_url, room.doc, token)
            await synced(bad)
            await bad.ws.send_bytes(payload)
            assert (await bad.closed())[0] == code, payload[:8]
            await bad.close()
        bad = await YClient.open(base_url, room.doc, token)
        await bad.ws.send_str("hello")
        assert (await bad.closed())[0] == 1003
        await bad.close()
        await good.type("still here")
        other = await YClient.open(base_url, room.doc, token)
        await synced(other)
        await wait_for(lambda: str(other) == "still here", what="node still serving")
        await good.close()
        await other.close()


async def test_awareness_is_sent_on_connect_and_answers_queries(room, settings_for):
    async with live_server(settings_for()) as base_url:
        ann = await YClient.open(base_url, room.doc, await room.token(room.interviewer))
        await ann.announce({"user": {"name": "Ann"}})
        await wait_for(lambda: ann.awareness_updates, what="the sender's own echo")
        bob = await YClient.open(base_url, room.doc, await room.token(room.candidate))
        await synced(ann, bob)
        # the newcomer is sent the states already there
        await wait_for(lambda: ann.doc.client_id in bob.others(), what="state on connect")
        assert bob.others()[ann.doc.client_id] == {"user": {"name": "Ann"}}
        # query awareness is answered with every state
        before = len(bob.awareness_updates)
        await bob.ws.send_bytes(wire.query_awareness_message())
        await wait_for(lambda: len(bob.awareness_updates) > before, what="query answered")
        answer = Awareness(Doc())
        answer.apply_awareness_update(bob.awareness_updates[-1], "query")
        assert answer.states[ann.doc.client_id] == {"user": {"name": "Ann"}}
        # leaving removes it for the others
        await ann.close()
        await wait_for(lambda: ann.doc.client_id not in bob.others(), what="removal")
        await bob.close()


async def test_silent_awareness_states_are_swept(room, settings_for):
    async with live_server(settings_for(collab_awareness_timeout_s=1.0)) as base_url:
        ann = await YClient.open(base_url, room.doc, await room.token(room.interviewer))
        await ann.announce({"user": {"name": "Ann"}})
        bob = await YClient.open(base_url, room.doc, await room.token(room.candidate))
        await synced(ann, bob)
        await wait_for(lambda: ann.doc.client_id in bob.others(), what="state on connect")
        # Ann stays connected but never renews her state: it is removed for everyone
        await wait_for(lambda: ann.doc.client_id not in bob.others(), 4, what="sweep")
        # a renewal brings it back
        await ann.announce({"user": {"name": "Ann"}, "cursor": 3})
        await wait_for(lambda: ann.doc.client_id in bob.others(), what="renewed")
        await ann.close()
        await bob.close()


async def test_awareness_is_relayed_in_batches_that_end_on_the_newest_state(room, settings_for):
    async with live_server(settings_for(collab_awareness_batch_ms=250)) as base_url:
        ann = await YClient.open(base_url, room.doc, await room.token(room.interviewer))
        bob = await YClient.open(base_url, room.doc, await room.token(room.candidate))
        await synced(ann, bob)
        await ann.announce({"user": {"name": "Ann"}, "cursor": 0})
        await wait_for(lambda: ann.doc.client_id in bob.others(), what="the first state")
        before = len(bob.awareness_updates)
        # a cursor dragged across a line: 60 moves, one every 10 ms
        started = time.monotonic()
        for cursor in range(1, 61):
            await ann.announce({"user": {"name": "Ann"}, "cursor": cursor})
            await asyncio.sleep(0.01)
        took = time.monotonic() - started
        await wait_for(
            lambda: bob.others().get(ann.doc.client_id, {}).get("cursor") == 60,
            what="the last cursor position",
        )
        await asyncio.sleep(0.6)  # anything still queued would arrive by now
        messages = len(bob.awareness_updates) - before
        # at most one batch per 250 ms while the moves came, and the one after them
        assert 1 <= messages <= int(took / 0.25) + 2, (messages, took)
        assert bob.others()[ann.doc.client_id] == {"user": {"name": "Ann"}, "cursor": 60}
        # the sender gets the same batches: its echo, which keeps its provider from timing out
        echoed = Awareness(Doc())
        for update in ann.awareness_updates:
            echoed.apply_awareness_update(update, "server")
        assert echoed.states[ann.doc.client_id]["cursor"] == 60
        await ann.close()
        await wait_for(lambda: ann.doc.client_id not in bob.others(), what="removal")
        await bob.close()


# -- several nodes --------------------------------------------------------------------------


async def test_clients_on_two_nodes_converge_with_awareness_and_its_removal(room, make_settings):
    one = make_settings(node_name="node-1", collab_release_grace_s=0.3, judge_workers=0)
    two = make_settings(node_name="node-2", collab_release_grace_s=0.3, judge_workers=0)
    async with live_server(one) as url_one, live_server(two) as url_two:
        ann = await YClient.open(url_one, room.doc, await room.token(room.interviewer))
        await synced(ann)
        await ann.announce({"user": {"name": "Ann"}})
        await ann.type("x = 1\n")
        bob = await YClient.open(url_two, room.doc, await room.token(room.candidate))
        await synced(bob)
        await wait_for(lambda: str(bob) == "x = 1\n", what="load on node 2")
        # node 2 asked node 1 who is there when it opened the document
        await wait_for(lambda: ann.doc.client_id in bob.others(), what="awareness across nodes")
        await bob.announce({"user": {"name": "Bob"}})
        await wait_for(lambda: bob.doc.client_id in ann.others(), what="awareness back")

        # both type at once, in many small edits
        async def burst(client: YClient, mark: str) -> None:
            for n in range(30):
                await client.type(f"{mark}{n};", at=0 if n % 2 else None)
                await asyncio.sleep(0.005)

        await asyncio.gather(burst(ann, "a"), burst(bob, "b"))
        await wait_for(lambda: str(ann) == str(bob), what="convergence across nodes")
        final = str(ann)
        assert all(f"a{n};" in final and f"b{n};" in final for n in range(30))

        # Ann's connection drops without a goodbye: node 1 removes her state, node 2 learns it
        await ann.ws.close()
        await wait_for(lambda: ann.doc.client_id not in bob.others(), what="removal across nodes")
        assert bob.doc.client_id in bob.awareness.states
        await bob.close()
        await ann.close()
        await wait_for(
            lambda: released(engine_of(one)) and released(engine_of(two)),
            what="both released",
        )
        snapshot, _, updates = await room.stored()
        assert text_of_updates([snapshot]) == final
        assert len(updates) == 61

    three = make_settings(node_name="node-3")
    async with live_server(three) as url_three:
        assert await document_text(engine_of(three), room.doc) == final
        client = await YClient.open(url_three, room.doc, await room.token(room.observer, False))
        await synced(client)
        assert str(client) == final
        await client.close()


async def test_a_crowd_acting_at_once_is_seen_whole_on_another_node(room, make_settings):
    """More clients than a Redis pool holds connections type and announce at the same moment."""
    one = make_settings(node_name="node-1", judge_workers=0)
    two = make_settings(node_name="node-2", judge_workers=0)
    async with live_server(one) as url_one, live_server(two) as url_two:
        watcher = await YClient.open(url_two, room.doc, await room.token(room.interviewer))
        token = await room.token(room.candidate)
        crowd = [await YClient.open(url_one, room.doc, token) for _ in range(150)]
        await synced(watcher, *crowd)
        await asyncio.gather(
            *(c.announce({"user": {"name": f"p{n}"}}) for n, c in enumerate(crowd)),
            *(c.type(f"<{n}>") for n, c in enumerate(crowd)),
        )
        ids = {c.doc.client_id for c in crowd}
        await wait_for(lambda: ids <= set(watcher.others()), 10, what="every cursor")
        await wait_for(
            lambda: all(f"<{n}>" in str(watcher) for n in range(150)), 10, what="every edit"
        )
        assert all(c.close_code is None for c in crowd)
        for client in crowd:
            await client.close()
        await watcher.close()


async def test_history_compacts_first_and_replays_in_order(room, make_settings):
    one = make_settings(node_name="node-1", collab_compact_interval_s=60, judge_workers=0)
    two = make_settings(node_name="node-2", collab_compact_interval_s=60, judge_workers=0)
    async with live_server(one) as url_one, live_server(two):
        writer = await YClient.open(url_one, room.doc, await room.token(room.candidate))
        await synced(writer)
        for line in ("a = 1\n", "b = 2\n", "print(a + b)\n"):
            await writer.type(line)
        await wait_for(lambda: engine_of(one).documents[room.doc].text().endswith("b)\n"))
        # node 2 has nothing open: it reads the snapshot and the stream
        assert await document_text(engine_of(two), room.doc) == "a = 1\nb = 2\nprint(a + b)\n"
        _, _, stored = await room.stored()
        assert stored == []
        history = await document_history(engine_of(two), room.document_id)
        assert [h.author_id for h in history] == [room.candidate.id] * 3
        assert [text_of_updates([h.update for h in history[: n + 1]]) for n in range(3)] == [
            "a = 1\n",
            "a = 1\nb = 2\n",
            "a = 1\nb = 2\nprint(a + b)\n",
        ]
        assert history[0].at <= history[1].at <= history[2].at
        await writer.close()


async def test_shutdown_flushes_every_open_document(room, settings_for):
    settings = settings_for(collab_compact_interval_s=60, collab_release_grace_s=60)
    async with live_server(settings) as base_url:
        client = await YClient.open(base_url, room.doc, await room.token(room.candidate))
        await synced(client)
        await client.type("kept on shutdown")
        engine = engine_of(settings)
        await wait_for(lambda: engine.documents[room.doc].text() == "kept on shutdown")
        assert (await room.stored())[0] is None
    # the client was told the server is restarting, and the text is in PostgreSQL
    assert (await client.closed())[0] == 1012
    await client.close()
    snapshot, _, updates = await room.stored()
    assert text_of_updates([snapshot]) == "kept on shutdown"
    assert len(updates) == 1


async def test_a_failed_load_writes_nothing(room, settings_for, redis_url):
    stored = Doc()
    stored.get(TEXT_FIELD, type=Text).insert(0, "stored text")
    await room.execute(
        "UPDATE room_documents SET snapshot = $2, snapshot_through = '5-0' WHERE id = $1",
        room.document_id,
        stored.get_update(),
    )
    settings = settings_for()
    typed = Doc()
    typed.get(TEXT_FIELD, type=Text).insert(0, "would overwrite")
    async with live_server(settings) as base_url:
        engine = engine_of(settings)
        if settings_for.backend == "redis":
            # the stream cannot be read: its key holds something else
            broken = aioredis.Redis.from_url(redis_url)
            await broken.set(f"{settings.redis_prefix}yjs:{room.doc}", "not a stream")
        else:
            # PostgreSQL hands back a snapshot that is not a Yjs update
            await room.execute(
                "UPDATE room_documents SET snapshot = '\\xdeadbeef'::bytea WHERE id = $1",
                room.document_id,
            )
        before = await room.stored()
        client = await YClient.open(base_url, room.doc, await room.token(room.candidate), doc=typed)
        assert await client.closed() == (1011, "the document could not be loaded")
        assert client.received == 0
        await client.close()
        await asyncio.sleep(0.5)  # compaction and release would have run by now
        assert await room.stored() == before
        assert room.doc not in engine.documents
        if settings_for.backend == "redis":
            assert await broken.get(f"{settings.redis_prefix}yjs:{room.doc}") == b"not a stream"
            await broken.delete(f"{settings.redis_prefix}yjs:{room.doc}")
            await broken.aclose()
        else:
            assert await engine.stream.read_after(room.doc, START) == []
            await room.execute(
                "UPDATE room_documents SET snapshot = $2 WHERE id = $1",
                room.document_id,
                stored.get_update(),
            )
        # once the fault is gone the stored text loads as it was
        reader = await YClient.open(base_url, room.doc, await room.token(room.observer, False))
        await synced(reader)
        assert str(reader) == "stored text"
        await reader.close()
    assert (await room.stored())[0] == stored.get_update()


async def test_a_stream_left_by_a_dead_node_is_compacted_by_another(room, make_settings):
    settings = make_settings(collab_compact_interval_s=0.2, judge_workers=0)
    update_doc = Doc()
    update_doc.get(TEXT_FIELD, type=Text).insert(0, "left behind")
    # what a node that died would leave: an entry in the stream nobody has open
    dead = RedisUpdateStream(settings.redis_url, settings.redis_prefix, "dead-node")
    await dead.append(room.doc, update_doc.get_update(), str(room.candidate.id), "dead-node", 0)
    await dead.close()
    async with live_server(settings):
        deadline = asyncio.get_running_loop().time() + 10
        while (await room.stored())[0] is None:
            assert asyncio.get_running_loop().time() < deadline, "orphan not compacted"
            await asyncio.sleep(0.1)
    snapshot, _, updates = await room.stored()
    assert text_of_updates([snapshot]) == "left behind"
    assert [u["author_id"] for u in updates] == [room.candidate.id]


async def test_a_killed_node_loses_nothing_it_had_appended(room, make_settings, tmp_path):
    """SIGKILL a real `sobes serve` while a client types into it; everything that node had
    appended to the stream is there for the other nodes, and the client's reconnect to
    another node brings the rest."""
    base = make_settings()
    env = sobes_env(
        DATABASE_URL=base.database_url,
        REDIS_URL=base.redis_url,
        SOBES_REDIS_PREFIX=base.redis_prefix,
        SOBES_DATA_DIR=str(tmp_path / "var"),
        SOBES_NODE_NAME="doomed",
        SOBES_JUDGE_WORKERS="0",
        SOBES_MIGRATE_ON_START="false",
        SOBES_COLLAB_COMPACT_INTERVAL_S="60",
    )
    doomed = start_sobes(env, tmp_path / "doomed.log")
    survivor = make_settings(node_name="survivor", collab_compact_interval_s=60, judge_workers=0)
    try:
        async with live_server(survivor) as survivor_url:
            token = await room.token(room.candidate)
            typist = await YClient.open(doomed.url, room.doc, token)
            watcher = await YClient.open(survivor_url, room.doc, await room.token(room.observer))
            await synced(typist, watcher)
            typed = []

            async def type_until_cut() -> None:
                for n in range(10_000):
                    if typist.ws.closed:
                        return
                    chars = f"{n},"
                    try:
                        await typist.type(chars)
                    except (ConnectionError, RuntimeError):
                        return
                    typed.append(chars)
                    await asyncio.sleep(0.003)

            typing = asyncio.create_task(type_until_cut())
            await wait_for(lambda: len(str(watcher)) > 60, 10, what="typing reaches node 2")
            doomed.stop(signal.SIGKILL)
            await asyncio.wait_for(typing, 10)
            await typist.closed()
            seen_by_watcher = str(watcher)

            # what the dead node acknowledged = what it appended to the stream
            redis = aioredis.Redis.from_url(base.redis_url)
            entries = await redis.xrange(f"{base.redis_prefix}yjs:{room.doc}")
            await redis.aclose()
            _, _, compacted = await room.stored()
            acknowledged = text_of_updates(
                [u["update"] for u in compacted] + [fields[b"update"] for _, fields in entries]
            )
            everything = str(typist)  # what was typed, sent or not
            assert everything.startswith("".join(typed))
            assert everything.startswith(acknowledged)
            assert acknowledged.startswith(seen_by_watcher) and len(acknowledged) > 60
            await wait_for(lambda: str(watcher) == acknowledged, what="watcher has all appended")

            # a node that never had the document loads every acknowledged update
            async with live_server(make_settings(node_name="fresh")) as fresh_url:
                fresh = await YClient.open(fresh_url, room.doc, await room.token(room.observer))
                await synced(fresh)
                assert str(fresh) == acknowledged
                await fresh.close()

            # the typist reconnects elsewhere with its own copy: nothing it typed is lost
            again = await YClient.open(survivor_url, room.doc, token, doc=typist.doc)
            await synced(again)
            await wait_for(lambda: str(watcher) == everything, what="typist's rest arrives")
            await again.close()
            await typist.close()
            await watcher.close()
        snapshot, _, _ = await room.stored()
        assert text_of_updates([snapshot]) == everything
    finally:
        doomed.stop(signal.SIGKILL)
