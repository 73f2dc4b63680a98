"""The candidate pipeline of a vacancy: stages, their history, the funnel, rows, reports, CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime
from typing import Any

import asyncpg

from server import audit
from server.realtime import organisation_room

STAGES = (
    "applied",
    "invited",
    "registered",
    "started",
    "finished",
    "passed",
    "not_passed",
    "interview_scheduled",
    "interviewed",
    "offer",
    "rejected",
)
# The funnel's stages in order. From `started` on, an application has reached every stage up to
# the furthest it ever got to (not_passed counts as having finished; rejected is no progress).
# Conversion is the share of all the vacancy's applications that reached the stage.
FUNNEL = ("applied", "invited", "registered", "started", "finished", "passed",
          "interview_scheduled", "interviewed", "offer")  # fmt: skip
PROGRESS = {stage: index for index, stage in enumerate(FUNNEL)} | {"not_passed": 4}
SIGNALS_NOTE = (
    "These are signals for a conversation, not findings. A flag alone is no ground to reject "
    "anyone: similarity detection alone is known to give 70-80 % false positives on small "
    "tasks, and tab switches or pastes have innocent causes."
)


async def record_stage(
    conn: asyncpg.Connection,
    application_id: uuid.UUID,
    to_stage: str,
    *,
    from_stage: str | None,
    actor_id: uuid.UUID | None = None,
    reason: str | None = None,
    at: datetime | None = None,
) -> None:
    await conn.execute(
        """
        UPDATE applications SET stage = $2, stage_changed_at = coalesce($3, now()),
                                stage_set_by_hr = stage_set_by_hr OR $4
        WHERE id = $1
        """,
        application_id,
        to_stage,
        at,
        actor_id is not None,
    )
    await conn.execute(
        """
        INSERT INTO stage_changes (application_id, from_stage, to_stage, actor_id, reason, at)
        VALUES ($1, $2, $3, $4, $5, coalesce($6, now()))
        """,
        application_id,
        from_stage,
        to_stage,
        actor_id,
        reason,
        at,
    )


_ROWS = """
    SELECT a.id AS application_id, a.vacancy_id, a.stage, a.stage_changed_at, a.created_at,
           u.id AS candidate_id, u.full_name, u.email,
           t.id AS attempt_id, t.status AS attempt_status, t.started_at, t.finished_at,
           t.score_percent,
           (SELECT count(*) FROM integrity_events e WHERE e.attempt_id = t.id
              AND e.kind IN ('tab_hidden', 'focus_lost', 'paste', 'fullscreen_exit')) AS signals,
           (SELECT count(*) FROM similarity_flags f
              WHERE f.attempt_id = t.id OR f.other_attempt_id = t.id) AS similarity_flags
    FROM applications a
    JOIN users u ON u.id = a.candidate_id
    LEFT JOIN attempts t ON t.application_id = a.id
