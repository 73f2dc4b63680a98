"""Timed attempts: started from a vacancy, bounded by a deadline on the server's clock.

Everything a candidate sends while an attempt is open (drafts, runs, submissions, answers)
passes ``open_attempt``, which locks the attempt row for share and refuses it once the
server's clock is past the deadline. Finishing locks the row for update, so an answer either
lands before the attempt is scored or is refused after; nothing is counted half.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from server.errors import ApiError
from server.realtime import user_room
from server.screening import integrity, pipeline
from server.screening.scoring import QuestionScore, TaskScore, answer_credit, total_percent
from server.storage.database import Database
from server.tasks import statements

log = logging.getLogger("sobes.screening")
Events = list[tuple[str, dict[str, Any]]]
EVENT_KINDS = (
    "tab_hidden",
    "tab_visible",
    "focus_lost",
    "focus_regained",
    "paste",
    "fullscreen_exit",
    "fullscreen_enter",
)
ATTEMPT_OVER = (
    "the time for this assessment is over; nothing more can be changed. Your result is on "
    "the attempt page"
)
SWEEP_BATCH = 50
MAX_EVENTS = 5000


def attempt_over() -> ApiError:
    return ApiError(409, "attempt_over", ATTEMPT_OVER)


async def start_attempt(
    conn: asyncpg.Connection, vacancy_id: uuid.UUID, candidate_id: uuid.UUID, now: datetime
) -> tuple[uuid.UUID, bool, Events]:
    """Start (or find) the candidate's attempt at a vacancy: (attempt id, created, events)."""
    async with conn.transaction():
        vacancy = await conn.fetchrow(
            """
            SELECT id, status, track_id, duration_minutes, quiz_questions, quiz_weight,
                   pass_mark, languages
            FROM vacancies WHERE id = $1 FOR SHARE
            """,
            vacancy_id,
        )
        if vacancy is None or vacancy["status"] == "draft":
            raise ApiError(404, "not_found", "no such vacancy")
        application = await conn.fetchrow(
            "SELECT id, stage FROM applications WHERE vacancy_id = $1 AND candidate_id = $2 "
            "FOR UPDATE",
            vacancy_id,
            candidate_id,
        )
        if application is not None:
            existing = await conn.fetchval(
                "SELECT id FROM attempts WHERE application_id = $1", application["id"]
            )
            if existing is not None:
                return existing, False, []
        if vacancy["status"] != "open":
            raise ApiError(409, "vacancy_closed", "this vacancy is closed to new candidates")
        if application is None:
            application_id = await conn.fetchval(
                """
                INSERT INTO applications (vacancy_id, candidate_id, stage, stage_changed_at)
                VALUES ($1, $2, 'started', $3)
                ON CONFLICT (vacancy_id, candidate_id) DO NOTHING RETURNING id
                """,
                vacancy_id,
                candidate_id,
                now,
            )
            if application_id is None:
                # Started at the same moment by another request, which has committed by now
                # (the insert waited for it): that attempt is the one.
                existing = await conn.fetchval(
                    "SELECT t.id FROM attempts t JOIN applications a ON a.id = t.application_id "
                    "WHERE a.vacancy_id = $1 AND a.candidate_id = $2",
                    vacancy_id,
                    candidate_id,
                )
                if existing is None:
                    raise ApiError(409, "conflict", "the attempt is being started; try again")
                return existing, False, []
            await conn.execute(
                "INSERT INTO stage_changes (application_id, from_stage, to_stage, at) "
                "VALUES ($1, NULL, 'started', $2)",
                application_id,
                now,
            )
        else:
            application_id = application["id"]
            await pipeline.record_stage(
                conn, application_id, "started", from_stage=application["stage"], at=now
            )
        attempt_id = await conn.fetchval(
            """
            INSERT INTO attempts (application_id, vacancy_id, candidate_id, started_at, deadline,
                                  pass_mark, quiz_weight, languages)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
            """,
            application_id,
            vacancy_id,
            candidate_id,
            now,
            now + timedelta(minutes=vacancy["duration_minutes"]),
            vacancy["pass_mark"],
            vacancy["quiz_weight"],
            vacancy["languages"],
        )
        await conn.execute(
            """
            INSERT INTO attempt_tasks (attempt_id, task_id, position, weight)
            SELECT $1, task_id, position, weight FROM vacancy_tasks WHERE vacancy_id = $2
            """,
            attempt_id,
            vacancy_id,
        )
        # Questions drawn at random from the track's pool, a fresh draw per attempt.
        await conn.execute(
            """
            INSERT INTO attempt_questions (attempt_id, position, question_id)
            SELECT $1, row_number() OVER () - 1, id FROM (
                SELECT id FROM quiz_questions WHERE track_id = $2 AND is_active
                ORDER BY random() LIMIT $3
            ) drawn
            """,
            attempt_id,
            vacancy["track_id"],
            vacancy["quiz_questions"],
        )
        events = [await pipeline.changed_event(conn, application_id)]
    return attempt_id, True, events


