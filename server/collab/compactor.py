"""Loading a document from PostgreSQL and its stream, and compacting the stream into PostgreSQL.

A document's durable state is ``room_documents.snapshot`` (every update up to and including
stream entry ``snapshot_through``, merged) plus the stream entries after ``snapshot_through``.

**Compaction** moves entries out of the stream, in one PostgreSQL transaction: it locks the
document's row (``FOR UPDATE``), reads the entries after the row's ``snapshot_through``, applies
them to the stored snapshot, inserts every entry into ``room_updates`` (``ON CONFLICT DO
NOTHING``) and stores the new snapshot with the last entry's id. Only after the commit does it
trim the stream up to that id. So an entry is always in the stream, in PostgreSQL, or both;
and two compactions at once (a lease that expired under a stalled node) are harmless: the row
lock serialises them, and the second one finds only what the first left.

**Loading** reads the snapshot, then the stream after its ``snapshot_through``, then checks
``snapshot_through`` again: if a compaction committed meanwhile, the entries it trimmed before
the stream was read are in the newer snapshot, which is applied as well (Yjs updates are
idempotent). A load that fails at any step raises and leaves nothing behind; loading never
writes.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import NamedTuple

import asyncpg
from pycrdt import Doc

from server.collab.stream import START, StreamEntry, UpdateStream, later
from server.storage.database import Database

log = logging.getLogger("sobes.collab")

COMPACT_BATCH = 2000
_LOAD_BATCH = 5000


class DocumentGone(Exception):
    """No document of that name exists (any more)."""


class HistoryEntry(NamedTuple):
    stream_id: str
    at: datetime
    author_id: uuid.UUID | None
    update: bytes


def _apply_entries(doc: Doc, name: str, entries: list[StreamEntry]) -> list[StreamEntry]:
    """Apply each entry; one that cannot be applied (it was checked when it was appended, so
    this is not expected) is logged and left out rather than blocking the document for ever."""
    applied = []
    for entry in entries:
        try:
            doc.apply_update(entry.update)
        except Exception:
            log.error("skipping stream entry %s of %s: not a Yjs update", entry.id, name)
            continue
        applied.append(entry)
    return applied


async def load(db: Database, stream: UpdateStream, name: str, into: Doc) -> tuple[str, str]:
    """Fill ``into`` with document ``name``'s durable state.

    Returns ``(position, snapshot_through)``: the last stream id included, from which a reader
    goes on, and the snapshot's own. Raises on any failure of PostgreSQL, the stream, or a
    stored snapshot that is not a Yjs update.
    """
    row = await db.fetchrow(
        "SELECT snapshot, snapshot_through FROM room_documents WHERE name = $1", name
    )
    if row is None:
        raise DocumentGone(name)
    through = row["snapshot_through"] or START
    if row["snapshot"] is not None:
        into.apply_update(row["snapshot"])
    entries: list[StreamEntry] = []
    after = through
    while True:
        batch = await stream.read_after(name, after, _LOAD_BATCH)
        entries.extend(batch)
        if len(batch) < _LOAD_BATCH:
            break
        after = batch[-1].id
    again = await db.fetchrow(
        "SELECT snapshot, snapshot_through FROM room_documents WHERE name = $1", name
    )
    if again is None:
        raise DocumentGone(name)
    if (again["snapshot_through"] or START) != through:
        through = again["snapshot_through"]
        into.apply_update(again["snapshot"])
    _apply_entries(into, name, entries)
    position = later(entries[-1].id, through) if entries else through
    return position, through


def _author(entry: StreamEntry) -> uuid.UUID | None:
    try:
        return uuid.UUID(entry.author) if entry.author else None
    except ValueError:
        return None


async def compact(
    db: Database,
    stream: UpdateStream,
    name: str,
    between_batches: Callable[[], Awaitable[object]] | None = None,
) -> str | None:
    """Merge document ``name``'s stream into PostgreSQL; returns the new ``snapshot_through``,
    or ``None`` if the document no longer exists (its stream is then deleted)."""
    while True:
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "SELECT id, snapshot, snapshot_through FROM room_documents "
                "WHERE name = $1 FOR UPDATE",
                name,
            )
            if row is None:
                await stream.forget(name)
                return None
            through = row["snapshot_through"] or START
            entries = await stream.read_after(name, through, COMPACT_BATCH)
            if entries:
                await _store(conn, name, row, entries)
        await stream.trim_through(name, entries[-1].id if entries else through)
        if len(entries) < COMPACT_BATCH:
            return entries[-1].id if entries else through
        if between_batches is not None:
            await between_batches()


async def _store(
    conn: asyncpg.Connection, name: str, row: asyncpg.Record, entries: list[StreamEntry]
) -> None:
    doc = Doc()
    if row["snapshot"] is not None:
        # A stored snapshot that does not decode raises here: nothing is written over it.
        doc.apply_update(row["snapshot"])
    applied = _apply_entries(doc, name, entries)
    await conn.execute(
        """
        INSERT INTO room_updates (document_id, stream_id, at, author_id, update)
        SELECT $1, e.stream_id, to_timestamp(e.at_ms / 1000.0), u.id, e.update
        FROM unnest($2::text[], $3::bigint[], $4::uuid[], $5::bytea[])
             AS e (stream_id, at_ms, author_id, update)
        LEFT JOIN users u ON u.id = e.author_id
        ON CONFLICT DO NOTHING
        """,
        row["id"],
        [e.id for e in applied],
        [e.at_ms for e in applied],
        [_author(e) for e in applied],
        [e.update for e in applied],
    )
    await conn.execute(
        "UPDATE room_documents SET snapshot = $2, snapshot_through = $3, snapshot_at = now() "
        "WHERE id = $1",
        row["id"],
        doc.get_update(),
        entries[-1].id,
    )


async def stored_history(conn: asyncpg.Connection, document_id: uuid.UUID) -> list[HistoryEntry]:
    """Every compacted update of a document, in stream order."""
    rows = await conn.fetch(
        """
        SELECT stream_id, at, author_id, update FROM room_updates
        WHERE document_id = $1
        ORDER BY split_part(stream_id, '-', 1)::bigint, split_part(stream_id, '-', 2)::bigint
        """,
        document_id,
    )
    return [HistoryEntry(r["stream_id"], r["at"], r["author_id"], r["update"]) for r in rows]
