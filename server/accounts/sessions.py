"""Sign-in sessions: a random token in an HTTP-only cookie, only its SHA-256 in the database."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from server.accounts.users import USER_COLUMNS, User

COOKIE_NAME = "sobes_session"
# last_seen_at is refreshed at most this often, so most requests only read.
_TOUCH_INTERVAL = "60 seconds"


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class SignedIn:
    """The user behind a request and the session they signed in with."""

    user: User
    session_id: uuid.UUID


@dataclass(frozen=True)
class NewSession:
    token: str
    session_id: uuid.UUID
    expires_at: datetime


async def create_session(
    conn: asyncpg.Connection,
    user_id: uuid.UUID,
    *,
    ttl_s: int,
    ip: str | None,
    user_agent: str | None,
) -> NewSession:
    token = secrets.token_urlsafe(32)
    row = await conn.fetchrow(
        """
        INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent)
        VALUES ($1, $2, now() + make_interval(secs => $3), $4::inet, $5)
        RETURNING id, expires_at
        """,
        token_hash(token),
        user_id,
        float(ttl_s),
        ip,
        (user_agent or "")[:400] or None,
    )
    assert row is not None
    return NewSession(token=token, session_id=row["id"], expires_at=row["expires_at"])


# Only constant SQL fragments are interpolated here.
RESOLVE_QUERY = f"""
    WITH touched AS (
        UPDATE sessions SET last_seen_at = now()
        WHERE token_hash = $1 AND expires_at > now()
          AND last_seen_at < now() - interval '{_TOUCH_INTERVAL}'
        RETURNING id
    )
    SELECT s.id AS session_id, {USER_COLUMNS}
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN organisations o ON o.id = u.organisation_id
    WHERE s.token_hash = $1 AND s.expires_at > now() AND u.is_active
"""


async def resolve(conn: asyncpg.Connection, token: str | None) -> SignedIn | None:
    """The active user behind ``token`` in one query, or ``None``."""
    if not token or len(token) > 128:
        return None
    row = await conn.fetchrow(RESOLVE_QUERY, token_hash(token))
    if row is None:
        return None
    return SignedIn(user=User.from_row(row), session_id=row["session_id"])


async def revoke_token(conn: asyncpg.Connection, token: str) -> uuid.UUID | None:
    return await conn.fetchval(
        "DELETE FROM sessions WHERE token_hash = $1 RETURNING id", token_hash(token)
    )


async def revoke(conn: asyncpg.Connection, user_id: uuid.UUID, session_id: uuid.UUID) -> bool:
    deleted = await conn.fetchval(
        "DELETE FROM sessions WHERE id = $1 AND user_id = $2 RETURNING id", session_id, user_id
    )
    return deleted is not None


async def revoke_all(conn: asyncpg.Connection, user_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await conn.fetch("DELETE FROM sessions WHERE user_id = $1 RETURNING id", user_id)
    return [row["id"] for row in rows]


async def list_sessions(
    conn: asyncpg.Connection, user_id: uuid.UUID, current: uuid.UUID
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT id, created_at, last_seen_at, expires_at, host(ip) AS ip, user_agent
        FROM sessions WHERE user_id = $1 AND expires_at > now()
        ORDER BY last_seen_at DESC
        """,
        user_id,
    )
    return [
        {
            "id": str(row["id"]),
            "created_at": row["created_at"].isoformat(),
            "last_seen_at": row["last_seen_at"].isoformat(),
            "expires_at": row["expires_at"].isoformat(),
            "ip": row["ip"],
            "user_agent": row["user_agent"],
            "current": row["id"] == current,
        }
        for row in rows
    ]


async def delete_expired(conn: asyncpg.Connection) -> int:
    status = await conn.execute("DELETE FROM sessions WHERE expires_at <= now()")
    return int(status.split()[-1])