async def open_attempt(
    conn: asyncpg.Connection, attempt_id: uuid.UUID, candidate_id: uuid.UUID, now: datetime
) -> asyncpg.Record:
    """The candidate's active attempt, locked for share; 404 if not theirs, 409 if over.

    Call inside a transaction: the lock holds until the change is committed.
    """
    row = await conn.fetchrow(
        "SELECT id, candidate_id, status, deadline, languages, application_id FROM attempts "
        "WHERE id = $1 FOR SHARE",
        attempt_id,
    )
    if row is None or row["candidate_id"] != candidate_id:
        raise ApiError(404, "not_found", "no such attempt")
    if row["status"] != "active" or now >= row["deadline"]:
        raise attempt_over()
    return row


async def attempt_task(conn: asyncpg.Connection, attempt_id: uuid.UUID, task_id: uuid.UUID) -> None:
    found = await conn.fetchval(
        "SELECT 1 FROM attempt_tasks WHERE attempt_id = $1 AND task_id = $2", attempt_id, task_id
    )
    if not found:
        raise ApiError(404, "not_found", "this assessment has no such task")


def check_language(attempt: asyncpg.Record, language: str) -> None:
    if attempt["languages"] and language not in attempt["languages"]:
        raise ApiError(
            422,
            "language_not_allowed",
            f"{language!r} is not allowed in this assessment; allowed: "
            + ", ".join(attempt["languages"]),
            field="language",
        )


async def save_draft(
    db: Database,
    attempt_id: uuid.UUID,
    task_id: uuid.UUID,
    candidate_id: uuid.UUID,
    language: str,
    source: str,
    now: datetime,
) -> None:
    async with db.transaction() as conn:
        attempt = await open_attempt(conn, attempt_id, candidate_id, now)
        await attempt_task(conn, attempt_id, task_id)
        check_language(attempt, language)
        await conn.execute(
            """
            INSERT INTO attempt_drafts (attempt_id, task_id, language, source, updated_at)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (attempt_id, task_id, language)
            DO UPDATE SET source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
            """,
            attempt_id,
            task_id,
            language,
            source,
            now,
        )


async def save_answer(
    db: Database,
    attempt_id: uuid.UUID,
    position: int,
    candidate_id: uuid.UUID,
    answer: dict[str, Any],
    now: datetime,
) -> None:
    from server.screening.scoring import AnswerError, check_answer

    async with db.transaction() as conn:
        await open_attempt(conn, attempt_id, candidate_id, now)
        question = await conn.fetchrow(
            """
            SELECT q.kind, q.options FROM attempt_questions a
            JOIN quiz_questions q ON q.id = a.question_id
            WHERE a.attempt_id = $1 AND a.position = $2
            """,
            attempt_id,
            position,
        )
        if question is None:
            raise ApiError(404, "not_found", "this assessment has no such question")
        try:
            check_answer(question["kind"], question["options"], answer)
        except AnswerError as exc:
            raise ApiError(422, "invalid_answer", str(exc), field="answer") from None
        await conn.execute(
            "UPDATE attempt_questions SET answer = $3, answered_at = $4 "
            "WHERE attempt_id = $1 AND position = $2",
            attempt_id,
            position,
            answer,
            now,
        )


