"""Every endpoint, for every role and anonymous, → the status the server must answer.

The table is written out by hand on purpose: it is the specification. A new endpoint that
is not in the table fails ``test_the_matrix_covers_every_endpoint``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from server import rooms
from server.accounts import organisations, passwords, users
from server.accounts.roles import Role
from server.screening.attempts import start_attempt
from server.tasks import NewGroup, NewTest, create_task
from tests.conftest import PASSWORD, connect, serving, unique_email

WHO = ("anonymous", "candidate", "interviewer", "hr", "admin")


@dataclass(frozen=True)
class Case:
    method: str
    rule: str
    statuses: tuple[int, int, int, int, int]  # in the order of WHO
    path: Callable[[dict[str, Any]], str] | None = None
    body: Callable[[dict[str, Any]], Any] | None = None


def everyone(status: int) -> tuple[int, int, int, int, int]:
    return (status,) * 5


SIGNED_IN = (401, 200, 200, 200, 200)
STAFF = (401, 403, 200, 200, 200)
ADMIN = (401, 403, 403, 403, 200)
CANDIDATE_ONLY = (401, 200, 403, 403, 403)
AUTHORS = (401, 403, 403, 200, 200)
AUTHORS_CREATE = (401, 403, 403, 201, 201)
ROOM_INTERVIEWERS = (401, 403, 200, 403, 200)

MATRIX = [
    Case("GET", "/healthz", everyone(200)),
    Case("GET", "/readyz", everyone(200)),
    Case("GET", "/metrics", everyone(200)),
    Case("GET", "/api/v1/openapi.json", everyone(200)),
    Case("GET", "/api/v1/docs", everyone(200)),
    Case("GET", "/", everyone(200)),
    Case("GET", "/<client_path:path>", everyone(200), path=lambda _: "/login"),
    Case(
        "POST",
        "/api/v1/auth/register",
        everyone(201),
        body=lambda _: {"email": unique_email(), "password": PASSWORD, "full_name": "New Person"},
    ),
    Case(
        "POST",
        "/api/v1/auth/login",
        everyone(200),
        body=lambda ctx: {"email": ctx["spare"], "password": PASSWORD},
    ),
    Case("POST", "/api/v1/auth/logout", everyone(204)),
    Case("GET", "/api/v1/me", SIGNED_IN),
    Case("PATCH", "/api/v1/me", SIGNED_IN, body=lambda _: {"locale": "en"}),
    Case("GET", "/api/v1/me/sessions", SIGNED_IN),
    Case(
        "DELETE",
        "/api/v1/me/sessions/<uuid:session_id>",
        (401, 404, 404, 404, 404),
        path=lambda _: f"/api/v1/me/sessions/{uuid.uuid4()}",
    ),
    Case("GET", "/api/v1/me/activity", SIGNED_IN),
    Case("GET", "/api/v1/me/rooms", SIGNED_IN),
    Case("GET", "/api/v1/organisation", STAFF),
    Case("GET", "/api/v1/organisation/members", STAFF),
    Case(
        "POST",
        "/api/v1/organisation/members",
        (401, 403, 403, 403, 201),
        body=lambda _: {
            "email": unique_email(),
            "password": PASSWORD,
            "full_name": "Added",
            "role": "hr",
        },
    ),
    Case(
        "PATCH",
        "/api/v1/organisation/members/<uuid:member_id>",
        (401, 403, 403, 403, 200),
        path=lambda ctx: f"/api/v1/organisation/members/{ctx['member_id']}",
        body=lambda _: {"role": "interviewer"},
    ),
    Case("GET", "/api/v1/audit", ADMIN),
    Case("GET", "/api/v1/languages", SIGNED_IN),
    Case(
        "POST",
        "/api/v1/runs",
        (401, 202, 202, 202, 202),
        body=lambda _: {"language": "python3", "source": "print(1)"},
    ),
    Case(
        "GET",
        "/api/v1/runs/<uuid:run_id>",
        (401, 404, 404, 404, 404),
        path=lambda _: f"/api/v1/runs/{uuid.uuid4()}",
    ),
    Case(
        "POST",
        "/api/v1/tasks/<uuid:task_id>/submissions",
        (401, 403, 202, 202, 202),
        path=lambda ctx: f"/api/v1/tasks/{ctx['task_id']}/submissions",
        body=lambda _: {"language": "python3", "source": "print(int(input()) * 2)"},
    ),
    Case(
        "GET",
        "/api/v1/submissions/<uuid:submission_id>",
        (401, 404, 404, 404, 404),
        path=lambda _: f"/api/v1/submissions/{uuid.uuid4()}",
    ),
    # The board: open to anyone.
    Case("GET", "/api/v1/vacancies", everyone(200)),
    Case(
        "GET",
        "/api/v1/vacancies/<uuid:vacancy_id>",
        everyone(200),
        path=lambda ctx: f"/api/v1/vacancies/{ctx['vacancy_id']}",
    ),
    # A candidate's attempt: only the candidate (here: the one who owns the attempt).
    Case(
        "POST",
        "/api/v1/vacancies/<uuid:vacancy_id>/attempts",
        CANDIDATE_ONLY,
        path=lambda ctx: f"/api/v1/vacancies/{ctx['vacancy_id']}/attempts",
    ),
    Case("GET", "/api/v1/attempts", CANDIDATE_ONLY),
    Case(
        "GET",
        "/api/v1/attempts/<uuid:attempt_id>",
        CANDIDATE_ONLY,
        path=lambda ctx: f"/api/v1/attempts/{ctx['attempt_id']}",
    ),
    Case(
        "PUT",
        "/api/v1/attempts/<uuid:attempt_id>/tasks/<uuid:task_id>/draft",
        (401, 204, 403, 403, 403),
        path=lambda ctx: f"/api/v1/attempts/{ctx['attempt_id']}/tasks/{ctx['task_id']}/draft",
        body=lambda _: {"language": "python3", "source": "print(2)"},
    ),
    Case(
        "POST",
        "/api/v1/attempts/<uuid:attempt_id>/tasks/<uuid:task_id>/runs",
        (401, 202, 403, 403, 403),
        path=lambda ctx: f"/api/v1/attempts/{ctx['attempt_id']}/tasks/{ctx['task_id']}/runs",
        body=lambda _: {"language": "python3", "source": "print(int(input()) * 2)"},
    ),
    Case(
        "POST",
        "/api/v1/attempts/<uuid:attempt_id>/tasks/<uuid:task_id>/submissions",
        (401, 202, 403, 403, 403),
        path=lambda ctx: f"/api/v1/attempts/{ctx['attempt_id']}/tasks/{ctx['task_id']}/submissions",
        body=lambda _: {"language": "python3", "source": "print(int(input()) * 2)"},
    ),
    Case(
        "PUT",
        "/api/v1/attempts/<uuid:attempt_id>/answers/<int:position>",
        CANDIDATE_ONLY,
        path=lambda ctx: f"/api/v1/attempts/{ctx['attempt_id']}/answers/0",
        body=lambda _: {"answer": {"choice": 0}},
    ),
    Case(
        "POST",
        "/api/v1/attempts/<uuid:attempt_id>/events",
        (401, 204, 403, 403, 403),
        path=lambda ctx: f"/api/v1/attempts/{ctx['attempt_id']}/events",
        body=lambda _: {"events": [{"kind": "focus_lost", "at": "2026-12-01T10:00:00+00:00"}]},
    ),
    Case(
        "POST",
        "/api/v1/attempts/<uuid:attempt_id>/finish",
        CANDIDATE_ONLY,
        path=lambda ctx: f"/api/v1/attempts/{ctx['attempt_id']}/finish",
    ),
    # Authoring: staff read, HR and admins write.
    Case("GET", "/api/v1/organisation/tracks", STAFF),
    Case(
        "POST",
        "/api/v1/organisation/tracks",
        AUTHORS_CREATE,
        body=lambda _: {"name": f"Track {uuid.uuid4().hex[:8]}"},
    ),
    Case("GET", "/api/v1/organisation/tasks", STAFF),
    Case(
        "POST",
        "/api/v1/organisation/tasks",
        AUTHORS_CREATE,
        body=lambda _: {
            "title": "Triple",
            "groups": [{"name": "all", "points": 1, "tests": [{"input": "1", "answer": "3"}]}],
        },
    ),
    # JSON is not a package upload: HR and admins get past the role check to a 422.
    Case("POST", "/api/v1/organisation/tasks/import", (401, 403, 403, 422, 422), body=lambda _: {}),
    Case(
        "GET",
        "/api/v1/organisation/tasks/<uuid:task_id>",
        STAFF,
        path=lambda ctx: f"/api/v1/organisation/tasks/{ctx['task_id']}",
    ),
    Case(
        "PATCH",
        "/api/v1/organisation/tasks/<uuid:task_id>",
        AUTHORS,
        path=lambda ctx: f"/api/v1/organisation/tasks/{ctx['task_id']}",
        body=lambda _: {"statement": "Print *twice* the number."},
    ),
    Case("GET", "/api/v1/organisation/questions", STAFF),
    Case(
        "POST",
        "/api/v1/organisation/questions",
        AUTHORS_CREATE,
        body=lambda ctx: {
            "track_id": str(ctx["track_id"]),
            "kind": "numeric",
            "prompt": "How many bits in a byte?",
            "answer_key": {"value": 8, "tolerance": 0},
        },
    ),
    Case(
        "PATCH",
        "/api/v1/organisation/questions/<uuid:question_id>",
        AUTHORS,
        path=lambda ctx: f"/api/v1/organisation/questions/{ctx['question_id']}",
        body=lambda _: {"points": 2},
    ),
    Case("GET", "/api/v1/organisation/vacancies", STAFF),
    Case(
        "POST",
        "/api/v1/organisation/vacancies",
        AUTHORS_CREATE,
        body=lambda ctx: {"title": "Another", "track_id": str(ctx["track_id"])},
    ),
    Case(
        "GET",
        "/api/v1/organisation/vacancies/<uuid:vacancy_id>",
        STAFF,
        path=lambda ctx: f"/api/v1/organisation/vacancies/{ctx['vacancy_id']}",
    ),
    Case(
        "PATCH",
        "/api/v1/organisation/vacancies/<uuid:vacancy_id>",
        AUTHORS,
        path=lambda ctx: f"/api/v1/organisation/vacancies/{ctx['vacancy_id']}",
        body=lambda _: {"pass_mark": 70},
    ),
    # The pipeline: staff read, HR and admins move stages.
    Case(
        "GET",
        "/api/v1/organisation/vacancies/<uuid:vacancy_id>/pipeline",
        STAFF,
        path=lambda ctx: f"/api/v1/organisation/vacancies/{ctx['vacancy_id']}/pipeline",
    ),
    Case(
        "GET",
        "/api/v1/organisation/vacancies/<uuid:vacancy_id>/candidates",
        STAFF,
        path=lambda ctx: f"/api/v1/organisation/vacancies/{ctx['vacancy_id']}/candidates",
    ),
    Case(
        "GET",
        "/api/v1/organisation/vacancies/<uuid:vacancy_id>/candidates.csv",
        STAFF,
        path=lambda ctx: f"/api/v1/organisation/vacancies/{ctx['vacancy_id']}/candidates.csv",
    ),
    Case(
        "GET",
        "/api/v1/organisation/applications/<uuid:application_id>",
        STAFF,
        path=lambda ctx: f"/api/v1/organisation/applications/{ctx['application_id']}",
    ),
    Case(
        "POST",
        "/api/v1/organisation/applications/<uuid:application_id>/stage",
        AUTHORS,
        path=lambda ctx: f"/api/v1/organisation/applications/{ctx['application_id']}/stage",
        body=lambda _: {"stage": "rejected", "reason": "matrix test"},
    ),
    # Interview rooms: the candidate is the one who joined this room with its invite; staff
    # of the organisation are interviewers (interviewer, admin) or observers (hr).
    # The editor's WebSocket: plain HTTP is refused to everyone; the token decides access
    # (tests/test_collab.py), not the session.
    Case(
        "GET", "/yjs/<path:doc_name>", everyone(404), path=lambda c: f"/yjs/{c['room_id']}/main.py"
    ),
    Case("GET", "/api/v1/rooms", STAFF),
    Case("POST", "/api/v1/rooms", (401, 403, 201, 201, 201), body=lambda _: {"title": "Pair"}),
    Case("GET", "/api/v1/rooms/<uuid:room_id>", SIGNED_IN, path=lambda c: _room(c)),
    Case(
        "POST",
        "/api/v1/rooms/<uuid:room_id>/join",
        SIGNED_IN,
        path=lambda c: _room(c, "/join"),
        body=lambda c: {"invite": c["invite"]},
    ),
    Case(
        "POST", "/api/v1/rooms/<uuid:room_id>/token", SIGNED_IN, path=lambda c: _room(c, "/token")
    ),
    Case(
        "PATCH",
        "/api/v1/rooms/<uuid:room_id>",
        ROOM_INTERVIEWERS,
        path=lambda c: _room(c),
        body=lambda _: {"editor_locked": True},
    ),
    Case(
        "POST",
        "/api/v1/rooms/<uuid:room_id>/end",
        ROOM_INTERVIEWERS,
        path=lambda c: _room(c, "/end"),
    ),
    Case(
        "POST",
        "/api/v1/rooms/<uuid:room_id>/documents",
        (401, 201, 201, 403, 201),
        path=lambda c: _room(c, "/documents"),
        body=lambda _: {"file_name": f"f{uuid.uuid4().hex[:8]}.py", "language": "python3"},
    ),
    # The matrix room's file is empty: writers get past the role check to a 422.
    Case(
        "POST",
        "/api/v1/rooms/<uuid:room_id>/runs",
        (401, 422, 422, 403, 422),
        path=lambda c: _room(c, "/runs"),
        body=lambda _: {"file_name": "main.py"},
    ),
    Case(
        "GET",
        "/api/v1/rooms/<uuid:room_id>/runs/<uuid:run_id>",
        (401, 404, 404, 404, 404),
        path=lambda c: _room(c, f"/runs/{uuid.uuid4()}"),
    ),
    Case(
        "GET",
        "/api/v1/rooms/<uuid:room_id>/messages",
        SIGNED_IN,
        path=lambda c: _room(c, "/messages"),
    ),
    Case(
        "POST",
        "/api/v1/rooms/<uuid:room_id>/messages",
        (401, 201, 201, 403, 201),
        path=lambda c: _room(c, "/messages"),
        body=lambda _: {"body": "hello"},
    ),
    Case("GET", "/api/v1/rooms/<uuid:room_id>/notes", STAFF, path=lambda c: _room(c, "/notes")),
    Case(
        "POST",
        "/api/v1/rooms/<uuid:room_id>/notes",
        (401, 403, 201, 403, 201),
        path=lambda c: _room(c, "/notes"),
        body=lambda _: {"body": "private"},
    ),
    Case(
        "GET",
        "/api/v1/rooms/<uuid:room_id>/scorecards",
        STAFF,
        path=lambda c: _room(c, "/scorecards"),
    ),
    Case(
        "PUT",
        "/api/v1/rooms/<uuid:room_id>/scorecard",
        ROOM_INTERVIEWERS,
        path=lambda c: _room(c, "/scorecard"),
        body=lambda _: {"summary": "draft"},
    ),
    Case(
        "GET",
        "/api/v1/rooms/<uuid:room_id>/documents/<uuid:document_id>/history",
        STAFF,
        path=lambda c: _room(c, f"/documents/{c['document_id']}/history"),
    ),
]


def _room(ctx: dict[str, Any], rest: str = "") -> str:
    return f"/api/v1/rooms/{ctx['room_id']}{rest}"


@pytest.fixture
async def node(make_settings, tmp_path):
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Sobes</title>")
    async with serving(make_settings(web_dist=dist, judge_workers=1)) as running:
        workers = running.extensions["sobes"].judge_workers
        for _ in range(600):  # the worker registers its languages once it has self-tested
            if workers.worker is not None:
                break
            await asyncio.sleep(0.05)
        yield running


@pytest.fixture
async def people(database_url):
    """One account per role in one organisation, a spare member, and a spare login."""
    conn = await connect(database_url)
    password_hash = await passwords.hash_password(PASSWORD)
    try:
        org = await organisations.ensure_organisation(conn, f"Matrix {uuid.uuid4().hex[:8]}")
        made = {}
        for role in Role:
            user = await users.create_user(
                conn,
                email=unique_email(role.value),
                password_hash=password_hash,
                full_name=role.value,
                role=role,
                organisation_id=None if role is Role.CANDIDATE else org["id"],
            )
            made[role.value] = user.email
        member = await users.create_user(
            conn,
            email=unique_email("member"),
            password_hash=password_hash,
            full_name="Member",
            role=Role.HR,
            organisation_id=org["id"],
        )
        spare = await users.create_user(
            conn,
            email=unique_email("spare"),
            password_hash=password_hash,
            full_name="Spare",
            role=Role.CANDIDATE,
            organisation_id=None,
        )
        task_id = await create_task(
            conn,
            organisation_id=org["id"],
            title="Double",
            groups=[
                NewGroup("samples", 0, [NewTest("1\n", "2\n", visible=True)]),
                NewGroup("all", 1, [NewTest("2\n", "4\n")]),
            ],
        )
        screening = await _screening_content(conn, org["id"], task_id, made["candidate"])
    finally:
        await conn.close()
    return {
        "emails": made,
        "member_id": member.id,
        "spare": spare.email,
        "task_id": task_id,
        **screening,
    }


async def _screening_content(conn, organisation_id, task_id, candidate_email):
    """A track with a question, an open vacancy with the task, and the candidate's attempt."""
    track_id = await conn.fetchval(
        "INSERT INTO tracks (organisation_id, slug, name) VALUES ($1, 'matrix', 'Matrix') "
        "RETURNING id",
        organisation_id,
    )
    question_id = await conn.fetchval(
        "INSERT INTO quiz_questions (organisation_id, track_id, kind, prompt, options, answer_key) "
        "VALUES ($1, $2, 'single', 'Pick one', $3, $4) RETURNING id",
        organisation_id,
        track_id,
        ["this", "that"],
        {"correct": 0},
    )
    vacancy_id = await conn.fetchval(
        "INSERT INTO vacancies (organisation_id, track_id, title, status, quiz_questions, "
        "languages) VALUES ($1, $2, 'Matrix developer', 'open', 1, '{python3}') RETURNING id",
        organisation_id,
        track_id,
    )
    await conn.execute(
        "INSERT INTO vacancy_tasks (vacancy_id, task_id, position) VALUES ($1, $2, 0)",
        vacancy_id,
        task_id,
    )
    candidate_id = await conn.fetchval("SELECT id FROM users WHERE email = $1", candidate_email)
    room = await _room_with_candidate(conn, organisation_id, candidate_id)
    attempt_id, _, _ = await start_attempt(conn, vacancy_id, candidate_id, datetime.now(UTC))
    application_id = await conn.fetchval(
        "SELECT application_id FROM attempts WHERE id = $1", attempt_id
    )
    return {
        "track_id": track_id,
        "question_id": question_id,
        "vacancy_id": vacancy_id,
        "attempt_id": attempt_id,
        "application_id": application_id,
        **room,
    }


