"""Authoring: tracks, quiz questions, vacancies and their assessments; and the public board."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any

import asyncpg

from server.errors import ApiError
from server.screening.pipeline import STAGES


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:63]
    return slug or f"track-{uuid.uuid4().hex[:8]}"


# Tracks


def track_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "slug": row["slug"],
        "name": row["name"],
        "description": row["description"],
        "questions": row["questions"],
        "vacancies": row["vacancies"],
    }


_TRACKS = """
    SELECT t.id, t.slug, t.name, t.description,
           (SELECT count(*) FROM quiz_questions q WHERE q.track_id = t.id AND q.is_active)
               AS questions,
           (SELECT count(*) FROM vacancies v WHERE v.track_id = t.id) AS vacancies
    FROM tracks t
"""


async def list_tracks(conn: asyncpg.Connection, organisation_id: uuid.UUID) -> list[dict]:
    rows = await conn.fetch(
        _TRACKS + " WHERE t.organisation_id = $1 ORDER BY t.name", organisation_id
    )
    return [track_json(r) for r in rows]


async def create_track(
    conn: asyncpg.Connection,
    organisation_id: uuid.UUID,
    *,
    name: str,
    slug: str | None,
    description: str,
) -> dict[str, Any]:
    slug = slug or slugify(name)
    try:
        track_id = await conn.fetchval(
            "INSERT INTO tracks (organisation_id, slug, name, description) "
            "VALUES ($1, $2, $3, $4) RETURNING id",
            organisation_id,
            slug,
            name,
            description,
        )
    except asyncpg.UniqueViolationError:
        raise ApiError(
            409, "track_exists", f"a track with the slug {slug!r} exists", field="slug"
        ) from None
    return track_json(await conn.fetchrow(_TRACKS + " WHERE t.id = $1", track_id))


async def own_track(
    conn: asyncpg.Connection, track_id: uuid.UUID, organisation_id: uuid.UUID, field: str
) -> None:
    found = await conn.fetchval(
        "SELECT 1 FROM tracks WHERE id = $1 AND organisation_id = $2", track_id, organisation_id
    )
    if not found:
        raise ApiError(422, "unknown_track", "no such track in your organisation", field=field)


# Questions


def question_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "track_id": str(row["track_id"]),
        "kind": row["kind"],
        "prompt": row["prompt"],
        "options": row["options"],
        "answer_key": row["answer_key"],
        "points": row["points"],
        "is_active": row["is_active"],
        "created_at": row["created_at"].isoformat(),
    }


async def list_questions(
    conn: asyncpg.Connection, organisation_id: uuid.UUID, track_id: uuid.UUID | None
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT * FROM quiz_questions WHERE organisation_id = $1 "
        "AND ($2::uuid IS NULL OR track_id = $2) ORDER BY created_at, id",
        organisation_id,
        track_id,
    )
    return [question_json(r) for r in rows]


async def own_question(
    conn: asyncpg.Connection, question_id: uuid.UUID, organisation_id: uuid.UUID
) -> asyncpg.Record:
    row = await conn.fetchrow(
        "SELECT * FROM quiz_questions WHERE id = $1 AND organisation_id = $2 FOR UPDATE",
        question_id,
        organisation_id,
    )
    if row is None:
        raise ApiError(404, "not_found", "no such question")
    return row


# Vacancies

_CARD = """
    SELECT v.*, o.name AS organisation_name, t.slug AS track_slug, t.name AS track_name,
           (SELECT count(*) FROM vacancy_tasks vt WHERE vt.vacancy_id = v.id) AS task_count
    FROM vacancies v
    JOIN organisations o ON o.id = v.organisation_id
    JOIN tracks t ON t.id = v.track_id