async def record_events(
    db: Database,
    attempt_id: uuid.UUID,
    candidate_id: uuid.UUID,
    events: list[dict[str, Any]],
    now: datetime,
) -> None:
    async with db.transaction() as conn:
        await open_attempt(conn, attempt_id, candidate_id, now)
        kept = await conn.fetchval(
            "SELECT count(*) FROM integrity_events WHERE attempt_id = $1", attempt_id
        )
        if kept + len(events) > MAX_EVENTS:
            raise ApiError(
                429, "too_many_events", f"an attempt keeps up to {MAX_EVENTS} integrity events"
            )
        await conn.executemany(
            "INSERT INTO integrity_events (attempt_id, kind, at, received_at, details) "
            "VALUES ($1, $2, $3, $4, $5)",
            [
                # A client's clock is not trusted beyond the moment the server heard it.
                (attempt_id, e["kind"], min(e["at"], now), now, e.get("details") or {})
                for e in events
            ],
        )


async def finish_attempt(db: Database, attempt_id: uuid.UUID, reason: str, now: datetime) -> Events:
    """End an attempt (once), score it, and move its stage; returns the events to send."""
    async with db.transaction() as conn:
        row = await conn.fetchrow(
            "SELECT status, candidate_id, deadline FROM attempts WHERE id = $1 FOR UPDATE",
            attempt_id,
        )
        if row is None or row["status"] != "active":
            return []
        finished_at = min(now, row["deadline"]) if reason == "deadline" else now
        await conn.execute(
            "UPDATE attempts SET status = 'finished', finished_at = $2, finish_reason = $3 "
            "WHERE id = $1",
            attempt_id,
            finished_at,
            reason,
        )
        result = await score(conn, attempt_id, finished_at)
        events: Events = [
            (
                user_room(row["candidate_id"]),
                {
                    "event": "attempt.finished",
                    "attempt_id": str(attempt_id),
                    "reason": reason,
                    "result": result,
                },
            )
        ]
        events.append(await pipeline.changed_event(conn, await _application_of(conn, attempt_id)))
    log.info("attempt finished", extra={"attempt_id": str(attempt_id), "reason": reason})
    integrity.check_later(db, attempt_id)
    return events


async def submission_judged(db: Database, attempt_id: uuid.UUID) -> Events:
    """A submission of this attempt got its verdict: tell HR; rescore a finished attempt."""
    async with db.transaction() as conn:
        row = await conn.fetchrow(
            "SELECT status, candidate_id, finished_at FROM attempts WHERE id = $1 FOR UPDATE",
            attempt_id,
        )
        if row is None:
            return []
        events: Events = []
        if row["status"] == "finished":
            result = await score(conn, attempt_id, row["finished_at"])
            events.append(
                (
                    user_room(row["candidate_id"]),
                    {"event": "attempt.scored", "attempt_id": str(attempt_id), "result": result},
                )
            )
        events.append(await pipeline.changed_event(conn, await _application_of(conn, attempt_id)))
    return events