async def _room_with_candidate(conn, organisation_id, candidate_id):
    """A room made by the organisation's interviewer, the candidate seated by the invite."""
    interviewer = await conn.fetchval(
        "SELECT id FROM users WHERE organisation_id = $1 AND role = 'interviewer' LIMIT 1",
        organisation_id,
    )
    creator = await users.get_user(conn, interviewer)
    room_id, invite = await rooms.create_room(
        conn, creator=creator, title="Matrix room", files=[("main.py", "python3")]
    )
    await conn.execute(
        "INSERT INTO room_participants (room_id, user_id, role) VALUES ($1, $2, 'candidate')",
        room_id,
        candidate_id,
    )
    document_id = await conn.fetchval("SELECT id FROM room_documents WHERE room_id = $1", room_id)
    return {"room_id": room_id, "invite": invite, "document_id": document_id}


async def client_for(node, people, who: str):
    client = node.test_client()
    if who != "anonymous":
        answer = await client.post(
            "/api/v1/auth/login", json={"email": people["emails"][who], "password": PASSWORD}
        )
        assert answer.status_code == 200
    return client


def test_the_matrix_covers_every_endpoint(make_settings):
    from server.app import create_app

    app = create_app(make_settings())
    served = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods
        if method not in ("HEAD", "OPTIONS") and rule.endpoint != "static"
    }
    assert served == {(case.method, case.rule) for case in MATRIX}


@pytest.mark.parametrize("case", MATRIX, ids=lambda c: f"{c.method} {c.rule}")
async def test_role_matrix(node, people, case: Case):
    got = []
    for who in WHO:
        client = await client_for(node, people, who)
        path = case.path(people) if case.path else case.rule
        kwargs = {"json": case.body(people)} if case.body else {}
        response = await client.open(path, method=case.method, **kwargs)
        got.append(response.status_code)
        if response.status_code >= 400:
            error = (await response.get_json())["error"]
            assert error["code"] and error["message"]
    assert dict(zip(WHO, got, strict=True)) == dict(zip(WHO, case.statuses, strict=True))
