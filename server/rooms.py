"""Live interview rooms: who is in them and in what role, their files, chat, private notes,
scorecards, presence, and the interviewer's controls.

Roles in a room:
- ``candidate``: the one seat taken with the invite link; writes code, chats, runs code.
- ``interviewer``: the organisation's interviewers and admins; also notes, scorecard, controls.
- ``observer``: the organisation's HR; reads everything staff may read, writes nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime
from typing import Any

import asyncpg

from server import tasks
from server.accounts.roles import Role
from server.accounts.users import User
from server.errors import ApiError

ROOM_ROLES = ("candidate", "interviewer", "observer")
PRESENCE_FRESH_S = 60
DEFAULT_FILE = ("main.py", "python3")
MAX_FILES = 10
DECISIONS = ("strong_hire", "hire", "no_hire", "strong_no_hire")


def room_channel(room_id: object) -> str:
    """Socket.IO room of everyone in an interview room."""
    return f"room:{room_id}"


def staff_channel(room_id: object) -> str:
    """Socket.IO room of the organisation's staff in an interview room (notes go here only)."""
    return f"room-staff:{room_id}"


def document_name(room_id: object, file_name: str) -> str:
    return f"{room_id}/{file_name}"


def _invite_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


async def create_room(
    conn: asyncpg.Connection,
    *,
    creator: User,
    title: str,
    files: list[tuple[str, str]],
    task_id: uuid.UUID | None = None,
    application_id: uuid.UUID | None = None,
    scheduled_at: datetime | None = None,
) -> tuple[uuid.UUID, str]:
    """A room with its files; returns its id and the invite secret (shown once)."""
    secret = secrets.token_urlsafe(24)
    room_id = await conn.fetchval(
        """
        INSERT INTO rooms (organisation_id, application_id, title, status, scheduled_at,
                           invite_hash, task_id, created_by, started_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $5::timestamptz IS NULL
                                                     THEN now() END)
        RETURNING id
        """,
        creator.organisation_id,
        application_id,
        title,
        "scheduled" if scheduled_at else "open",
        scheduled_at,
        _invite_hash(secret),
        task_id,
        creator.id,
    )
    for position, (file_name, language) in enumerate(files or [DEFAULT_FILE]):
        await add_document(conn, room_id, file_name, language, position)
    await conn.execute(
        "INSERT INTO room_participants (room_id, user_id, role) VALUES ($1, $2, $3)",
        room_id,
        creator.id,
        staff_role(creator),
    )
    return room_id, secret


def staff_role(user: User) -> str:
    return "observer" if user.role is Role.HR else "interviewer"


async def add_document(
    conn: asyncpg.Connection, room_id: uuid.UUID, file_name: str, language: str, position: int
) -> uuid.UUID:
    try:
        return await conn.fetchval(
            "INSERT INTO room_documents (room_id, name, file_name, language, position) "
            "VALUES ($1, $2, $3, $4, $5) RETURNING id",
            room_id,
            document_name(room_id, file_name),
            file_name,
            language,
            position,
        )
    except asyncpg.UniqueViolationError:
        raise ApiError(
            409, "file_exists", f"the room already has a file {file_name!r}", field="file_name"
        ) from None