async def _application_of(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> uuid.UUID:
    return await conn.fetchval("SELECT application_id FROM attempts WHERE id = $1", attempt_id)


async def score(conn: asyncpg.Connection, attempt_id: uuid.UUID, at: datetime) -> dict[str, Any]:
    """Compute and store the result of a finished attempt, and move its stage by the pass mark.

    Called at the finish and again whenever a submission made before it is judged later.
    """
    result = await compute_result(conn, attempt_id)
    await conn.execute(
        "UPDATE attempts SET score_percent = $2, breakdown = $3 WHERE id = $1",
        attempt_id,
        result["score_percent"],
        result,
    )
    application = await conn.fetchrow(
        """
        SELECT a.id, a.stage, a.stage_set_by_hr FROM applications a
        JOIN attempts t ON t.application_id = a.id WHERE t.id = $1 FOR UPDATE OF a
        """,
        attempt_id,
    )
    if application["stage_set_by_hr"]:
        return result  # HR decided; scoring no longer moves the stage
    target = "passed" if result["passed"] else "not_passed"
    stage = application["stage"]
    if stage == "started":
        await pipeline.record_stage(conn, application["id"], "finished", from_stage=stage, at=at)
        stage = "finished"
    if stage in ("finished", "passed", "not_passed") and stage != target:
        await pipeline.record_stage(conn, application["id"], target, from_stage=stage)
    return result


async def compute_result(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> dict[str, Any]:
    attempt = await conn.fetchrow(
        "SELECT pass_mark, quiz_weight FROM attempts WHERE id = $1", attempt_id
    )
    tasks = await conn.fetch(
        """
        SELECT at.task_id, t.title, at.weight,
               (SELECT coalesce(sum(points), 0) FROM task_groups g
                 WHERE g.task_id = at.task_id) AS max_score,
               (SELECT max((r.result ->> 'score')::int) FROM judge_jobs j
                  JOIN judge_results r ON r.job_id = j.id
                 WHERE j.attempt_id = at.attempt_id AND j.task_id = at.task_id
                   AND NOT j.samples_only) AS best
        FROM attempt_tasks at JOIN tasks t ON t.id = at.task_id
        WHERE at.attempt_id = $1 ORDER BY at.position
        """,
        attempt_id,
    )
    pending = await conn.fetchval(
        """
        SELECT count(*) FROM judge_jobs j
        WHERE j.attempt_id = $1 AND NOT j.samples_only
          AND NOT EXISTS (SELECT 1 FROM judge_results r WHERE r.job_id = j.id)
        """,
        attempt_id,
    )
    questions = await conn.fetch(
        """
        SELECT a.position, a.answer, q.kind, q.answer_key, q.points
        FROM attempt_questions a JOIN quiz_questions q ON q.id = a.question_id
        WHERE a.attempt_id = $1 ORDER BY a.position
        """,
        attempt_id,
    )
    task_scores = [
        TaskScore(str(t["task_id"]), t["title"], t["best"] or 0, t["max_score"], t["weight"])
        for t in tasks
    ]
    quiz = [
        QuestionScore(
            q["position"],
            round(q["points"] * answer_credit(q["kind"], q["answer_key"], q["answer"]), 3),
            q["points"],
        )
        for q in questions
    ]
    percent = total_percent(task_scores, quiz, attempt["quiz_weight"])
    return {
        "score_percent": percent,
        "pass_mark": attempt["pass_mark"],
        "passed": percent >= attempt["pass_mark"],
        "pending_submissions": pending,
        "tasks": [
            {
                "task_id": t.task_id,
                "title": t.title,
                "score": t.score,
                "max_score": t.max_score,
                "weight": t.weight,
            }
            for t in task_scores
        ],
        "quiz": {
            "earned": round(sum(q.earned for q in quiz), 3),
            "max": sum(q.points for q in quiz),
            "weight": attempt["quiz_weight"],
            "questions": [
                {"position": q.position, "earned": q.earned, "points": q.points} for q in quiz
            ],
        },
    }


async def close_expired(db: Database, now: datetime) -> Events:
    """Finish every attempt whose deadline has passed, with no client needed.

    Every node runs this; ``finish_attempt`` locks the row and finishes it once, so two nodes
    sweeping at the same moment finish each attempt once.
    """
    events: Events = []
    while True:
        async with db.connection() as conn:
            due = await conn.fetch(
                "SELECT id FROM attempts WHERE status = 'active' AND deadline <= $1 "
                "ORDER BY deadline LIMIT $2",
                now,
                SWEEP_BATCH,
            )
        for row in due:
            events.extend(await finish_attempt(db, row["id"], "deadline", now))
        if len(due) < SWEEP_BATCH:
            return events


async def attempt_view(
    conn: asyncpg.Connection,
    attempt_id: uuid.UUID,
    candidate_id: uuid.UUID,
    now: datetime,
    offered: list[dict[str, Any]],
) -> dict[str, Any]:
    """The attempt as its candidate sees it: never hidden tests, never answer keys."""
    attempt = await conn.fetchrow(
        """
        SELECT t.*, v.title AS vacancy_title, o.id AS organisation_id, o.name AS organisation_name
        FROM attempts t JOIN vacancies v ON v.id = t.vacancy_id
        JOIN organisations o ON o.id = v.organisation_id
        WHERE t.id = $1
        """,
        attempt_id,
    )
    if attempt is None or attempt["candidate_id"] != candidate_id:
        raise ApiError(404, "not_found", "no such attempt")
    tasks = await conn.fetch(
        """
        SELECT at.task_id, at.weight, t.starter_code,
               (SELECT coalesce(sum(points), 0) FROM task_groups g
                 WHERE g.task_id = t.id) AS max_score
        FROM attempt_tasks at JOIN tasks t ON t.id = at.task_id
        WHERE at.attempt_id = $1 ORDER BY at.position
        """,
        attempt_id,
    )
    shown = await statements(conn, [t["task_id"] for t in tasks])
    drafts = await conn.fetch(
        "SELECT task_id, language, source, updated_at FROM attempt_drafts WHERE attempt_id = $1",
        attempt_id,
    )
    submissions = await conn.fetch(
        """
        SELECT j.id, j.task_id, j.status, j.language, j.created_at, j.samples_only,
               r.result ->> 'verdict' AS verdict, (r.result ->> 'score')::int AS score,
               (r.result ->> 'max_score')::int AS max_score
        FROM judge_jobs j LEFT JOIN judge_results r ON r.job_id = j.id
        WHERE j.attempt_id = $1 ORDER BY j.created_at
        """,
        attempt_id,
    )
    questions = await conn.fetch(
        """
        SELECT a.position, a.answer, q.kind, q.prompt, q.options, q.points
        FROM attempt_questions a JOIN quiz_questions q ON q.id = a.question_id
        WHERE a.attempt_id = $1 ORDER BY a.position
        """,
        attempt_id,
    )
    allowed = set(attempt["languages"])
    languages = [lang for lang in offered if not allowed or lang["id"] in allowed]
    task_views = []
    for task in tasks:
        own = [s for s in submissions if s["task_id"] == task["task_id"]]
        graded = [s["score"] for s in own if not s["samples_only"] and s["score"] is not None]
        task_views.append(
            {
                **shown[task["task_id"]],
                "weight": task["weight"],
                "max_score": task["max_score"],
                "starter_code": task["starter_code"],
                "drafts": {
                    d["language"]: {
                        "source": d["source"],
                        "updated_at": d["updated_at"].isoformat(),
                    }
                    for d in drafts
                    if d["task_id"] == task["task_id"]
                },
                "submissions": [
                    {
                        "id": str(s["id"]),
                        "status": s["status"],
                        "language": s["language"],
                        "created_at": s["created_at"].isoformat(),
                        "samples_only": s["samples_only"],
                        "verdict": s["verdict"],
                        "score": s["score"],
                        "max_score": s["max_score"],
                    }
                    for s in own
                ],
                "best_score": max(graded) if graded else None,
            }
        )
    finished = attempt["status"] == "finished"
    return {
        "id": str(attempt["id"]),
        "status": attempt["status"],
        "vacancy": {
            "id": str(attempt["vacancy_id"]),
            "title": attempt["vacancy_title"],
            "organisation": {
                "id": str(attempt["organisation_id"]),
                "name": attempt["organisation_name"],
            },
        },
        "started_at": attempt["started_at"].isoformat(),
        "deadline": attempt["deadline"].isoformat(),
        "server_time": now.isoformat(),
        "finished_at": attempt["finished_at"].isoformat() if finished else None,
        "finish_reason": attempt["finish_reason"],
        "pass_mark": attempt["pass_mark"],
        "languages": languages,
        "tasks": task_views,
        "questions": [
            {
                "position": q["position"],
                "kind": q["kind"],
                "prompt": q["prompt"],
                "options": q["options"],
                "points": q["points"],
                "answer": q["answer"],
            }
            for q in questions
        ],
        "result": attempt["breakdown"] if finished else None,
    }


async def candidate_attempts(
    conn: asyncpg.Connection, candidate_id: uuid.UUID
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """
        SELECT t.id, t.status, t.started_at, t.deadline, t.finished_at, t.score_percent,
               t.pass_mark, v.id AS vacancy_id, v.title, o.name AS organisation_name
        FROM attempts t JOIN vacancies v ON v.id = t.vacancy_id
        JOIN organisations o ON o.id = v.organisation_id
        WHERE t.candidate_id = $1 ORDER BY t.started_at DESC
        """,
        candidate_id,
    )
    return [
        {
            "id": str(r["id"]),
            "vacancy": {
                "id": str(r["vacancy_id"]),
                "title": r["title"],
                "organisation": {"name": r["organisation_name"]},
            },
            "status": r["status"],
            "started_at": r["started_at"].isoformat(),
            "deadline": r["deadline"].isoformat(),
            "finished_at": r["finished_at"].isoformat() if r["finished_at"] else None,
            "score_percent": None if r["score_percent"] is None else float(r["score_percent"]),
            "passed": None
            if r["score_percent"] is None
            else float(r["score_percent"]) >= r["pass_mark"],
        }
        for r in rows
    ]