"""


def card_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "title": row["title"],
        "description": row["description"],
        "organisation": {"id": str(row["organisation_id"]), "name": row["organisation_name"]},
        "track": {"id": str(row["track_id"]), "slug": row["track_slug"], "name": row["track_name"]},
        "pass_mark": row["pass_mark"],
        "duration_minutes": row["duration_minutes"],
        "tasks": row["task_count"],
        "quiz_questions": row["quiz_questions"],
        "languages": list(row["languages"]),
    }


async def board(conn: asyncpg.Connection, track_id: uuid.UUID | None) -> dict[str, Any]:
    rows = await conn.fetch(
        _CARD + " WHERE v.status = 'open' ORDER BY v.created_at DESC, v.id LIMIT 500"
    )
    tracks = {}
    for row in rows:
        tracks[row["track_id"]] = {
            "id": str(row["track_id"]),
            "slug": row["track_slug"],
            "name": row["track_name"],
        }
    shown = [card_json(r) for r in rows if track_id is None or r["track_id"] == track_id]
    return {"vacancies": shown, "tracks": sorted(tracks.values(), key=lambda t: t["name"])}


async def vacancy_card(conn: asyncpg.Connection, vacancy_id: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(_CARD + " WHERE v.id = $1", vacancy_id)


async def vacancy_admin(conn: asyncpg.Connection, vacancy_id: uuid.UUID) -> dict[str, Any]:
    [body] = await vacancies_admin(conn, _CARD + " WHERE v.id = $1", vacancy_id)
    return body


async def organisation_vacancies(
    conn: asyncpg.Connection, organisation_id: uuid.UUID
) -> list[dict[str, Any]]:
    """The organisation's vacancies, any status, newest first, as staff see them."""
    return await vacancies_admin(
        conn, _CARD + " WHERE v.organisation_id = $1 ORDER BY v.created_at DESC", organisation_id
    )


async def vacancies_admin(conn: asyncpg.Connection, query: str, *args: Any) -> list[dict[str, Any]]:
    """Vacancies as staff see them (tasks with weights, candidates by stage), in three queries
    however many there are: the cards, then every task and every count at once."""
    rows = await conn.fetch(query, *args)
    ids = [row["id"] for row in rows]
    tasks: dict[uuid.UUID, list[dict[str, Any]]] = {vacancy_id: [] for vacancy_id in ids}
    for t in await conn.fetch(
        "SELECT vt.vacancy_id, vt.task_id, vt.weight, t.title FROM vacancy_tasks vt "
        "JOIN tasks t ON t.id = vt.task_id WHERE vt.vacancy_id = ANY($1::uuid[]) "
        "ORDER BY vt.vacancy_id, vt.position",
        ids,
    ):
        tasks[t["vacancy_id"]].append(
            {"task_id": str(t["task_id"]), "title": t["title"], "weight": t["weight"]}
        )
    counts: dict[uuid.UUID, dict[str, int]] = {vacancy_id: {} for vacancy_id in ids}
    for c in await conn.fetch(
        "SELECT vacancy_id, stage, count(*) AS n FROM applications "
        "WHERE vacancy_id = ANY($1::uuid[]) GROUP BY vacancy_id, stage",
        ids,
    ):
        counts[c["vacancy_id"]][c["stage"]] = c["n"]
    out = []
    for row in rows:
        body = card_json(row)
        by_stage = counts[row["id"]]
        body.update(
            status=row["status"],
            quiz_weight=row["quiz_weight"],
            tasks=tasks[row["id"]],
            counts={stage: by_stage.get(stage, 0) for stage in STAGES},
            candidates=sum(by_stage.values()),
            created_at=row["created_at"].isoformat(),
            updated_at=row["updated_at"].isoformat(),
        )
        out.append(body)
    return out


async def own_vacancy(
    conn: asyncpg.Connection, vacancy_id: uuid.UUID, organisation_id: uuid.UUID
) -> asyncpg.Record:
    row = await conn.fetchrow(
        "SELECT * FROM vacancies WHERE id = $1 AND organisation_id = $2",
        vacancy_id,
        organisation_id,
    )
    if row is None:
        raise ApiError(404, "not_found", "no such vacancy")
    return row


async def set_vacancy_tasks(
    conn: asyncpg.Connection,
    vacancy_id: uuid.UUID,
    organisation_id: uuid.UUID,
    tasks: list[tuple[uuid.UUID, int]],
) -> None:
    ids = [task_id for task_id, _ in tasks]
    if len(set(ids)) != len(ids):
        raise ApiError(422, "duplicate_task", "a task appears twice", field="tasks")
    owned = await conn.fetchval(
        "SELECT count(*) FROM tasks WHERE id = ANY($1::uuid[]) AND organisation_id = $2",
        ids,
        organisation_id,
    )
    if owned != len(ids):
        raise ApiError(422, "unknown_task", "no such task in your organisation", field="tasks")
    await conn.execute("DELETE FROM vacancy_tasks WHERE vacancy_id = $1", vacancy_id)
    await conn.executemany(
        "INSERT INTO vacancy_tasks (vacancy_id, task_id, position, weight) VALUES ($1, $2, $3, $4)",
        [(vacancy_id, task_id, i, weight) for i, (task_id, weight) in enumerate(tasks)],
    )


