"""Demo data for a first look: one organisation with its team, a candidate, and the screening
funnel's content (tracks, coding tasks, quiz pools, vacancies: ``server.demo_content``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from judge.checkers import CheckerSpec
from judge.limits import Limits
from server import audit, demo_content
from server.accounts import organisations, passwords, users
from server.accounts.roles import Role
from server.tasks import NewGroup, NewTest, create_task

DEMO_ORGANISATION = "Acme Hiring"
DEMO_TASK_TITLE = "A + B"
SMALL_SUMS = [(1, 2), (-5, 5), (100, 250), (0, 0), (-7, -8)]
LARGE_SUMS = [(10**18, 10**18), (-(10**18), 3), (999_999_999_999, 1)]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    full_name: str
    role: Role


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.sobes.dev", "demo-admin-pass", "Alexandra Admin", Role.ADMIN),
    DemoAccount("hr@demo.sobes.dev", "demo-hr-pass", "Helen Recruiter", Role.HR),
    DemoAccount(
        "interviewer@demo.sobes.dev", "demo-interviewer-pass", "Ivan Interviewer", Role.INTERVIEWER
    ),
    DemoAccount(
        "candidate@demo.sobes.dev", "demo-candidate-pass", "Kate Candidate", Role.CANDIDATE
    ),
)


async def load_demo_data(conn: asyncpg.Connection) -> list[str]:
    """Create what is missing of the demo data, in one transaction; returns what it created.

    The entries are the e-mails of the accounts created, then ``"task: A + B"``, and for the
    screening content ``"track: <slug>"``, ``"task: <title>"``, ``"question: <track slug>:
    <start of the prompt>"`` and ``"vacancy: <title>"``. Existing rows (matched by
    organisation and slug for tracks, organisation and title for tasks and vacancies, track
    and prompt for questions) are left as they are, so running it again changes nothing.
    """
    created: list[str] = []
    async with conn.transaction():
        organisation = await organisations.ensure_organisation(conn, DEMO_ORGANISATION)
        for account in DEMO_ACCOUNTS:
            if await users.find_credentials(conn, account.email) is not None:
                continue
            user = await users.create_user(
                conn,
                email=account.email,
                password_hash=await passwords.hash_password(account.password),
                full_name=account.full_name,
                role=account.role,
                organisation_id=None if account.role is Role.CANDIDATE else organisation["id"],
            )
            await audit.record(
                conn,
                "user.created",
                subject_id=user.id,
                organisation_id=user.organisation_id,
                details={"by": "sobes demo-data"},
            )
            created.append(account.email)
        if not await conn.fetchval(
            "SELECT 1 FROM tasks WHERE organisation_id = $1 AND title = $2",
            organisation["id"],
            DEMO_TASK_TITLE,
        ):
            await create_task(
                conn,
                organisation_id=organisation["id"],
                title=DEMO_TASK_TITLE,
                statement="Read two integers a and b (|a|, |b| ≤ 10^18) and print a + b.",
                groups=[
                    NewGroup("samples", 0, [NewTest("3 4\n", "7\n", visible=True)]),
                    NewGroup(
                        "small", 40, [NewTest(f"{a} {b}\n", f"{a + b}\n") for a, b in SMALL_SUMS]
                    ),
                    NewGroup(
                        "large", 60, [NewTest(f"{a} {b}\n", f"{a + b}\n") for a, b in LARGE_SUMS]
                    ),
                ],
            )
            created.append(f"task: {DEMO_TASK_TITLE}")
        created += await _load_screening_content(conn, organisation["id"])
    return created


def _excerpt(prompt: str, length: int = 60) -> str:
    line = prompt.split("\n", 1)[0]
    return line if len(line) <= length else line[: length - 1] + "…"


async def _load_screening_content(
    conn: asyncpg.Connection, organisation_id: uuid.UUID
) -> list[str]:
    """Tracks, tasks, questions and vacancies of ``server.demo_content`` that are missing."""
    created: list[str] = []
    tracks: dict[str, uuid.UUID] = {}
    for track in demo_content.TRACKS:
        track_id = await conn.fetchval(
            "SELECT id FROM tracks WHERE organisation_id = $1 AND slug = $2",
            organisation_id,
            track["slug"],
        )
        if track_id is None:
            track_id = await conn.fetchval(
                """
                INSERT INTO tracks (organisation_id, slug, name, description)
                VALUES ($1, $2, $3, $4) RETURNING id
                """,
                organisation_id,
                track["slug"],
                track["name"],
                track["description"],
            )
            created.append(f"track: {track['slug']}")
        tracks[track["slug"]] = track_id

    tasks: dict[str, uuid.UUID] = {}
    for task in demo_content.TASKS:
        task_id = await _task_id(conn, organisation_id, task["title"])
        if task_id is None:
            task_id = await create_task(
                conn,
                organisation_id=organisation_id,
                title=task["title"],
                statement=task["statement"],
                groups=[
                    NewGroup(
                        group["name"],
                        group["points"],
                        [
                            NewTest(test["input"], test["answer"], test["visible"], test["name"])
                            for test in group["tests"]
                        ],
                    )
                    for group in demo_content.task_groups(task)
                ],
                limits=Limits(**task["limits"]),
                checker=CheckerSpec(**task["checker"]),
                track_id=tracks[task["track"]],
                starter_code=task["starter_code"],
            )
            created.append(f"task: {task['title']}")
        tasks[task["title"]] = task_id

    for question in demo_content.QUESTIONS:
        track_id = tracks[question["track"]]
        if await conn.fetchval(
            "SELECT 1 FROM quiz_questions WHERE track_id = $1 AND prompt = $2",
            track_id,
            question["prompt"],
        ):
            continue
        await conn.execute(
            """
            INSERT INTO quiz_questions (organisation_id, track_id, kind, prompt, options,
                                        answer_key, points)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            organisation_id,
            track_id,
            question["kind"],
            question["prompt"],
            question["options"],
            question["answer_key"],
            question["points"],
        )
        created.append(f"question: {question['track']}: {_excerpt(question['prompt'])}")

    author = await conn.fetchval(
        "SELECT id FROM users WHERE email = $1",
        next(a.email for a in DEMO_ACCOUNTS if a.role is Role.HR),
    )
    for vacancy in demo_content.VACANCIES:
        if await conn.fetchval(
            "SELECT 1 FROM vacancies WHERE organisation_id = $1 AND title = $2",
            organisation_id,
            vacancy["title"],
        ):
            continue
        vacancy_id = await _insert_vacancy(conn, organisation_id, tracks, vacancy, author)
        await conn.executemany(
            """
            INSERT INTO vacancy_tasks (vacancy_id, task_id, position, weight)
            VALUES ($1, $2, $3, $4)
            """,
            [
                (vacancy_id, tasks[entry["title"]], position, entry["weight"])
                for position, entry in enumerate(vacancy["tasks"])
            ],
        )
        created.append(f"vacancy: {vacancy['title']}")
    return created