"""
SORTS = {
    "score": "t.score_percent",
    # along the funnel (constants only: the stage names are fixed above)
    "stage": "array_position(ARRAY[{}]::text[], a.stage)".format(
        ", ".join(f"'{stage}'" for stage in STAGES)
    ),
    "started_at": "t.started_at",
    "finished_at": "t.finished_at",
    "name": "lower(u.full_name)",
    "applied_at": "a.created_at",
}


def row_json(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "application_id": str(row["application_id"]),
        "vacancy_id": str(row["vacancy_id"]),
        "attempt_id": str(row["attempt_id"]) if row["attempt_id"] else None,
        "candidate": {
            "id": str(row["candidate_id"]),
            "full_name": row["full_name"],
            "email": row["email"],
        },
        "stage": row["stage"],
        "score_percent": _number(row["score_percent"]),
        "applied_at": row["created_at"].isoformat(),
        "started_at": _iso(row["started_at"]),
        "finished_at": _iso(row["finished_at"]),
        "stage_changed_at": row["stage_changed_at"].isoformat(),
        "signals": row["signals"],
        "similarity_flags": row["similarity_flags"],
    }


async def application_row(conn: asyncpg.Connection, application_id: uuid.UUID) -> dict[str, Any]:
    row = await conn.fetchrow(_ROWS + " WHERE a.id = $1", application_id)
    assert row is not None
    return row_json(row)


async def candidate_rows(
    conn: asyncpg.Connection,
    vacancy_id: uuid.UUID,
    *,
    stage: str | None = None,
    query: str | None = None,
    sort: str = "score",
    descending: bool = True,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    direction = "DESC NULLS LAST" if descending else "ASC NULLS LAST"
    rows = await conn.fetch(
        _ROWS
        + """
        WHERE a.vacancy_id = $1 AND ($2::text IS NULL OR a.stage = $2)
          AND ($3::text IS NULL OR u.full_name ILIKE $3 OR u.email ILIKE $3)
        """
        + f" ORDER BY {SORTS[sort]} {direction}, a.created_at LIMIT $4",
        vacancy_id,
        stage,
        f"%{_escape_like(query)}%" if query else None,
        limit,
    )
    return [row_json(row) for row in rows]


async def funnel(conn: asyncpg.Connection, vacancy_id: uuid.UUID) -> list[dict[str, Any]]:
    counts = dict(
        await conn.fetch(
            "SELECT stage, count(*) FROM applications WHERE vacancy_id = $1 GROUP BY stage",
            vacancy_id,
        )
    )
    histories = await conn.fetch(
        """
        SELECT array_agg(c.to_stage) AS stages
        FROM applications a JOIN stage_changes c ON c.application_id = a.id
        WHERE a.vacancy_id = $1 GROUP BY a.id
        """,
        vacancy_id,
    )
    reached = dict.fromkeys(FUNNEL, 0)
    for history in histories:
        seen = set(history["stages"])
        furthest = max((PROGRESS.get(stage, -1) for stage in seen), default=-1)
        for stage in FUNNEL[: furthest + 1]:
            # Before the assessment, only what happened counts (a candidate from the board was
            # never invited); from the start on, reaching a stage means passing the earlier.
            if PROGRESS[stage] >= PROGRESS["started"] or stage in seen:
                reached[stage] += 1
    base = len(histories)
    result = []
    for stage in STAGES:
        entry: dict[str, Any] = {"stage": stage, "count": counts.get(stage, 0)}
        if stage in reached:
            entry["reached"] = reached[stage]
            entry["conversion"] = round(reached[stage] / base, 4) if base else 0.0
        result.append(entry)
    return result


async def set_stage(
    conn: asyncpg.Connection,
    application_id: uuid.UUID,
    stage: str,
    *,
    actor_id: uuid.UUID,
    organisation_id: uuid.UUID,
    reason: str,
    ip: str | None,
) -> tuple[str, str]:
    """HR moves an application to ``stage``; returns (from, to). Recorded in the audit log."""
    current = await conn.fetchrow(
        "SELECT stage, candidate_id FROM applications WHERE id = $1 FOR UPDATE", application_id
    )
    assert current is not None
    await record_stage(
        conn,
        application_id,
        stage,
        from_stage=current["stage"],
        actor_id=actor_id,
        reason=reason,
    )
    await audit.record(
        conn,
        "application.stage_changed",
        actor_id=actor_id,
        subject_id=current["candidate_id"],
        organisation_id=organisation_id,
        target=str(application_id),
        ip=ip,
        details={"from": current["stage"], "to": stage, "reason": reason},
    )
    return current["stage"], stage


async def changed_event(
    conn: asyncpg.Connection, application_id: uuid.UUID
) -> tuple[str, dict[str, Any]]:
    """The ``pipeline.changed`` event for the organisation's staff, with the row as it is now."""
    row = await application_row(conn, application_id)
    organisation_id = await conn.fetchval(
        "SELECT v.organisation_id FROM applications a JOIN vacancies v ON v.id = a.vacancy_id "
        "WHERE a.id = $1",
        application_id,
    )
    payload = {"event": "pipeline.changed", "vacancy_id": row["vacancy_id"], "application": row}
    return organisation_room(organisation_id), payload


