"""Submissions against a task's tests: the same runner, through the queue, scored by groups."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from judge.limits import Limits
from server.accounts.roles import Role
from server.tasks import NewGroup, NewTest, create_task, load_task
from tests.conftest import connect, serving, sign_in
from tests.test_runs import wait_for_languages

SOLUTION = "n = int(input())\nprint(n * n if n < 100 else 0)\n"
SQUARE_CPP = "#include <iostream>\nint main(){long n;std::cin>>n;std::cout<<n*n<<'\\n';}\n"


@pytest.fixture
async def judged(make_settings):
    async with serving(make_settings(judge_workers=2)) as node:
        yield node


async def make_task(database_url, organisation_id) -> uuid.UUID:
    conn = await connect(database_url)
    try:
        return await create_task(
            conn,
            organisation_id=organisation_id,
            title="Squares",
            limits=Limits(cpu_ms=1000),
            groups=[
                NewGroup("samples", 0, [NewTest("3\n", "9\n", visible=True)]),
                NewGroup("small", 40, [NewTest(f"{n}\n", f"{n * n}\n") for n in range(1, 6)]),
                NewGroup("large", 60, [NewTest("150\n", "22500\n"), NewTest("7\n", "49\n")]),
            ],
        )
    finally:
        await conn.close()


async def wait_submission(client, submission_id, timeout=60):
    for _ in range(int(timeout / 0.05)):
        body = await (await client.get(f"/api/v1/submissions/{submission_id}")).get_json()
        if body["status"] == "done":
            return body
        await asyncio.sleep(0.05)
    raise AssertionError("the submission was not judged")


async def test_a_submission_is_judged_against_the_tasks_tests(judged, make_account, database_url):
    author = await make_account(Role.HR)
    task_id = await make_task(database_url, author.organisation_id)
    client = await sign_in(judged, author)
    await wait_for_languages(client)
    answer = await client.post(
        f"/api/v1/tasks/{task_id}/submissions", json={"language": "python3", "source": SOLUTION}
    )
    assert answer.status_code == 202
    submission = await wait_submission(client, (await answer.get_json())["id"])
    assert submission["verdict"] == "WA"
    assert (submission["score"], submission["max_score"]) == (40, 100)
    assert [g["earned"] for g in submission["groups"]] == [0, 40, 0]
    assert len(submission["tests"]) == 8
    sample, *hidden = submission["tests"]
    assert sample["stdout"] == "9\n"
    assert all("stdout" not in test for test in hidden)  # hidden tests: verdicts only
    right = await client.post(
        f"/api/v1/tasks/{task_id}/submissions",
        json={"language": "cpp", "source": SQUARE_CPP},
    )
    accepted = await wait_submission(client, (await right.get_json())["id"])
    assert accepted["verdict"] == "AC" and accepted["score"] == 100


async def test_tasks_belong_to_their_organisation(judged, make_account, database_url):
    author = await make_account(Role.HR, organisation="Task Owners")
    outsider = await make_account(Role.ADMIN, organisation="Other Company")
    task_id = await make_task(database_url, author.organisation_id)
    client = await sign_in(judged, outsider)
    await wait_for_languages(client)
    answer = await client.post(
        f"/api/v1/tasks/{task_id}/submissions", json={"language": "python3", "source": "print(1)"}
    )
    assert answer.status_code == 404


async def test_the_stored_task_is_what_the_judge_runs(make_account, database_url):
    author = await make_account(Role.HR)
    task_id = await make_task(database_url, author.organisation_id)
    conn = await connect(database_url)
    try:
        spec = await load_task(conn, task_id)
    finally:
        await conn.close()
    assert [(g.name, g.points, len(g.tests)) for g in spec.groups] == [
        ("samples", 0, 1),
        ("small", 40, 5),
        ("large", 60, 2),
    ]
    assert spec.groups[0].tests[0].visible and not spec.groups[2].tests[0].visible
    assert spec.groups[2].tests[0].answer == b"22500\n"
    assert spec.limits.cpu_ms == 1000
