"""Tasks: a statement, limits, a checker, and tests in groups with points (a minimal bank)."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg

from judge.checkers import CheckerSpec
from judge.limits import Limits
from judge.runner import GroupSpec, TaskSpec, TestSpec


@dataclass
class NewTest:
    input: str
    answer: str
    visible: bool = False
    name: str | None = None


@dataclass
class NewGroup:
    name: str
    points: int
    tests: list[NewTest] = field(default_factory=list)


async def create_task(
    conn: asyncpg.Connection,
    *,
    organisation_id: uuid.UUID,
    title: str,
    groups: list[NewGroup],
    statement: str = "",
    limits: Limits | None = None,
    checker: CheckerSpec | None = None,
    stop_on_first_failure: bool = False,
    track_id: uuid.UUID | None = None,
    starter_code: dict[str, str] | None = None,
    origin: str | None = None,
) -> uuid.UUID:
    """Store a task with its groups and tests in one transaction."""
    async with conn.transaction():
        task_id = await conn.fetchval(
            """
            INSERT INTO tasks (organisation_id, title, statement, limits, checker,
                               stop_on_first_failure, track_id, starter_code, origin)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
            """,
            organisation_id,
            title,
            statement,
            asdict(limits or Limits()),
            asdict(checker or CheckerSpec()),
            stop_on_first_failure,
            track_id,
            starter_code or {},
            origin,
        )
        for group_index, group in enumerate(groups):
            await conn.execute(
                "INSERT INTO task_groups (task_id, ordinal, name, points) VALUES ($1, $2, $3, $4)",
                task_id,
                group_index,
                group.name,
                group.points,
            )
            await conn.executemany(
                """
                INSERT INTO task_tests (task_id, group_ordinal, ordinal, name, input, answer,
                                        visible)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    (
                        task_id,
                        group_index,
                        test_index,
                        test.name or f"{group.name}-{test_index + 1}",
                        test.input.encode(),
                        test.answer.encode(),
                        test.visible,
                    )
                    for test_index, test in enumerate(group.tests)
                ],
            )
    return task_id


async def task_organisation(conn: asyncpg.Connection, task_id: uuid.UUID) -> uuid.UUID | None:
    return await conn.fetchval("SELECT organisation_id FROM tasks WHERE id = $1", task_id)


async def load_task(
    conn: asyncpg.Connection, task_id: uuid.UUID, *, samples_only: bool = False
) -> TaskSpec | None:
    """The task as the judge runs it, tests and all (or only its visible samples)."""
    task = await conn.fetchrow(
        "SELECT limits, checker, stop_on_first_failure FROM tasks WHERE id = $1", task_id
    )
    if task is None:
        return None
    groups = await conn.fetch(
        "SELECT ordinal, name, points FROM task_groups WHERE task_id = $1 ORDER BY ordinal", task_id
    )
    tests = await conn.fetch(
        """
        SELECT group_ordinal, name, input, answer, visible FROM task_tests
        WHERE task_id = $1 AND (visible OR NOT $2) ORDER BY group_ordinal, ordinal
        """,
        task_id,
        samples_only,
    )
    by_group: dict[int, list[TestSpec]] = {g["ordinal"]: [] for g in groups}
    for test in tests:
        by_group[test["group_ordinal"]].append(
            TestSpec(test["name"], bytes(test["input"]), bytes(test["answer"]), test["visible"])
        )
    if samples_only:
        groups = [g for g in groups if by_group[g["ordinal"]]]
    return TaskSpec(
        groups=tuple(
            GroupSpec(g["name"], g["points"], tuple(by_group[g["ordinal"]])) for g in groups
        ),
        limits=Limits(**task["limits"]),
        checker=CheckerSpec(**task["checker"]),
        stop_on_first_failure=task["stop_on_first_failure"],
    )


async def statements(
    conn: asyncpg.Connection, task_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """Tasks as a candidate may see them, by id: title, statement, limits and the visible
    samples. Hidden tests, the checker and its sources never leave through here, so every view
    shown to a candidate (an attempt, an interview room) takes its tasks from this one place."""
    tasks = await conn.fetch(
        "SELECT id, title, statement, limits FROM tasks WHERE id = ANY($1::uuid[])", task_ids
    )
    samples = await conn.fetch(
        "SELECT task_id, name, input, answer FROM task_tests "
        "WHERE task_id = ANY($1::uuid[]) AND visible ORDER BY group_ordinal, ordinal",
        task_ids,
    )
    return {
        task["id"]: {
            "id": str(task["id"]),
            "title": task["title"],
            "statement": task["statement"],
            "limits": {
                "cpu_ms": task["limits"].get("cpu_ms", Limits.cpu_ms),
                "memory_mb": task["limits"].get("memory_mb", Limits.memory_mb),
            },
            "samples": [
                {
                    "name": s["name"],
                    "input": bytes(s["input"]).decode(errors="replace"),
                    "answer": bytes(s["answer"]).decode(errors="replace"),
                }
                for s in samples
                if s["task_id"] == task["id"]
            ],
        }
        for task in tasks
    }


def submission_view(row: asyncpg.Record) -> dict[str, Any]:
    result = row["result"] or {}
    return {
        "id": str(row["id"]),
        "task_id": str(row["task_id"]),
        "status": row["status"],
        "language": row["language"],
        "created_at": row["created_at"].isoformat(),
        "verdict": result.get("verdict"),
        "score": result.get("score"),
        "max_score": result.get("max_score"),
        "compile_output": result.get("compile_output"),
        "cpu_ms": result.get("cpu_ms"),
        "memory_kb": result.get("memory_kb"),
        "tests": result.get("tests"),
        "groups": result.get("groups"),
        "attempt_id": str(row["attempt_id"]) if row["attempt_id"] else None,
        "samples_only": row["samples_only"],
    }
