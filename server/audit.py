"""The audit log: who did what to whom, when and from where."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg


async def record(
    conn: asyncpg.Connection,
    action: str,
    *,
    actor_id: uuid.UUID | None = None,
    subject_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    target: str | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one event; call it inside the transaction of the change it describes."""
    await conn.execute(
        """
        INSERT INTO audit_log (action, actor_id, subject_id, organisation_id, target, ip, details)
        VALUES ($1, $2, $3, $4, $5, $6::inet, $7)
        """,
        action,
        actor_id,
        subject_id,
        organisation_id,
        target,
        ip,
        details or {},
    )


def _event_json(row: asyncpg.Record) -> dict[str, Any]:
    actor = None
    if row["actor_id"] is not None:
        actor = {"id": str(row["actor_id"]), "email": row["actor_email"]}
    return {
        "id": row["id"],
        "at": row["at"].isoformat(),
        "actor": actor,
        "action": row["action"],
        "target": row["target"],
        "ip": row["ip"],
        "details": row["details"],
    }


_SELECT = """
    SELECT a.id, a.at, a.actor_id, actor.email AS actor_email, a.action, a.target,
           host(a.ip) AS ip, a.details
    FROM audit_log a LEFT JOIN users actor ON actor.id = a.actor_id
"""


async def for_organisation(
    conn: asyncpg.Connection, organisation_id: uuid.UUID, limit: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        _SELECT + " WHERE a.organisation_id = $1 ORDER BY a.id DESC LIMIT $2",
        organisation_id,
        limit,
    )
    return [_event_json(row) for row in rows]


async def for_subject(
    conn: asyncpg.Connection, subject_id: uuid.UUID, limit: int
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        _SELECT + " WHERE a.subject_id = $1 ORDER BY a.id DESC LIMIT $2", subject_id, limit
    )
    return [_event_json(row) for row in rows]
