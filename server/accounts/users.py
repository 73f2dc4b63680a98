"""Users and their organisations: the queries, and the shape the API returns."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from server.accounts.roles import Role

USER_COLUMNS = """
    u.id, u.email, u.full_name, u.role, u.locale, u.is_active, u.created_at,
    o.id AS organisation_id, o.name AS organisation_name, o.slug AS organisation_slug
"""


class EmailTaken(Exception):
    """Another account already uses this e-mail address."""


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    locale: str
    is_active: bool
    created_at: datetime
    organisation_id: uuid.UUID | None
    organisation_name: str | None
    organisation_slug: str | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> User:
        return cls(
            id=row["id"],
            email=row["email"],
            full_name=row["full_name"],
            role=Role(row["role"]),
            locale=row["locale"],
            is_active=row["is_active"],
            created_at=row["created_at"],
            organisation_id=row["organisation_id"],
            organisation_name=row["organisation_name"],
            organisation_slug=row["organisation_slug"],
        )

    def to_json(self) -> dict[str, Any]:
        organisation = None
        if self.organisation_id is not None:
            organisation = {
                "id": str(self.organisation_id),
                "name": self.organisation_name,
                "slug": self.organisation_slug,
            }
        return {
            "id": str(self.id),
            "email": self.email,
            "full_name": self.full_name,
            "role": self.role.value,
            "locale": self.locale,
            "created_at": self.created_at.isoformat(),
            "organisation": organisation,
        }

    def member_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "email": self.email,
            "full_name": self.full_name,
            "role": self.role.value,
            "is_active": self.is_active,
            "created_at": self.created_at.isoformat(),
        }


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def create_user(
    conn: asyncpg.Connection,
    *,
    email: str,
    password_hash: str,
    full_name: str,
    role: Role,
    organisation_id: uuid.UUID | None,
    locale: str = "en",
) -> User:
    """Insert a user; raises ``EmailTaken`` if the address is in use."""
    try:
        user_id = await conn.fetchval(
            """
            INSERT INTO users (email, password_hash, full_name, role, organisation_id, locale)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """,
            normalise_email(email),
            password_hash,
            full_name,
            role.value,
            organisation_id,
            locale,
        )
    except asyncpg.exceptions.UniqueViolationError as exc:
        raise EmailTaken(email) from exc
    user = await get_user(conn, user_id)
    assert user is not None
    return user


async def get_user(conn: asyncpg.Connection, user_id: uuid.UUID) -> User | None:
    row = await conn.fetchrow(
        f"""
        SELECT {USER_COLUMNS}
        FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id
        WHERE u.id = $1
        """,
        user_id,
    )
    return User.from_row(row) if row else None


async def find_credentials(conn: asyncpg.Connection, email: str) -> asyncpg.Record | None:
    """``(id, password_hash, is_active)`` of the account with this e-mail, if any."""
    return await conn.fetchrow(
        "SELECT id, password_hash, is_active FROM users WHERE email = $1",
        normalise_email(email),
    )


async def set_password_hash(
    conn: asyncpg.Connection, user_id: uuid.UUID, password_hash: str
) -> None:
    await conn.execute(
        "UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1",
        user_id,
        password_hash,
    )


async def update_profile(
    conn: asyncpg.Connection,
    user_id: uuid.UUID,
    *,
    full_name: str | None = None,
    locale: str | None = None,
) -> User | None:
    await conn.execute(
        """
        UPDATE users SET full_name = COALESCE($2, full_name), locale = COALESCE($3, locale),
                         updated_at = now()
        WHERE id = $1
        """,
        user_id,
        full_name,
        locale,
    )
    return await get_user(conn, user_id)


async def list_members(conn: asyncpg.Connection, organisation_id: uuid.UUID) -> list[User]:
    rows = await conn.fetch(
        f"""
        SELECT {USER_COLUMNS}
        FROM users u JOIN organisations o ON o.id = u.organisation_id
        WHERE u.organisation_id = $1
        ORDER BY u.created_at, u.email
        """,
        organisation_id,
    )
    return [User.from_row(row) for row in rows]


async def get_member(
    conn: asyncpg.Connection, organisation_id: uuid.UUID, user_id: uuid.UUID
) -> User | None:
    user = await get_user(conn, user_id)
    if user is None or user.organisation_id != organisation_id:
        return None
    return user


async def update_member(
    conn: asyncpg.Connection,
    organisation_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    role: Role | None = None,
    is_active: bool | None = None,
) -> User | None:
    """Change a member's role or activity; ``None`` if they are not in this organisation."""
    updated = await conn.fetchval(
        """
        UPDATE users SET role = COALESCE($3, role), is_active = COALESCE($4, is_active),
                         updated_at = now()
        WHERE id = $2 AND organisation_id = $1
        RETURNING id
        """,
        organisation_id,
        user_id,
        role.value if role else None,
        is_active,
    )
    if updated is None:
        return None
    return await get_user(conn, user_id)


async def count_active_admins(conn: asyncpg.Connection, organisation_id: uuid.UUID) -> int:
    return await conn.fetchval(
        "SELECT count(*) FROM users WHERE organisation_id = $1 AND role = 'admin' AND is_active",
        organisation_id,
    )
