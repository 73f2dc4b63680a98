"""The collaborative editing engine of one node: its open documents and background work.

- **Documents** are opened on a node's first connection to them (snapshot plus stream tail,
  ``compactor.load``), shared by its local connections, and released a grace period after the
  last one leaves, flushed (compacted) on the way out.
- **One reader per node** blocks on the streams of all its open documents at once and applies
  other nodes' entries (its own it has applied already: entries carry the appending engine's
  instance name, unique per process even when two nodes share a ``SOBES_NODE_NAME``).
- **The compactor**: every ``collab_compact_interval_s`` each node compacts its open documents
  that have new entries, under the document's lease (``SET NX PX``, renewed between batches,
  released after), so usually one node does the work; if the holder dies the lease expires and
  the next node to try takes over. Streams that nobody has open but that still hold entries (a
  node died before flushing) are found through the pending set and compacted the same way.
  Flushes (last client gone, shutdown, history) compact at once, without waiting for the lease:
  compaction is safe to run concurrently (``server.collab.compactor``).
- **Awareness** travels between nodes over the bus (``collab.awareness``, never the stream):
  updates, removals of a closed connection's clients, and a query a node sends when it opens a
  document so others tell it who is already there. States silent for
  ``collab_awareness_timeout_s`` are swept.
- **Room state** (ended, editor locked) is cached per room and refreshed on ``rooms.changed``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import time
import uuid
from typing import Any

from pycrdt import Doc

from server.bus import Bus
from server.clock import Clock
from server.collab import compactor, protocol
from server.collab.compactor import DocumentGone, HistoryEntry
from server.collab.connection import MAX_MESSAGE_BYTES, CloseCode, Connection
from server.collab.document import Document, MessageTooBig, StreamUnavailable, text_of
from server.collab.policy import ROOMS_CHANGED, RoomState, load_room_state
from server.collab.protocol import ProtocolError
from server.collab.stream import UpdateStream, open_stream, parse_id
from server.collab.tokens import Grant, delete_expired_tokens
from server.settings import Settings
from server.storage.database import Database

log = logging.getLogger("sobes.collab")

AWARENESS_CHANNEL = "collab.awareness"
LEASE_TTL_MS = 15_000
LOAD_TIMEOUT_S = 15.0
READ_BLOCK_S = 1.0
SHUTDOWN_FLUSH_S = 8.0
ROOM_REFRESH_S = 10.0
TOKEN_SWEEP_S = 3600.0
STOP_WAIT_S = 5.0
AWARENESS_QUEUE = 10_000


class LoadFailed(Exception):
    """The document could not be loaded; its connections are closed, nothing is written."""


class CollabEngine:
    def __init__(self, settings: Settings, db: Database, bus: Bus, clock: Clock | None = None):
        self.settings = settings
        self.db = db
        self.bus = bus
        self.clock = clock or Clock()
        self.instance = f"{settings.node_name}/{uuid.uuid4().hex[:12]}"
        self.stream: UpdateStream = open_stream(settings, self.instance)
        self.documents: dict[str, Document] = {}
        self.rooms: dict[uuid.UUID, RoomState] = {}
        self.closing = False
        self._releases: dict[str, asyncio.Task[None]] = {}
        self._flushing: set[asyncio.Task[Any]] = set()
        self._room_loads: dict[uuid.UUID, asyncio.Future[None]] = {}
        self._awareness_out: asyncio.Queue[dict[str, Any]] = asyncio.Queue(AWARENESS_QUEUE)
        self._tasks: list[asyncio.Task[None]] = []
        self._chores: set[asyncio.Task[Any]] = set()
        self._commits: set[asyncio.Task[Any]] = set()

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        for work in (
            self._read_streams,
            self._compact_periodically,
            self._listen,
            self._publish_awareness,
            self._sweep,
        ):
            self._tasks.append(asyncio.create_task(work(), name=f"collab {work.__name__}"))

    async def close(self) -> None:
        """Close every connection, flush every document to PostgreSQL, stop."""
        self.closing = True
        for document in self.documents.values():
            document.close_all()
        if self._commits:
            # Updates being appended right now are applied and relayed before the flush.
            await asyncio.wait(set(self._commits), timeout=SHUTDOWN_FLUSH_S / 2)
        names = set(self.documents) | set(self._releases)
        for task in self._releases.values():
            task.cancel()  # still in their grace period: flushed below instead
        await asyncio.gather(*self._releases.values(), return_exceptions=True)
        if self._flushing:
            await asyncio.wait(set(self._flushing), timeout=SHUTDOWN_FLUSH_S / 2)
        self.documents.clear()
        deadline = time.monotonic() + SHUTDOWN_FLUSH_S
        for name in names:
            try:
                async with asyncio.timeout(max(0.1, deadline - time.monotonic())):
                    await self.flush(name)
            except Exception:
                # Nothing is lost with Redis: the stream keeps it for the next node.
                log.error("could not flush %s on shutdown", name, exc_info=True)
        await _stop([*self._tasks, *self._chores])
        await self.stream.close()

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    async def run_to_end(self, work: Any) -> None:
        """Await ``work`` but let it finish even if the caller is cancelled half-way: an update
        appended to the stream is then also applied and relayed, whatever happens to the
        connection that sent it; shutdown waits for these."""
        task = asyncio.ensure_future(work)
        self._commits.add(task)
        task.add_done_callback(self._commits.discard)
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        await asyncio.shield(task)

    def _chore(self, work: Any) -> None:
        task = asyncio.ensure_future(work)
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)

    # -- serving one connection ---------------------------------------------------------------

    async def serve(self, websocket: Any, grant: Grant) -> None:
        """Run one accepted y-websocket connection until it closes."""
        conn = Connection(websocket, grant)
        if self.closing:
            await conn.shut(CloseCode.RESTART, "server shutting down")
            return
        try:
            document = await self.acquire(grant)
        except LoadFailed:
            await conn.shut(CloseCode.SERVER_ERROR, "the document could not be loaded")
            return
        conn.start()
        document.join(conn)
        try:
            while True:
                data = await websocket.receive()
                if not isinstance(data, bytes):
                    await conn.shut(CloseCode.UNSUPPORTED_DATA, "binary messages only")
                    return
                if len(data) > MAX_MESSAGE_BYTES:
                    await conn.shut(CloseCode.TOO_BIG, "message too big")
                    return
                if not conn.admit():
                    await conn.shut(CloseCode.POLICY, "too many messages")
                    return
                await document.receive(conn, data)
        except MessageTooBig as exc:
            await conn.shut(CloseCode.TOO_BIG, str(exc))
        except ProtocolError as exc:
            log.info("closing %r: %s", conn, exc)
            await conn.shut(CloseCode.PROTOCOL_ERROR, "malformed message")
        except StreamUnavailable as exc:
            log.warning("closing %r: the stream is unavailable (%s)", conn, exc)
            await conn.shut(CloseCode.TRY_AGAIN, "try again later")
        finally:
            conn.stop()
            document.leave(conn)
            self._let_go(document)

    async def acquire(self, grant: Grant) -> Document:
        """The node's instance of the grant's document, loaded; raises ``LoadFailed``."""
        name = grant.document_name
        document = self.documents.get(name)
        if document is None:
            document = Document(self, name, grant.document_id, grant.room_id)
            self.documents[name] = document
            self._chore(self._load(document))
        document.holders += 1
        release = self._releases.pop(name, None)
        if release is not None:
            release.cancel()
        try:
            await asyncio.shield(document.ready)
            if grant.room_id not in self.rooms:
                try:
                    await self.refresh_room(grant.room_id)
                except Exception as exc:
                    raise LoadFailed(str(exc)) from exc
        except BaseException:
            self._let_go(document)
            raise
        return document

    async def _load(self, document: Document) -> None:
        try:
            async with asyncio.timeout(LOAD_TIMEOUT_S):
                position, through = await compactor.load(
                    self.db, self.stream, document.name, document.ydoc
                )
                if document.room_id not in self.rooms:
                    await self.refresh_room(document.room_id)
        except BaseException as exc:
            if not isinstance(exc, asyncio.CancelledError):
                log.error("could not load %s; closing its clients", document.name, exc_info=True)
            if self.documents.get(document.name) is document:
                del self.documents[document.name]
            document.ready.set_exception(LoadFailed(str(exc) or type(exc).__name__))
            document.ready.exception()  # retrieved: waiting handlers see it through shield
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        document.position = position
        document.compacted = through
        document.ready.set_result(None)
        await self._quietly(self.stream.wake(), "wake the stream reader")
        self._to_nodes({"doc": document.name, "node": self.instance, "query": True})

    def _let_go(self, document: Document) -> None:
        document.holders -= 1
        if document.holders > 0 or self.closing:
            return
        if self.documents.get(document.name) is not document:
            return
        previous = self._releases.pop(document.name, None)
        if previous is not None:
            previous.cancel()
        self._releases[document.name] = asyncio.create_task(self._release_later(document))

    async def _release_later(self, document: Document) -> None:
        await asyncio.sleep(self.settings.collab_release_grace_s)
        if document.holders > 0 or self.documents.get(document.name) is not document:
            return
        del self.documents[document.name]
        if self._releases.get(document.name) is asyncio.current_task():
            del self._releases[document.name]
        if not any(d.room_id == document.room_id for d in self.documents.values()):
            self.rooms.pop(document.room_id, None)
        if document.is_ready:
            flushing = asyncio.current_task()
            assert flushing is not None
            self._flushing.add(flushing)
            try:
                await self._quietly(self.flush(document.name), f"flush {document.name}")
            finally:
                self._flushing.discard(flushing)

    def may_write(self, grant: Grant) -> bool:
        state = self.rooms.get(grant.room_id)
        return state is not None and state.may_write(grant)

    async def refresh_room(self, room_id: uuid.UUID) -> None:
        """Re-read the room's state; callers at the same time share one query."""
        loading = self._room_loads.get(room_id)
        if loading is None:
            loading = asyncio.ensure_future(self._read_room(room_id))
            self._room_loads[room_id] = loading
            loading.add_done_callback(lambda _: self._room_loads.pop(room_id, None))
        await asyncio.shield(loading)

    async def _read_room(self, room_id: uuid.UUID) -> None:
        async with self.db.connection() as conn:
            state = await load_room_state(conn, room_id)
        self.rooms[room_id] = state
        for document in self.documents.values():
            if document.room_id != room_id or not document.is_ready:
                continue
            for conn in document.connections:
                if conn.dropped_writes and state.may_write(conn.grant):
                    # It may write again: ask for what it wrote while it could not.
                    conn.dropped_writes = False
                    conn.send(protocol.sync_step1(document.ydoc.get_state()))

    # -- compaction ---------------------------------------------------------------------------

    async def flush(self, name: str) -> None:
        """Compact ``name`` now, whoever holds its lease."""
        through = await compactor.compact(self.db, self.stream, name)
        self._compacted(name, through)

    async def compact_leased(self, name: str) -> bool:
        """Compact ``name`` if its lease is free; False if another node holds it."""
        if not await self.stream.acquire_lease(name, self.instance, LEASE_TTL_MS):
            return False
        try:

            async def renew() -> None:
                if not await self.stream.renew_lease(name, self.instance, LEASE_TTL_MS):
                    log.warning("lost the compaction lease of %s", name)

            through = await compactor.compact(self.db, self.stream, name, renew)
            self._compacted(name, through)
        finally:
            await self.stream.release_lease(name, self.instance)
        return True

    def _compacted(self, name: str, through: str | None) -> None:
        document = self.documents.get(name)
        if document is not None and through is None:
            # The document was deleted (its room, most likely): nothing more can be kept.
            del self.documents[name]
            document.close_all(CloseCode.GONE, "the document was deleted")
            return
        if (
            document is not None
            and through is not None
            and parse_id(through) > parse_id(document.compacted)
        ):
            document.compacted = through

    async def _compact_periodically(self) -> None:
        interval = self.settings.collab_compact_interval_s
        # a stream left alone this long has nobody compacting it
        orphan_idle_s = 5 * interval
        next_orphan_check = time.monotonic() + orphan_idle_s
        while not self.closing:
            await asyncio.sleep(interval)
            for document in list(self.documents.values()):
                if document.is_ready and document.dirty and not self.closing:
                    await self._quietly(self.compact_leased(document.name), "compact")
            if time.monotonic() >= next_orphan_check:
                next_orphan_check = time.monotonic() + orphan_idle_s
                try:
                    orphans = await self.stream.pending(orphan_idle_s)
                except Exception:
                    log.warning("could not list pending streams", exc_info=True)
                    continue
                for name in orphans:
                    if name not in self.documents and not self.closing:
                        await self._quietly(self.compact_leased(name), "compact an orphan")

    # -- the stream reader --------------------------------------------------------------------

    async def _read_streams(self) -> None:
        while not self.closing:
            positions = {
                name: document.position
                for name, document in self.documents.items()
                if document.is_ready
            }
            try:
                found = await self.stream.read_new(positions, READ_BLOCK_S)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("could not read the update streams; retrying", exc_info=True)
                await asyncio.sleep(1.0)
                continue
            for name, entry in found:
                document = self.documents.get(name)
                if document is None or not document.is_ready:
                    continue
                if parse_id(entry.id) <= parse_id(document.position):
                    continue
                document.position = entry.id
                if entry.node != self.instance:
                    document.apply_remote(entry)

    # -- the bus: awareness and room changes --------------------------------------------------

    def publish_awareness(self, document: Document, update: bytes) -> None:
        """Queue an awareness update for the other nodes; one task publishes them in order."""
        message = {
            "doc": document.name,
            "node": self.instance,
            "update": base64.b64encode(update).decode(),
        }
        self._to_nodes(message)

    def _to_nodes(self, message: dict[str, Any]) -> None:
        if self._awareness_out.full():
            # Awareness is ephemeral and clients renew it: the oldest goes first.
            self._awareness_out.get_nowait()
        self._awareness_out.put_nowait(message)

    async def _publish_awareness(self) -> None:
        while not self.closing:
            message = await self._awareness_out.get()
            await self._quietly(self.bus.publish(AWARENESS_CHANNEL, message), "relay awareness")

    async def _listen(self) -> None:
        while not self.closing:
            try:
                async with await self.bus.subscribe(AWARENESS_CHANNEL, ROOMS_CHANGED) as sub:
                    async for channel, message in sub:
                        if channel == ROOMS_CHANGED:
                            await self._room_changed(message)
                        else:
                            await self._awareness_message(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("lost the collab bus subscription; resubscribing", exc_info=True)
            await asyncio.sleep(1.0)

    async def _room_changed(self, message: dict[str, Any]) -> None:
        try:
            room_id = uuid.UUID(str(message.get("room_id")))
        except ValueError:
            return
        if room_id in self.rooms:
            await self._quietly(self.refresh_room(room_id), "refresh a room")

    async def _awareness_message(self, message: dict[str, Any]) -> None:
        node = message.get("node")
        document = self.documents.get(str(message.get("doc")))
        if node == self.instance or document is None or not document.is_ready:
            return
        if message.get("query"):
            states = document.local_awareness()
            if states:
                self.publish_awareness(document, protocol.encode_awareness(states))
            return
        try:
            update = base64.b64decode(message["update"])
        except (KeyError, ValueError, TypeError):
            return
        document.awareness_from_node(str(node), update)

    # -- housekeeping -------------------------------------------------------------------------

    async def _sweep(self) -> None:
        timeout = self.settings.collab_awareness_timeout_s
        next_tokens = time.monotonic()
        while not self.closing:
            await asyncio.sleep(min(timeout / 10, 3.0))
            for document in list(self.documents.values()):
                if document.is_ready:
                    document.sweep_awareness(timeout)
            for room_id, state in list(self.rooms.items()):
                if time.monotonic() - state.fetched >= ROOM_REFRESH_S:
                    await self._quietly(self.refresh_room(room_id), "refresh a room")
            if time.monotonic() >= next_tokens:
                next_tokens = time.monotonic() + TOKEN_SWEEP_S
                with contextlib.suppress(Exception):
                    async with self.db.connection() as conn:
                        await delete_expired_tokens(conn)

    async def _quietly(self, work: Any, what: str) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("could not %s", what, exc_info=True)

    # -- reading documents --------------------------------------------------------------------

    async def resolve(self, document: str | uuid.UUID) -> tuple[str, uuid.UUID]:
        """The name and id of a document given either."""
        if isinstance(document, uuid.UUID):
            row = await self.db.fetchrow(
                "SELECT name, id FROM room_documents WHERE id = $1", document
            )
        else:
            row = await self.db.fetchrow(
                "SELECT name, id FROM room_documents WHERE name = $1", document
            )
        if row is None:
            raise DocumentGone(str(document))
        return row["name"], row["id"]

    async def text(self, document: str | uuid.UUID) -> str:
        name, _ = await self.resolve(document)
        open_here = self.documents.get(name)
        if open_here is not None and open_here.is_ready:
            return open_here.text()
        scratch = Doc()
        await compactor.load(self.db, self.stream, name, scratch)
        return text_of(scratch)

    async def history(self, document: str | uuid.UUID) -> list[HistoryEntry]:
        name, document_id = await self.resolve(document)
        await self.flush(name)
        async with self.db.connection() as conn:
            return await compactor.stored_history(conn, document_id)


async def _stop(tasks: list[asyncio.Task[Any]]) -> None:
    """Cancel ``tasks`` and wait for them, cancelling again those still running: redis-py may
    swallow a cancellation that lands mid-command (redis/redis-py#2028), and every loop here
    also checks ``closing``."""
    pending = {task for task in tasks if not task.done()}
    deadline = time.monotonic() + STOP_WAIT_S
    while pending and time.monotonic() < deadline:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=0.5)
    if pending:
        log.warning("%d collab tasks did not stop", len(pending))
