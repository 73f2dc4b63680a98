"""One open document on one node: its pycrdt ``Doc``, its local connections and awareness.

Every local connection of a document shares this instance. What a writable client sends is
appended to the stream first and only then applied here and relayed to the other local
connections; other nodes get it by reading the stream (``CollabEngine``'s reader), and apply
it through ``apply_remote``. The ``Doc`` is a cache of the stream and the snapshot: it is never
written anywhere itself.

Awareness is relayed in batches. Every client announces itself on connect and renews every
15 s, and each announcement goes to every client of the document: relayed one by one, N
clients joining cost N^2 messages, which at 1,500 clients kept a node busy for half a minute.
So accepted entries are gathered per document (the newest per client id) and sent as one
message to each connection and one to the other nodes: at once when nothing went out in the
last ``collab_awareness_batch_ms``, else when that interval ends. A lone cursor move goes out
on the next loop turn; under a storm each connection gets at most one awareness message per
interval. Every stock provider sends each batch straight back (y-websocket relays any change
of its awareness, remote ones included), so the last batches are remembered as sent and an
echo of one is dropped at sight instead of being decoded once per client.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING

from pycrdt import Doc, Text, get_state, merge_updates

from server.collab import protocol
from server.collab.awareness import AwarenessTable
from server.collab.connection import MAX_AWARENESS_BYTES, CloseCode, Connection
from server.collab.protocol import MessageType, ProtocolError, SyncType
from server.collab.stream import START, StreamEntry, later, parse_id

if TYPE_CHECKING:
    from server.collab.engine import CollabEngine

log = logging.getLogger("sobes.collab")

# y-codemirror.next binds ``ydoc.getText('codemirror')`` by convention.
TEXT_FIELD = "codemirror"
EMPTY_UPDATE = b"\x00\x00"
# awareness batches remembered to recognise their echoes (a provider echoes within a moment)
RECENT_BATCHES = 64


class MessageTooBig(ProtocolError):
    """A message over one of the size limits."""


class StreamUnavailable(Exception):
    """An update could not be appended to the stream, so it was not accepted."""


def text_of(doc: Doc) -> str:
    return str(doc.get(TEXT_FIELD, type=Text))


class Document:
    def __init__(
        self, engine: CollabEngine, name: str, document_id: uuid.UUID, room_id: uuid.UUID
    ) -> None:
        self.engine = engine
        self.name = name
        self.document_id = document_id
        self.room_id = room_id
        self.ydoc: Doc = Doc()
        self.connections: set[Connection] = set()
        self.awareness = AwarenessTable()
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # the last stream entry this instance has read (the reader continues after it)
        self.position = START
        # the last entry of ours appended (not read back yet, perhaps)
        self.committed = START
        # the last entry known to be in the PostgreSQL snapshot
        self.compacted = START
        # connections, plus handlers waiting for the load
        self.holders = 0
        # awareness entries waiting for the next batch: to relay here, and to tell other nodes
        self._relay_batch: dict[int, protocol.AwarenessEntry] = {}
        self._publish_batch: dict[int, protocol.AwarenessEntry] = {}
        self._batch_due: asyncio.Handle | None = None
        self._batch_sent = float("-inf")
        # the last batches relayed here, as encoded, to know a provider's echo of one at sight
        self._sent_updates: dict[bytes, None] = {}

    def __repr__(self) -> str:
        return f"<Document {self.name}>"

    @property
    def is_ready(self) -> bool:
        return self.ready.done() and not self.ready.cancelled() and self.ready.exception() is None

    @property
    def dirty(self) -> bool:
        return parse_id(later(self.position, self.committed)) > parse_id(self.compacted)

    def text(self) -> str:
        return text_of(self.ydoc)

    # -- connections ------------------------------------------------------------------------

    def join(self, conn: Connection) -> None:
        """Greet a new connection as the reference server does: our sync step 1 (so the client
        sends what we lack), then every awareness state we know."""
        self.connections.add(conn)
        conn.send(protocol.sync_step1(self.ydoc.get_state()))
        states = self.awareness.encoded_states()
        if states is not None:
            conn.send(protocol.awareness_message(states))

    def leave(self, conn: Connection) -> None:
        """Forget a closed connection and remove, for everyone, the awareness it announced."""
        self.connections.discard(conn)
        self._batch_awareness(self.awareness.remove_owned_by(conn), publish=True)

    def relay(self, message: bytes, exclude: Connection | None = None) -> None:
        for conn in self.connections:
            if conn is not exclude:
                conn.send(message)

    # -- messages from a local client -------------------------------------------------------

    async def receive(self, conn: Connection, data: bytes) -> None:
        message = protocol.parse_message(data)
        if message.type == MessageType.SYNC:
            if message.sync_type == SyncType.STEP1:
                conn.send(protocol.sync_step2(self._update_for(message.payload)))
                return
            await self._write(conn, message.payload, message.sync_type == SyncType.STEP2)
        elif message.type == MessageType.AWARENESS:
            self._awareness_from(conn, message.payload)
        elif message.type == MessageType.QUERY_AWARENESS:
            states = self.awareness.encoded_states() or protocol.encode_awareness([])
            conn.send(protocol.awareness_message(states))
        # Other types (auth, custom ones) are ignored, as the reference server does.

    def _update_for(self, state_vector: bytes) -> bytes:
        protocol.decode_state_vector(state_vector)
        try:
            return self.ydoc.get_update(state_vector)
        except ValueError as exc:
            raise ProtocolError("bad state vector") from exc

    async def _write(self, conn: Connection, update: bytes, is_step2: bool) -> None:
        if update == EMPTY_UPDATE:
            return
        if not self.engine.may_write(conn.grant):
            # Dropped: never applied, relayed or stored. The client keeps it locally.
            conn.dropped_writes = True
            return
        try:
            get_state(update)  # decodes the whole update: a malformed one never reaches the stream
        except ValueError as exc:
            raise ProtocolError("not a Yjs update") from exc
        if is_step2 and self._adds_nothing(update):
            return
        await self.engine.run_to_end(self._commit(conn, update))
        if conn.dropped_writes:
            # It may write again: ask for what it wrote while it could not.
            conn.dropped_writes = False
            conn.send(protocol.sync_step1(self.ydoc.get_state()))

    def _adds_nothing(self, update: bytes) -> bool:
        """True if the update only repeats deletions we have (a reconnecting client's step 2
        always carries its whole delete set). Equal merged bytes prove it; anything else is
        treated as new, which costs one redundant entry at worst."""
        try:
            deletions = self.ydoc.get_update(self.ydoc.get_state())
            return merge_updates(deletions, update) == deletions
        except ValueError:
            return False

    async def _commit(self, conn: Connection, update: bytes) -> None:
        engine = self.engine
        try:
            entry_id = await engine.stream.append(
                self.name, update, str(conn.grant.user_id), engine.instance, engine.now_ms()
            )
        except Exception as exc:
            raise StreamUnavailable(str(exc)) from exc
        self.committed = later(self.committed, entry_id)
        self._apply(update, entry_id)
        self.relay(protocol.sync_update(update), exclude=conn)

    def _apply(self, update: bytes, entry_id: str) -> bool:
        try:
            self.ydoc.apply_update(update)
        except Exception:
            log.error("could not apply entry %s to %s", entry_id, self.name, exc_info=True)
            return False
        return True

    def _awareness_from(self, conn: Connection, payload: bytes) -> None:
        if len(payload) > MAX_AWARENESS_BYTES:
            raise MessageTooBig("awareness update too big")
        if payload in self._sent_updates:
            # A stock provider sending back a batch we sent it: nothing new, by construction.
            return
        accepted = self.awareness.apply(protocol.read_awareness(payload), conn)
        # To everyone, the sender included (see AwarenessTable.apply).
        self._batch_awareness(accepted, publish=True)

    def _batch_awareness(self, entries: list[protocol.AwarenessEntry], publish: bool) -> None:
        """Queue accepted entries for the next batch (``publish``: also for other nodes).

        Keeping only the newest entry per client id loses nothing: the table accepts an
        entry only over an older clock, or as the removal of the same clock.
        """
        if not entries:
            return
        for entry in entries:
            self._relay_batch[entry.client_id] = entry
            if publish:
                self._publish_batch[entry.client_id] = entry
        if self._batch_due is None:
            loop = asyncio.get_running_loop()
            interval = self.engine.settings.collab_awareness_batch_ms / 1000
            wait = self._batch_sent + interval - loop.time()
            if wait > 0:
                self._batch_due = loop.call_later(wait, self.send_awareness_batch)
            else:
                self._batch_due = loop.call_soon(self.send_awareness_batch)

    def send_awareness_batch(self) -> None:
        """Send what is queued: one message to each local connection, one to other nodes."""
        if self._batch_due is not None:
            self._batch_due.cancel()
            self._batch_due = None
        self._batch_sent = asyncio.get_running_loop().time()
        relay, publish = self._relay_batch, self._publish_batch
        self._relay_batch, self._publish_batch = {}, {}
        if relay:
            update = protocol.encode_awareness(relay.values())
            self._sent_updates[update] = None
            if len(self._sent_updates) > RECENT_BATCHES:
                del self._sent_updates[next(iter(self._sent_updates))]
            self.relay(protocol.awareness_message(update))
        if publish:
            self.engine.publish_awareness(self, protocol.encode_awareness(publish.values()))

    # -- from other nodes ---------------------------------------------------------------------

    def apply_remote(self, entry: StreamEntry) -> None:
        if self._apply(entry.update, entry.id):
            self.relay(protocol.sync_update(entry.update))

    def awareness_from_node(self, node: str, update: bytes) -> None:
        try:
            accepted = self.awareness.apply(protocol.read_awareness(update), node)
        except ProtocolError:
            log.warning("bad awareness update from node %s for %s", node, self.name)
            return
        self._batch_awareness(accepted, publish=False)

    def local_awareness(self) -> list[protocol.AwarenessEntry]:
        return self.awareness.states(lambda owner: isinstance(owner, Connection))

    def sweep_awareness(self, silent_for_s: float) -> None:
        # Every node sweeps the states it knows, so the removals are not published.
        self._batch_awareness(self.awareness.sweep(silent_for_s), publish=False)

    def close_all(self, code: int = CloseCode.RESTART, reason: str = "server restarting") -> None:
        for conn in list(self.connections):
            conn.close(code, reason)