CSV_COLUMNS = ("candidate", "email", "stage", "score_percent", "applied_at", "started_at",
               "finished_at", "stage_changed_at", "signals", "similarity_flags")  # fmt: skip


def rows_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = [
            row["candidate"]["full_name"],
            row["candidate"]["email"],
            row["stage"],
            "" if row["score_percent"] is None else f"{row['score_percent']:.2f}",
            row["applied_at"],
            row["started_at"] or "",
            row["finished_at"] or "",
            row["stage_changed_at"],
            row["signals"],
            row["similarity_flags"],
        ]
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow(
            [f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in values]
        )
    return out.getvalue()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


async def report(conn: asyncpg.Connection, application_id: uuid.UUID) -> dict[str, Any]:
    """Everything HR sees of one candidate for one vacancy."""
    row = await application_row(conn, application_id)
    vacancy = await conn.fetchrow(
        "SELECT v.id, v.title, v.pass_mark FROM vacancies v JOIN applications a "
        "ON a.vacancy_id = v.id WHERE a.id = $1",
        application_id,
    )
    body: dict[str, Any] = {
        "application": row,
        "vacancy": {"id": str(vacancy["id"]), "title": vacancy["title"],
                    "pass_mark": vacancy["pass_mark"]},
        "attempt": None,
        "tasks": [],
        "quiz": [],
        "signals": {"note": SIGNALS_NOTE, "events": [], "similarity": []},
        "timeline": [],
    }  # fmt: skip
    timeline = [
        {"at": c["at"].isoformat(), "kind": "stage",
         "text": f"{c['from_stage'] or '—'} → {c['to_stage']}"
         + (f" by {c['actor']}: {c['reason']}" if c["actor"] else "")}
        for c in await conn.fetch(
            "SELECT c.at, c.from_stage, c.to_stage, c.reason, u.full_name AS actor "
            "FROM stage_changes c LEFT JOIN users u ON u.id = c.actor_id "
            "WHERE c.application_id = $1 ORDER BY c.id",
            application_id,
        )
    ]  # fmt: skip
    attempt_id = row["attempt_id"]
    if attempt_id is not None:
        attempt = await conn.fetchrow("SELECT * FROM attempts WHERE id = $1", uuid.UUID(attempt_id))
        body["attempt"] = {
            "id": attempt_id,
            "status": attempt["status"],
            "started_at": attempt["started_at"].isoformat(),
            "deadline": attempt["deadline"].isoformat(),
            "finished_at": _iso(attempt["finished_at"]),
            "finish_reason": attempt["finish_reason"],
            "score_percent": _number(attempt["score_percent"]),
            "result": attempt["breakdown"],
        }
        body["tasks"] = await _report_tasks(conn, attempt["id"])
        for task in body["tasks"]:
            for sub in task["submissions"]:
                what = "ran the samples" if sub["samples_only"] else "submitted"
                verdict = sub["verdict"] or "judging"
                timeline.append(
                    {"at": sub["created_at"], "kind": "submission",
                     "text": f"{what} {task['title']} in {sub['language']}: {verdict}"}
                )  # fmt: skip
        body["quiz"] = await _report_quiz(conn, attempt["id"])
        events = await conn.fetch(
            "SELECT kind, at, received_at, details FROM integrity_events "
            "WHERE attempt_id = $1 ORDER BY at, id",
            attempt["id"],
        )
        body["signals"]["events"] = [
            {"kind": e["kind"], "at": e["at"].isoformat(), "details": e["details"]} for e in events
        ]
        for e in events:
            if e["kind"] in ("tab_hidden", "focus_lost", "paste", "fullscreen_exit"):
                size = f" ({e['details'].get('length')} characters)" if e["kind"] == "paste" else ""
                timeline.append(
                    {"at": e["at"].isoformat(), "kind": "signal", "text": e["kind"] + size}
                )
        similar = await conn.fetch(
            """
            SELECT f.task_id, f.similarity, f.submission_id, f.other_submission_id,
                   u.id AS other_id, u.full_name AS other_name, t.title
            FROM similarity_flags f
            JOIN attempts o ON o.id = f.other_attempt_id JOIN users u ON u.id = o.candidate_id
            JOIN tasks t ON t.id = f.task_id
            WHERE f.attempt_id = $1
            UNION ALL
            SELECT f.task_id, f.similarity, f.other_submission_id, f.submission_id,
                   u.id, u.full_name, t.title
            FROM similarity_flags f
            JOIN attempts o ON o.id = f.attempt_id JOIN users u ON u.id = o.candidate_id
            JOIN tasks t ON t.id = f.task_id
            WHERE f.other_attempt_id = $1
            """,
            attempt["id"],
        )
        body["signals"]["similarity"] = [
            {"task_id": str(s["task_id"]), "task_title": s["title"],
             "other_candidate": {"id": str(s["other_id"]), "full_name": s["other_name"]},
             "similarity": round(float(s["similarity"]), 3),
             "submission_id": str(s["submission_id"]),
             "other_submission_id": str(s["other_submission_id"])}
            for s in similar
        ]  # fmt: skip
    body["timeline"] = sorted(timeline, key=lambda entry: entry["at"])
    return body


