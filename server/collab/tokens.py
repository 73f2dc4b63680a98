"""Editor tokens: what a y-websocket connection shows (``?token=``) to open a room's documents.

A token is a random secret handed to one participant (one per tab); only its SHA-256 is kept in
``room_tokens``. It names the room, the user and whether they may write at all; whether they
may write *now* also depends on the room (ended, editor locked: ``server.collab.policy``).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

import asyncpg


@dataclass(frozen=True)
class Grant:
    """Who opened a document through a valid token, and what the token allows."""

    user_id: uuid.UUID
    room_id: uuid.UUID
    document_id: uuid.UUID
    document_name: str
    can_write: bool
    full_name: str
    role: str | None  # the user's role in the room, if they are a participant


class DocumentNotInRoom(Exception):
    """The token is valid, but the document is not one of its room's."""


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def issue_token(
    conn: asyncpg.Connection,
    room_id: uuid.UUID,
    user_id: uuid.UUID,
    can_write: bool,
    ttl_s: int = 3600,
) -> str:
    """A new token for ``user_id`` in ``room_id``, valid for ``ttl_s`` seconds."""
    token = secrets.token_urlsafe(32)
    await conn.execute(
        """
        INSERT INTO room_tokens (token_hash, room_id, user_id, can_write, expires_at)
        VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))
        """,
        token_hash(token),
        room_id,
        user_id,
        can_write,
        float(ttl_s),
    )
    return token


async def resolve_token(conn: asyncpg.Connection, token: str, doc_name: str) -> Grant | None:
    """The grant of ``token`` for document ``doc_name``: ``None`` if the token is unknown or
    expired; raises ``DocumentNotInRoom`` if the token is good but the document is not its
    room's (or does not exist)."""
    if not token:
        return None
    row = await conn.fetchrow(
        """
        SELECT t.user_id, t.room_id, t.can_write, u.full_name, p.role,
               d.id AS document_id, d.room_id AS document_room_id
        FROM room_tokens t
        JOIN users u ON u.id = t.user_id
        LEFT JOIN room_participants p ON p.room_id = t.room_id AND p.user_id = t.user_id
        LEFT JOIN room_documents d ON d.name = $2
        WHERE t.token_hash = $1 AND t.expires_at > now()
        """,
        token_hash(token),
        doc_name,
    )
    if row is None:
        return None
    if row["document_id"] is None or row["document_room_id"] != row["room_id"]:
        raise DocumentNotInRoom(doc_name)
    return Grant(
        user_id=row["user_id"],
        room_id=row["room_id"],
        document_id=row["document_id"],
        document_name=doc_name,
        can_write=row["can_write"],
        full_name=row["full_name"],
        role=row["role"],
    )


async def delete_expired_tokens(conn: asyncpg.Connection) -> int:
    """Forget tokens past their expiry; returns how many."""
    status = await conn.execute("DELETE FROM room_tokens WHERE expires_at <= now()")
    return int(status.split()[-1])