async def _task_id(
    conn: asyncpg.Connection, organisation_id: uuid.UUID, title: str
) -> uuid.UUID | None:
    return await conn.fetchval(
        """
        SELECT id FROM tasks WHERE organisation_id = $1 AND title = $2
        ORDER BY created_at LIMIT 1
        """,
        organisation_id,
        title,
    )


async def _insert_vacancy(
    conn: asyncpg.Connection,
    organisation_id: uuid.UUID,
    tracks: dict[str, uuid.UUID],
    vacancy: dict[str, Any],
    author: uuid.UUID | None,
) -> uuid.UUID:
    return await conn.fetchval(
        """
        INSERT INTO vacancies (organisation_id, track_id, title, description, status, pass_mark,
                               duration_minutes, quiz_questions, quiz_weight, languages,
                               created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
        """,
        organisation_id,
        tracks[vacancy["track"]],
        vacancy["title"],
        vacancy["description"],
        vacancy["status"],
        vacancy["pass_mark"],
        vacancy["duration_minutes"],
        vacancy["quiz_questions"],
        vacancy["quiz_weight"],
        vacancy["languages"],
        author,
    )


async def present_demo_accounts(conn: asyncpg.Connection) -> list[DemoAccount]:
    """The demo accounts that exist in this database."""
    emails = {
        row["email"]
        for row in await conn.fetch(
            "SELECT email FROM users WHERE email = ANY($1::text[])",
            [account.email for account in DEMO_ACCOUNTS],
        )
    }
    return [account for account in DEMO_ACCOUNTS if account.email in emails]