async def _report_tasks(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> list[dict[str, Any]]:
    tasks = await conn.fetch(
        """
        SELECT at.task_id, t.title,
               (SELECT coalesce(sum(points), 0) FROM task_groups g WHERE g.task_id = t.id)
                   AS max_score
        FROM attempt_tasks at JOIN tasks t ON t.id = at.task_id
        WHERE at.attempt_id = $1 ORDER BY at.position
        """,
        attempt_id,
    )
    jobs = await conn.fetch(
        """
        SELECT j.id, j.task_id, j.created_at, j.language, j.source, j.samples_only, j.status,
               r.result
        FROM judge_jobs j LEFT JOIN judge_results r ON r.job_id = j.id
        WHERE j.attempt_id = $1 ORDER BY j.created_at
        """,
        attempt_id,
    )
    out = []
    for task in tasks:
        submissions = []
        for job in jobs:
            if job["task_id"] != task["task_id"]:
                continue
            result = job["result"] or {}
            submissions.append(
                {
                    "id": str(job["id"]),
                    "created_at": job["created_at"].isoformat(),
                    "language": job["language"],
                    "source": job["source"],
                    "samples_only": job["samples_only"],
                    "status": job["status"],
                    "verdict": result.get("verdict"),
                    "score": result.get("score"),
                    "max_score": result.get("max_score"),
                    "cpu_ms": result.get("cpu_ms"),
                    "memory_kb": result.get("memory_kb"),
                    "compile_output": result.get("compile_output"),
                    "tests": result.get("tests"),
                    "groups": result.get("groups"),
                }
            )
        out.append(
            {
                "task_id": str(task["task_id"]),
                "title": task["title"],
                "max_score": task["max_score"],
                "submissions": submissions,
            }
        )
    return out


async def _report_quiz(conn: asyncpg.Connection, attempt_id: uuid.UUID) -> list[dict[str, Any]]:
    from server.screening.scoring import answer_credit

    rows = await conn.fetch(
        """
        SELECT a.position, a.answer, a.answered_at, q.kind, q.prompt, q.options, q.answer_key,
               q.points
        FROM attempt_questions a JOIN quiz_questions q ON q.id = a.question_id
        WHERE a.attempt_id = $1 ORDER BY a.position
        """,
        attempt_id,
    )
    return [
        {
            "position": r["position"],
            "kind": r["kind"],
            "prompt": r["prompt"],
            "options": r["options"],
            "answer": r["answer"],
            "answered_at": _iso(r["answered_at"]),
            "answer_key": r["answer_key"],
            "points": r["points"],
            "earned": round(
                r["points"] * answer_credit(r["kind"], r["answer_key"], r["answer"]), 3
            ),
        }
        for r in rows
    ]
