"""The y-websocket wire protocol (y-protocols' sync and awareness messages, lib0 framing).

One WebSocket binary message is one protocol message: a varuint message type, then

- ``0`` sync: a varuint sync type (``0`` step 1 with a state vector, ``1`` step 2 with an update,
  ``2`` update) and a varuint-length byte array;
- ``1`` awareness: a varuint-length byte array holding an awareness update;
- ``3`` query awareness: nothing more (the answer is every known awareness state).

Numbers are lib0 varuints: 7 bits per byte, least significant first, the high bit set on every
byte but the last. Unlike pycrdt's own ``Decoder``, the reader here checks every length against
the buffer, so a truncated or hostile message raises ``ProtocolError`` instead of reading garbage.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

# lib0 reads varuints into JavaScript numbers, which are exact up to 2**53.
_MAX_VARUINT = 2**53 - 1


class ProtocolError(ValueError):
    """A message that does not follow the protocol: the connection that sent it is closed."""


class MessageType(IntEnum):
    SYNC = 0
    AWARENESS = 1
    AUTH = 2
    QUERY_AWARENESS = 3


class SyncType(IntEnum):
    STEP1 = 0
    STEP2 = 1
    UPDATE = 2


def write_var_uint(number: int) -> bytes:
    out = bytearray()
    while number > 0x7F:
        out.append(0x80 | (number & 0x7F))
        number >>= 7
    out.append(number)
    return bytes(out)


def write_var_bytes(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


class Reader:
    """Reads lib0-encoded values from one buffer, refusing to run past its end."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def var_uint(self) -> int:
        value = 0
        shift = 0
        while True:
            if self.pos >= len(self.data):
                raise ProtocolError("truncated number")
            byte = self.data[self.pos]
            self.pos += 1
            value |= (byte & 0x7F) << shift
            if value > _MAX_VARUINT:
                raise ProtocolError("number out of range")
            if byte < 0x80:
                return value
            shift += 7

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        if length > self.remaining:
            raise ProtocolError("truncated byte array")
        value = self.data[self.pos : self.pos + length]
        self.pos += length
        return value

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("string is not UTF-8") from exc


@dataclass(frozen=True)
class Message:
    """One parsed message: its type, the sync type for sync messages, and its payload."""

    type: int
    sync_type: SyncType | None = None
    payload: bytes = b""


def parse_message(data: bytes) -> Message:
    """The message in ``data``; raises ``ProtocolError`` if it is malformed.

    Unknown message types parse (with an empty payload) so that the caller can ignore them,
    as the reference server does.
    """
    if not data:
        raise ProtocolError("empty message")
    reader = Reader(data)
    kind = reader.var_uint()
    if kind == MessageType.SYNC:
        sync_type = reader.var_uint()
        if sync_type not in (SyncType.STEP1, SyncType.STEP2, SyncType.UPDATE):
            raise ProtocolError(f"unknown sync message type {sync_type}")
        return Message(kind, SyncType(sync_type), reader.var_bytes())
    if kind == MessageType.AWARENESS:
        return Message(kind, None, reader.var_bytes())
    return Message(kind)


def sync_step1(state_vector: bytes) -> bytes:
    return bytes([MessageType.SYNC, SyncType.STEP1]) + write_var_bytes(state_vector)


def sync_step2(update: bytes) -> bytes:
    return bytes([MessageType.SYNC, SyncType.STEP2]) + write_var_bytes(update)


def sync_update(update: bytes) -> bytes:
    return bytes([MessageType.SYNC, SyncType.UPDATE]) + write_var_bytes(update)


def awareness_message(update: bytes) -> bytes:
    return bytes([MessageType.AWARENESS]) + write_var_bytes(update)


def query_awareness_message() -> bytes:
    return bytes([MessageType.QUERY_AWARENESS])


class AwarenessEntry(NamedTuple):
    """One client's awareness as sent: ``state`` is its JSON text, ``"null"`` for gone.

    A tuple rather than a dataclass: a join of 1,500 clients handles millions of them.
    """

    client_id: int
    clock: int
    state: str

    @property
    def removed(self) -> bool:
        return self.state == "null"

    def encoded(self) -> bytes:
        """This entry as it appears in an encoded update."""
        return (
            write_var_uint(self.client_id)
            + write_var_uint(self.clock)
            + write_var_bytes(self.state.encode("utf-8"))
        )


def read_awareness(update: bytes) -> list[AwarenessEntry]:
    """The entries of an awareness update, their states not yet checked to be JSON.

    Most awareness messages a server receives repeat what it knows (every stock provider
    sends back each change it is told of), so the JSON check is left to the entries that are
    accepted (``check_awareness_state``).
    """
    reader = Reader(update)
    count = reader.var_uint()
    if count > len(update):
        raise ProtocolError("awareness update claims more entries than it holds")
    entries = []
    for _ in range(count):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        entries.append(AwarenessEntry(client_id, clock, reader.var_string()))
    return entries


def check_awareness_state(entry: AwarenessEntry) -> None:
    """Every state relayed must be valid JSON, since each browser that receives it parses it
    (one bad state would break every other client's provider)."""
    try:
        json.loads(entry.state)
    except ValueError as exc:
        raise ProtocolError("awareness state is not JSON") from exc


def decode_awareness(update: bytes) -> list[AwarenessEntry]:
    """The entries of an awareness update, every state checked to be JSON."""
    entries = read_awareness(update)
    for entry in entries:
        check_awareness_state(entry)
    return entries


def encode_awareness(entries: Iterable[AwarenessEntry]) -> bytes:
    return encode_awareness_parts([entry.encoded() for entry in entries])


def encode_awareness_parts(parts: list[bytes]) -> bytes:
    """An update from entries encoded beforehand (``AwarenessEntry.encoded``)."""
    return write_var_uint(len(parts)) + b"".join(parts)


def decode_state_vector(state_vector: bytes) -> dict[int, int]:
    """A Yjs state vector as ``{client id: clock}``."""
    reader = Reader(state_vector)
    count = reader.var_uint()
    if count > len(state_vector):
        raise ProtocolError("state vector claims more entries than it holds")
    clocks = {}
    for _ in range(count):
        client_id = reader.var_uint()
        clocks[client_id] = reader.var_uint()
    return clocks
