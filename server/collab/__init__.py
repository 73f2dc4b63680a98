"""The live room's collaborative editor: a y-websocket server over pycrdt, across nodes.

Stock browser packages connect unchanged (``y-websocket`` with ``y-codemirror.next``), see
``endpoint``. Each node keeps one ``Doc`` per open document (``document``); updates go to a
stream per document (``stream``: Redis, or in-process without Redis) before anything else, every
node with the document open follows the stream, and a compactor merges it into PostgreSQL
(``compactor``). Awareness goes over the bus; room rules (ended, locked) are in ``policy``;
editor tokens in ``tokens``.

For the rest of the room: ``document_text`` and ``document_history`` read a document whether or
not any node has it open; ``notify_room_changed`` makes every node re-read a room's rules.
"""

from __future__ import annotations

import uuid
from typing import Any

from quart import Quart

from server.collab.compactor import DocumentGone, HistoryEntry
from server.collab.document import TEXT_FIELD
from server.collab.endpoint import ENGINE_KEY, blueprint, redact_tokens_in_server_log
from server.collab.engine import CollabEngine
from server.collab.policy import ROOMS_CHANGED, notify_room_changed
from server.collab.tokens import Grant, issue_token, resolve_token

# Runtime -> engine, for callers that hold the Runtime (id(), since a Runtime is not hashable).
_engines: dict[int, CollabEngine] = {}


async def open_collab(app: Quart) -> CollabEngine:
    """Start the engine of ``app`` (its database and bus must be open)."""
    redact_tokens_in_server_log()
    rt = app.extensions["sobes"]
    engine = CollabEngine(rt.settings, rt.db, rt.bus, rt.clock)
    engine.start()
    app.extensions[ENGINE_KEY] = engine
    _engines[id(rt)] = engine
    return engine


async def close_collab(app: Quart) -> None:
    """Flush every open document and stop (before the database and bus close)."""
    engine = app.extensions.pop(ENGINE_KEY, None)
    if engine is None:
        return
    _engines.pop(id(app.extensions["sobes"]), None)
    await engine.close()


def engine_of(owner: Any) -> CollabEngine:
    """The engine of a Runtime, a Quart app, or the engine itself."""
    if isinstance(owner, CollabEngine):
        return owner
    if isinstance(owner, Quart):
        return owner.extensions[ENGINE_KEY]
    return _engines[id(owner)]


async def document_text(owner: Any, document: str | uuid.UUID) -> str:
    """The current text of a document (its ``TEXT_FIELD``), by name or id, open or not."""
    return await engine_of(owner).text(document)


async def document_history(owner: Any, document: str | uuid.UUID) -> list[HistoryEntry]:
    """Every update of a document in order, ``(stream_id, at, author_id, update)``; the
    stream is compacted first, so nothing appended before the call is missing."""
    return await engine_of(owner).history(document)


__all__ = [
    "ROOMS_CHANGED",
    "TEXT_FIELD",
    "CollabEngine",
    "DocumentGone",
    "Grant",
    "HistoryEntry",
    "blueprint",
    "close_collab",
    "document_history",
    "document_text",
    "engine_of",
    "issue_token",
    "notify_room_changed",
    "open_collab",
    "resolve_token",
]
