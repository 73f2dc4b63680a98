"""Every endpoint, for every role and anonymous, → the status the server must answer.

The table is written out by hand on purpose: it is the specification. A new endpoint that
is not in the table fails ``test_the_matrix_covers_every_endpoint``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from server.accounts import organisations, passwords, users
from server.accounts.roles import Role
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
]


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
            groups=[NewGroup("all", 1, [NewTest("2\n", "4\n")])],
        )
    finally:
        await conn.close()
    return {"emails": made, "member_id": member.id, "spare": spare.email, "task_id": task_id}


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