# Tasks (authoring views; the judge's view is server.tasks.load_task)


async def list_tasks(conn: asyncpg.Connection, organisation_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT t.id, t.title, t.track_id, t.origin, t.created_at,
               (SELECT coalesce(sum(points), 0) FROM task_groups g WHERE g.task_id = t.id)
                   AS max_score,
               (SELECT count(*) FROM task_tests x WHERE x.task_id = t.id) AS tests,
               (SELECT count(*) FROM task_tests x WHERE x.task_id = t.id AND x.visible)
                   AS samples
        FROM tasks t WHERE t.organisation_id = $1 ORDER BY t.created_at DESC, t.id
        """,
        organisation_id,
    )
    return [
        {
            "id": str(r["id"]),
            "title": r["title"],
            "track_id": str(r["track_id"]) if r["track_id"] else None,
            "origin": r["origin"],
            "max_score": r["max_score"],
            "tests": r["tests"],
            "samples": r["samples"],
            "created_at": r["created_at"].isoformat(),
        }
        for r in rows
    ]


async def task_detail(
    conn: asyncpg.Connection, task_id: uuid.UUID, organisation_id: uuid.UUID
) -> dict[str, Any]:
    task = await conn.fetchrow(
        "SELECT * FROM tasks WHERE id = $1 AND organisation_id = $2", task_id, organisation_id
    )
    if task is None:
        raise ApiError(404, "not_found", "no such task")
    groups = await conn.fetch(
        "SELECT ordinal, name, points FROM task_groups WHERE task_id = $1 ORDER BY ordinal", task_id
    )
    tests = await conn.fetch(
        "SELECT group_ordinal, name, input, answer, visible FROM task_tests WHERE task_id = $1 "
        "ORDER BY group_ordinal, ordinal",
        task_id,
    )
    return {
        "id": str(task["id"]),
        "title": task["title"],
        "statement": task["statement"],
        "track_id": str(task["track_id"]) if task["track_id"] else None,
        "limits": task["limits"],
        "checker": {k: v for k, v in task["checker"].items() if k != "source"}
        | {"has_source": bool(task["checker"].get("source"))},
        "stop_on_first_failure": task["stop_on_first_failure"],
        "starter_code": task["starter_code"],
        "origin": task["origin"],
        "created_at": task["created_at"].isoformat(),
        "groups": [
            {
                "name": g["name"],
                "points": g["points"],
                "tests": [
                    {
                        "name": t["name"],
                        "input": _preview(t["input"]),
                        "answer": _preview(t["answer"]),
                        "size": len(t["input"]) + len(t["answer"]),
                        "visible": t["visible"],
                    }
                    for t in tests
                    if t["group_ordinal"] == g["ordinal"]
                ],
            }
            for g in groups
        ],
    }


PREVIEW_BYTES = 64 * 1024


def _preview(data: bytes) -> str:
    text = bytes(data[:PREVIEW_BYTES]).decode(errors="replace")
    if len(data) > PREVIEW_BYTES:
        text += f"\n… ({len(data) - PREVIEW_BYTES} more bytes)"
    return text


async def check_openable(conn: asyncpg.Connection, vacancy_id: uuid.UUID) -> None:
    """An open vacancy needs something to assess: a task, or quiz questions from its pool."""
    row = await conn.fetchrow(
        """
        SELECT v.status, v.quiz_questions,
               (SELECT count(*) FROM vacancy_tasks t WHERE t.vacancy_id = v.id) AS tasks,
               (SELECT count(*) FROM quiz_questions q
                 WHERE q.track_id = v.track_id AND q.is_active) AS pool
        FROM vacancies v WHERE v.id = $1
        """,
        vacancy_id,
    )
    if row["status"] != "open":
        return
    if row["tasks"] == 0 and row["quiz_questions"] == 0:
        raise ApiError(
            422, "empty_assessment", "add a task or quiz questions before opening the vacancy"
        )
    if row["quiz_questions"] > row["pool"]:
        raise ApiError(
            422,
            "pool_too_small",
            f"the track's pool has {row['pool']} active questions; the vacancy draws "
            f"{row['quiz_questions']}",
            field="quiz_questions",
        )