async def load_room(conn: asyncpg.Connection, room_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM rooms WHERE id = $1", room_id)


async def role_in(conn: asyncpg.Connection, room: asyncpg.Record, user: User) -> str | None:
    """The user's role in the room, or None: staff of the room's organisation always have one;
    a candidate only once they have joined with the invite."""
    if user.organisation_id is not None and user.organisation_id == room["organisation_id"]:
        return staff_role(user)
    return await conn.fetchval(
        "SELECT role FROM room_participants WHERE room_id = $1 AND user_id = $2",
        room["id"],
        user.id,
    )


async def require_role(
    conn: asyncpg.Connection, room_id: uuid.UUID, user: User, *allowed: str
) -> tuple[asyncpg.Record, str]:
    """The room and the user's role in it; 404 for strangers, 403 for a role not allowed."""
    room = await load_room(conn, room_id)
    role = await role_in(conn, room, user) if room is not None else None
    if room is None or role is None:
        raise ApiError(404, "not_found", "no such room")
    if allowed and role not in allowed:
        raise ApiError(403, "forbidden", f"a room's {role} may not do this")
    return room, role


async def take_staff_seat(
    conn: asyncpg.Connection, room: asyncpg.Record, user: User, role: str
) -> bool:
    """Note a member of the organisation's staff as in the room once they open its editor, so
    that the room lists them among its participants and their own list of interviews holds it.
    Their role comes from their account, not from the row (see ``role_in``). True if the seat
    is new."""
    if role == "candidate":
        return False
    status = await conn.execute(
        "INSERT INTO room_participants (room_id, user_id, role) VALUES ($1, $2, $3) "
        "ON CONFLICT (room_id, user_id) DO NOTHING",
        room["id"],
        user.id,
        role,
    )
    return status.endswith(" 1")


async def join_with_invite(
    conn: asyncpg.Connection, room_id: uuid.UUID, secret: str, user: User
) -> str:
    """Take the candidate's seat with the invite secret (once; the same person may rejoin)."""
    room = await conn.fetchrow("SELECT * FROM rooms WHERE id = $1 FOR UPDATE", room_id)
    if room is None or not secrets.compare_digest(bytes(room["invite_hash"]), _invite_hash(secret)):
        raise ApiError(404, "not_found", "no such room, or the link is wrong")
    role = await role_in(conn, room, user)
    if role is not None:
        return role
    if user.role is not Role.CANDIDATE:
        raise ApiError(403, "forbidden", "the invite link is for the candidate")
    if room["status"] == "ended":
        raise ApiError(409, "room_ended", "this interview has ended")
    seated = await conn.fetchval(
        "SELECT user_id FROM room_participants WHERE room_id = $1 AND role = 'candidate'", room_id
    )
    if seated is not None:
        raise ApiError(409, "seat_taken", "another candidate has joined this room with the link")
    await conn.execute(
        "INSERT INTO room_participants (room_id, user_id, role) VALUES ($1, $2, 'candidate')",
        room_id,
        user.id,
    )
    # A scheduled interview begins when its candidate comes in.
    await conn.execute(
        "UPDATE rooms SET status = 'open', started_at = coalesce(started_at, now()) "
        "WHERE id = $1 AND status = 'scheduled'",
        room_id,
    )
    return "candidate"


async def documents(conn: asyncpg.Connection, room_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, name, file_name, language FROM room_documents WHERE room_id = $1 "
        "ORDER BY position, created_at",
        room_id,
    )
    return [
        {"id": str(r["id"]), "name": r["name"], "file_name": r["file_name"],
         "language": r["language"]}
        for r in rows
    ]  # fmt: skip


async def presence(conn: asyncpg.Connection, room_id: uuid.UUID) -> list[dict[str, Any]]:
    """Who is connected now and since when (their earliest live connection)."""
    rows = await conn.fetch(
        """
        SELECT p.user_id, u.full_name, min(p.connected_at) AS since, count(*) AS tabs
        FROM room_presence p JOIN users u ON u.id = p.user_id
        WHERE p.room_id = $1 AND p.seen_at > now() - make_interval(secs => $2)
        GROUP BY p.user_id, u.full_name ORDER BY since
        """,
        room_id,
        float(PRESENCE_FRESH_S),
    )
    return [
        {"user_id": str(r["user_id"]), "full_name": r["full_name"],
         "since": r["since"].isoformat(), "tabs": r["tabs"]}
        for r in rows
    ]  # fmt: skip


async def room_view(
    conn: asyncpg.Connection, room: asyncpg.Record, role: str, *, with_statement: bool = True
) -> dict[str, Any]:
    """The room as a participant sees it. Its task comes as the candidate would see it in an
    attempt (statement, limits, samples; never hidden tests), for every role; a list of many
    rooms asks for the task's title only."""
    participants = await conn.fetch(
        """
        SELECT p.user_id, p.role, u.full_name FROM room_participants p
        JOIN users u ON u.id = p.user_id WHERE p.room_id = $1 ORDER BY p.joined_at
        """,
        room["id"],
    )
    task = await _task_of(conn, room["task_id"], with_statement)
    return {
        "id": str(room["id"]),
        "title": room["title"],
        "status": room["status"],
        "my_role": role,
        "scheduled_at": _iso(room["scheduled_at"]),
        "started_at": _iso(room["started_at"]),
        "ended_at": _iso(room["ended_at"]),
        "editor_locked": room["editor_locked"],
        "running_disabled": room["running_disabled"],
        "task": task,
        "application_id": str(room["application_id"]) if room["application_id"] else None,
        "participants": [
            {"user_id": str(p["user_id"]), "role": p["role"], "full_name": p["full_name"]}
            for p in participants
        ],
        "documents": await documents(conn, room["id"]),
        "presence": await presence(conn, room["id"]),
    }


async def _task_of(
    conn: asyncpg.Connection, task_id: uuid.UUID | None, with_statement: bool
) -> dict[str, Any] | None:
    if task_id is None:
        return None
    if with_statement:
        return (await tasks.statements(conn, [task_id])).get(task_id)
    title = await conn.fetchval("SELECT title FROM tasks WHERE id = $1", task_id)
    return {"id": str(task_id), "title": title} if title is not None else None


def can_write(room: asyncpg.Record, role: str) -> bool:
    """May this role change the code now? Never once ended; the candidate not while locked."""
    if room["status"] == "ended" or role == "observer":
        return False
    return not (role == "candidate" and room["editor_locked"])


async def messages(
    conn: asyncpg.Connection, room_id: uuid.UUID, kind: str, limit: int = 500
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT * FROM (
            SELECT m.id, m.body, m.at, m.author_id, u.full_name
            FROM room_messages m LEFT JOIN users u ON u.id = m.author_id
            WHERE m.room_id = $1 AND m.kind = $2 ORDER BY m.id DESC LIMIT $3
        ) newest ORDER BY id
        """,
        room_id,
        kind,
        limit,
    )
    return [message_json(r) for r in rows]


def message_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "body": row["body"],
        "at": row["at"].isoformat(),
        "author": {"id": str(row["author_id"]), "full_name": row["full_name"]}
        if row["author_id"]
        else None,
    }


async def post_message(
    conn: asyncpg.Connection, room_id: uuid.UUID, author: User, kind: str, body: str
) -> dict[str, Any]:
    row = await conn.fetchrow(
        "INSERT INTO room_messages (room_id, author_id, kind, body) VALUES ($1, $2, $3, $4) "
        "RETURNING id, body, at, author_id, $5::text AS full_name",
        room_id,
        author.id,
        kind,
        body,
        author.full_name,
    )
    return message_json(row)


def scorecard_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "author": {"id": str(row["author_id"]), "full_name": row["full_name"]},
        "criteria": row["criteria"],
        "decision": row["decision"],
        "summary": row["summary"],
        "submitted_at": _iso(row["submitted_at"]),
        "updated_at": row["updated_at"].isoformat(),
    }


async def scorecards(conn: asyncpg.Connection, room_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT s.*, u.full_name FROM scorecards s JOIN users u ON u.id = s.author_id "
        "WHERE s.room_id = $1 ORDER BY s.updated_at",
        room_id,
    )
    return [scorecard_json(r) for r in rows]


async def save_scorecard(
    conn: asyncpg.Connection,
    room_id: uuid.UUID,
    author: User,
    *,
    criteria: list[dict[str, Any]],
    decision: str | None,
    summary: str,
    submit: bool,
) -> dict[str, Any]:
    if submit and decision is None:
        raise ApiError(422, "decision_required", "choose a decision to submit", field="decision")
    submitted = await conn.fetchval(
        "SELECT submitted_at FROM scorecards WHERE room_id = $1 AND author_id = $2",
        room_id,
        author.id,
    )
    if submitted is not None:
        raise ApiError(409, "scorecard_submitted", "this scorecard was submitted and is final")
    row = await conn.fetchrow(
        """
        INSERT INTO scorecards (room_id, author_id, criteria, decision, summary, submitted_at)
        VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN now() END)
        ON CONFLICT (room_id, author_id) DO UPDATE SET criteria = EXCLUDED.criteria,
            decision = EXCLUDED.decision, summary = EXCLUDED.summary,
            submitted_at = EXCLUDED.submitted_at, updated_at = now()
        RETURNING *, $7::text AS full_name
        """,
        room_id,
        author.id,
        criteria,
        decision,
        summary,
        submit,
        author.full_name,
    )
    return scorecard_json(row)


async def rooms_of(conn: asyncpg.Connection, organisation_id: uuid.UUID) -> list[dict[str, Any]]:
    """The organisation's rooms, newest first, with who is connected now."""
    rows = await conn.fetch(
        "SELECT * FROM rooms WHERE organisation_id = $1 ORDER BY created_at DESC LIMIT 200",
        organisation_id,
    )
    out = []
    for row in rows:
        view = await room_view(conn, row, "observer", with_statement=False)
        view.pop("my_role")
        out.append(view)
    return out


async def rooms_joined(conn: asyncpg.Connection, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """The rooms one has a seat in (a candidate: those joined with the link), across
    organisations: the live ones first, then the upcoming by time, then the ended, latest
    first. This is the way back into an interview for a candidate who closed the tab."""
    rows = await conn.fetch(
        """
        SELECT r.id, r.title, r.status, r.scheduled_at, r.started_at, r.ended_at, p.role,
               o.id AS organisation_id, o.name AS organisation_name, t.title AS task_title
        FROM room_participants p JOIN rooms r ON r.id = p.room_id
        JOIN organisations o ON o.id = r.organisation_id
        LEFT JOIN tasks t ON t.id = r.task_id
        WHERE p.user_id = $1
        ORDER BY CASE r.status WHEN 'open' THEN 0 WHEN 'scheduled' THEN 1 ELSE 2 END,
                 CASE WHEN r.status = 'scheduled' THEN r.scheduled_at END,
                 coalesce(r.ended_at, r.started_at, r.created_at) DESC
        LIMIT 200
        """,
        user_id,
    )
    return [
        {
            "id": str(r["id"]),
            "title": r["title"],
            "status": r["status"],
            "my_role": r["role"],
            "scheduled_at": _iso(r["scheduled_at"]),
            "started_at": _iso(r["started_at"]),
            "ended_at": _iso(r["ended_at"]),
            "organisation": {"id": str(r["organisation_id"]), "name": r["organisation_name"]},
            "task": {"title": r["task_title"]} if r["task_title"] is not None else None,
        }
        for r in rows
    ]


async def enter_presence(
    conn: asyncpg.Connection, room_id: uuid.UUID, user_id: uuid.UUID, sid: str, node: str
) -> None:
    await conn.execute(
        """
        INSERT INTO room_presence (room_id, user_id, sid, node) VALUES ($1, $2, $3, $4)
        ON CONFLICT (room_id, sid) DO UPDATE SET seen_at = now()
        """,
        room_id,
        user_id,
        sid,
        node,
    )


async def leave_presence(conn: asyncpg.Connection, sid: str) -> list[uuid.UUID]:
    """Forget a closed connection; returns the rooms it was in."""
    rows = await conn.fetch("DELETE FROM room_presence WHERE sid = $1 RETURNING room_id", sid)
    return [r["room_id"] for r in rows]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
