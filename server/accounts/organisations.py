"""Organisations: the companies whose staff use Sobes to hire."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg


def slugify(name: str) -> str:
    """A URL-safe, lower-case slug of an organisation's name (ASCII; others become dashes)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63].strip("-")
    return slug or "org"


async def ensure_organisation(conn: asyncpg.Connection, name: str) -> asyncpg.Record:
    """The organisation with this name's slug, created if it does not exist."""
    slug = slugify(name)
    row = await conn.fetchrow(
        """
        INSERT INTO organisations (name, slug) VALUES ($1, $2)
        ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug
        RETURNING id, name, slug, created_at
        """,
        name.strip(),
        slug,
    )
    assert row is not None
    return row


async def get_organisation(conn: asyncpg.Connection, organisation_id: uuid.UUID) -> dict[str, Any]:
    row = await conn.fetchrow(
        """
        SELECT o.id, o.name, o.slug, o.created_at,
               (SELECT count(*) FROM users u WHERE u.organisation_id = o.id) AS members_count
        FROM organisations o WHERE o.id = $1
        """,
        organisation_id,
    )
    assert row is not None
    return {
        "organisation": {
            "id": str(row["id"]),
            "name": row["name"],
            "slug": row["slug"],
            "created_at": row["created_at"].isoformat(),
        },
        "members_count": row["members_count"],
    }
