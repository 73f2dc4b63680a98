"""The screening funnel through the API, against real PostgreSQL, Redis and the judge.

HR authors a track, a task, quiz questions and a vacancy; a candidate takes the timed
assessment (drafts, sample runs, submissions judged in the sandbox, answers, integrity
events) and sees the score at once; HR sees the candidate move to `passed` live over
Socket.IO, reads the report and exports the table. Deadlines are enforced on the server's
clock, which the tests move.
"""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
import socketio

from server.accounts.roles import Role
from tests.conftest import connect, http_login, live_server, serving, sign_in
from tests.test_runs import wait_for_languages

SQUARE = "n = int(input())\nprint(n * n)\n"
HALF_RIGHT = "n = int(input())\nprint(n * n if n < 100 else 0)\n"
TASK = {
    "title": "Squares",
    "statement": "Read *n*, print n².",
    "limits": {"cpu_ms": 1000, "memory_mb": 128},
    "starter_code": {"python3": "n = int(input())\n# your code\n"},
    "groups": [
        {
            "name": "samples",
            "points": 0,
            "tests": [{"input": "3\n", "answer": "9\n", "visible": True}],
        },
        {
            "name": "small",
            "points": 40,
            "tests": [{"input": f"{n}\n", "answer": f"{n * n}\n"} for n in range(1, 5)],
        },
        {
            "name": "large",
            "points": 60,
            "tests": [
                {"input": "150\n", "answer": "22500\n"},
                {"input": "1000\n", "answer": "1000000\n"},
            ],
        },
    ],
}
QUESTIONS = [
    {"kind": "single", "prompt": "2 + 2?", "options": ["3", "4", "5"],
     "answer_key": {"correct": 1}},
    {"kind": "multiple", "prompt": "Even numbers?", "options": ["1", "2", "3", "4"],
     "answer_key": {"correct": [1, 3]}, "points": 2},
    {"kind": "text", "prompt": "Python's keyword for a function?",
     "answer_key": {"accepted": ["def"], "pattern": None, "case_sensitive": True}},
    {"kind": "numeric", "prompt": "π to two places?",
     "answer_key": {"value": 3.14, "tolerance": 0.005}},
]  # fmt: skip
RIGHT_ANSWERS = {
    "single": {"choice": 1},
    "multiple": {"choices": [1, 3]},
    "text": {"text": "def"},
    "numeric": {"value": 3.14159},
}


async def author(client, *, quiz_questions=4, duration_minutes=30, pass_mark=60, status="open"):
    """Track, task, questions and a vacancy, made through the authoring API."""
    track = await client.post(
        "/api/v1/organisation/tracks", json={"name": f"Python {uuid.uuid4().hex[:6]}"}
    )
    assert track.status_code == 201, await track.get_data(as_text=True)
    track_id = (await track.get_json())["id"]
    task = await client.post("/api/v1/organisation/tasks", json={**TASK, "track_id": track_id})
    assert task.status_code == 201, await task.get_data(as_text=True)
    task_id = (await task.get_json())["id"]
    for question in QUESTIONS:
        made = await client.post(
            "/api/v1/organisation/questions", json={**question, "track_id": track_id}
        )
        assert made.status_code == 201, await made.get_data(as_text=True)
    vacancy = await client.post(
        "/api/v1/organisation/vacancies",
        json={
            "title": "Python developer",
            "description": "We write **Python**.",
            "track_id": track_id,
            "status": status,
            "pass_mark": pass_mark,
            "duration_minutes": duration_minutes,
            "quiz_questions": quiz_questions,
            "quiz_weight": 1,
            "languages": ["python3", "cpp"],
            "tasks": [{"task_id": task_id, "weight": 3}],
        },
    )
    assert vacancy.status_code == 201, await vacancy.get_data(as_text=True)
    return {
        "track_id": track_id,
        "task_id": task_id,
        "vacancy_id": (await vacancy.get_json())["id"],
    }


class Http:
    """A signed-in aiohttp client of a live server."""

    def __init__(self, base_url: str, cookie: str) -> None:
        self.base_url = base_url
        self.session = aiohttp.ClientSession(headers={"Cookie": cookie})

    async def call(self, method: str, path: str, body=None) -> tuple[int, object]:
        async with self.session.request(method, self.base_url + path, json=body) as answer:
            if answer.content_type == "application/json":
                return answer.status, await answer.json()
            return answer.status, await answer.text()

    async def close(self) -> None:
        await self.session.close()


async def listen(base_url: str, cookie: str, **options) -> tuple[socketio.AsyncClient, list]:
    client = socketio.AsyncClient(reconnection=False, **options)
    heard: list = []

    @client.on("*")
    async def _any(event, data):
        heard.append((event, data))

    await client.connect(
        base_url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=5
    )
    return client, heard


async def until(predicate, timeout=60.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := predicate()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
    return found


@pytest.fixture
def screening_settings(make_settings):
    return lambda **extra: make_settings(**{"judge_workers": 2, **extra})


async def test_a_candidate_takes_an_assessment_and_hr_sees_it_live(
    screening_settings, make_account
):
    hr = await make_account(Role.HR, organisation="Flow Owner")
    rival = await make_account(Role.HR, organisation="Flow Rival")
    candidate = await make_account(Role.CANDIDATE)
    settings = screening_settings()
    async with serving(settings) as node:
        made = await author(await sign_in(node, hr))
    async with live_server(settings) as base_url:
        hr_cookie = await http_login(base_url, hr)
        cand_cookie = await http_login(base_url, candidate)
        hr_http, cand = Http(base_url, hr_cookie), Http(base_url, cand_cookie)
        hr_socket, hr_heard = await listen(base_url, hr_cookie)
        cand_socket, cand_heard = await listen(base_url, cand_cookie)
        rival_socket, rival_heard = await listen(base_url, await http_login(base_url, rival))
        try:
            await _the_flow(made, hr_http, cand, hr_heard, cand_heard, candidate)
        finally:
            for client in (hr_socket, cand_socket, rival_socket):
                await client.disconnect()
            await hr_http.close()
            await cand.close()
    # Who hears what: the organisation's staff hear the pipeline, never the candidate's own
    # events; the candidate never hears the pipeline; another organisation hears nothing.
    assert {e for e, _ in rival_heard} <= {"session"}
    assert "pipeline.changed" not in {e for e, _ in cand_heard}
    assert {"submission.finished", "attempt.finished"} <= {e for e, _ in cand_heard}
    assert {e for e, _ in hr_heard} == {"session", "pipeline.changed"}


async def _the_flow(made, hr_http, cand, hr_heard, cand_heard, candidate):
    vacancy_id, task_id = made["vacancy_id"], made["task_id"]
    for _ in range(300):
        status, languages = await cand.call("GET", "/api/v1/languages")
        if languages["languages"]:
            break
        await asyncio.sleep(0.1)

    status, board = await cand.call("GET", "/api/v1/vacancies")
    assert status == 200
    assert vacancy_id in {v["id"] for v in board["vacancies"]}
    status, filtered = await cand.call("GET", f"/api/v1/vacancies?track={uuid.uuid4()}")
    assert status == 200 and filtered["vacancies"] == []

    status, attempt = await cand.call("POST", f"/api/v1/vacancies/{vacancy_id}/attempts")
    assert status == 201, attempt
    attempt_id = attempt["id"]
    # The deadline is the server's: 30 minutes from the start, and the server's time is given.
    started = datetime.fromisoformat(attempt["started_at"])
    assert datetime.fromisoformat(attempt["deadline"]) - started == timedelta(minutes=30)
    assert abs(datetime.fromisoformat(attempt["server_time"]) - datetime.now(UTC)) < timedelta(
        seconds=30
    )
    assert {lang["id"] for lang in attempt["languages"]} <= {"python3", "cpp"}
    (task,) = attempt["tasks"]
    assert task["samples"] == [{"name": "samples-1", "input": "3\n", "answer": "9\n"}]
    assert task["starter_code"]["python3"].startswith("n = int")
    assert task["max_score"] == 100
    assert len(attempt["questions"]) == 4
    for question in attempt["questions"]:
        assert "answer_key" not in question  # never the key
    text = str(attempt)
    assert "22500" not in text and "1000000" not in text  # never a hidden test

    # HR heard the candidate start.
    await until(
        lambda: any(
            e == "pipeline.changed" and d["application"]["stage"] == "started" for e, d in hr_heard
        )
    )
    # Starting again resumes the same attempt.
    status, again = await cand.call("POST", f"/api/v1/vacancies/{vacancy_id}/attempts")
    assert status == 200 and again["id"] == attempt_id

    base = f"/api/v1/attempts/{attempt_id}"
    status, _ = await cand.call(
        "PUT", f"{base}/tasks/{task_id}/draft", {"language": "python3", "source": "print(1)"}
    )
    assert status == 204
    status, refused = await cand.call(
        "PUT", f"{base}/tasks/{task_id}/draft", {"language": "java", "source": "x"}
    )
    assert status == 422 and refused["error"]["code"] == "language_not_allowed"

    status, run = await cand.call(
        "POST", f"{base}/tasks/{task_id}/runs", {"language": "python3", "source": SQUARE}
    )
    assert status == 202
    sample_run = await until(
        lambda: next(
            (d for e, d in cand_heard if e == "submission.finished" and d["id"] == run["id"]),
            None,
        )
    )
    assert sample_run["samples_only"] is True and sample_run["verdict"] == "AC"
    assert [t["stdout"] for t in sample_run["tests"]] == ["9\n"]

    status, partial = await cand.call(
        "POST", f"{base}/tasks/{task_id}/submissions", {"language": "python3", "source": HALF_RIGHT}
    )
    assert status == 202
    judged = await until(
        lambda: next(
            (d for e, d in cand_heard if e == "submission.finished" and d["id"] == partial["id"]),
            None,
        )
    )
    assert judged["score"] == 40 and judged["verdict"] == "WA"
    hidden = [t for t in judged["tests"] if t["group"] != "samples"]
    assert hidden and all("stdout" not in t for t in hidden)
    status, best = await cand.call(
        "POST", f"{base}/tasks/{task_id}/submissions", {"language": "python3", "source": SQUARE}
    )
    await until(
        lambda: any(e == "submission.finished" and d["id"] == best["id"] for e, d in cand_heard)
    )

    for question in attempt["questions"]:
        status, saved = await cand.call(
            "PUT",
            f"{base}/answers/{question['position']}",
            {"answer": RIGHT_ANSWERS[question["kind"]]},
        )
        assert status == 200, saved
    status, bad = await cand.call("PUT", f"{base}/answers/0", {"answer": {"choice": "x"}})
    assert status == 422 and bad["error"]["code"] == "invalid_answer"
    status, _ = await cand.call(
        "POST",
        f"{base}/events",
        {
            "events": [
                {"kind": "tab_hidden", "at": datetime.now(UTC).isoformat()},
                {"kind": "paste", "at": datetime.now(UTC).isoformat(), "details": {"length": 120}},
            ]
        },
    )
    assert status == 204

    # Reload: everything comes back from the server.
    status, resumed = await cand.call("GET", base)
    assert resumed["tasks"][0]["drafts"]["python3"]["source"] == "print(1)"
    assert all(q["answer"] is not None for q in resumed["questions"])
    assert resumed["tasks"][0]["best_score"] == 100

    status, finished = await cand.call("POST", f"{base}/finish")
    assert status == 200 and finished["status"] == "finished"
    result = finished["result"]
    assert result["score_percent"] == 100.0 and result["passed"] is True
    assert result["tasks"][0]["score"] == 100 and result["quiz"]["earned"] == 5

    # After the end, nothing more is taken.
    status, late = await cand.call(
        "PUT", f"{base}/tasks/{task_id}/draft", {"language": "python3", "source": "late"}
    )
    assert status == 409 and late["error"]["code"] == "attempt_over"
    status, late = await cand.call(
        "POST", f"{base}/tasks/{task_id}/submissions", {"language": "python3", "source": SQUARE}
    )
    assert status == 409

    passed_event = await until(
        lambda: next(
            (
                d
                for e, d in hr_heard
                if e == "pipeline.changed" and d["application"]["stage"] == "passed"
            ),
            None,
        )
    )
    application_id = passed_event["application"]["application_id"]
    assert passed_event["vacancy_id"] == vacancy_id

    status, funnel = await hr_http.call(
        "GET", f"/api/v1/organisation/vacancies/{vacancy_id}/pipeline"
    )
    counts = {s["stage"]: s for s in funnel["funnel"]}
    assert counts["passed"]["count"] == 1
    assert counts["started"]["reached"] == 1 and counts["finished"]["reached"] == 1
    assert counts["offer"]["reached"] == 0

    status, table = await hr_http.call(
        "GET", f"/api/v1/organisation/vacancies/{vacancy_id}/candidates?sort=score&order=desc"
    )
    (row,) = table["candidates"]
    assert row["candidate"]["email"] == candidate.email
    assert row["score_percent"] == 100.0 and row["signals"] == 2

    status, report = await hr_http.call(
        "GET", f"/api/v1/organisation/applications/{application_id}"
    )
    assert status == 200
    subs = report["tasks"][0]["submissions"]
    assert [s["score"] for s in subs if not s["samples_only"]] == [40, 100]
    assert subs[-1]["source"] == SQUARE
    assert {q["kind"] for q in report["quiz"]} == {"single", "multiple", "text", "numeric"}
    assert all(q["answer_key"] is not None for q in report["quiz"])
    assert [e["kind"] for e in report["signals"]["events"]] == ["tab_hidden", "paste"]
    assert "no ground to reject" in report["signals"]["note"]
    assert any(entry["kind"] == "stage" for entry in report["timeline"])

    status, csv_text = await hr_http.call(
        "GET", f"/api/v1/organisation/vacancies/{vacancy_id}/candidates.csv"
    )
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert rows[0]["email"] == candidate.email and rows[0]["stage"] == "passed"

    # HR moves the stage by hand, with a reason; the audit log keeps it.
    status, moved = await hr_http.call(
        "POST",
        f"/api/v1/organisation/applications/{application_id}/stage",
        {"stage": "interview_scheduled", "reason": "strong result, invite"},
    )
    assert status == 200 and moved["stage"] == "interview_scheduled"
    status, _ = await hr_http.call(
        "POST", f"/api/v1/organisation/applications/{application_id}/stage", {"stage": "offer"}
    )
    assert status == 422

    # The candidate sees their own attempt in the list, and only that.
    status, mine = await cand.call("GET", "/api/v1/attempts")
    assert [a["id"] for a in mine["attempts"]] == [attempt_id]


async def test_the_deadline_is_the_servers(screening_settings, make_account, database_url):
    hr = await make_account(Role.HR)
    candidate = await make_account(Role.CANDIDATE)
    async with serving(screening_settings()) as node:
        rt = node.extensions["sobes"]
        made = await author(await sign_in(node, hr), duration_minutes=10)
        client = await sign_in(node, candidate)
        await wait_for_languages(client)
        answer = await client.post(f"/api/v1/vacancies/{made['vacancy_id']}/attempts")
        attempt = await answer.get_json()
        base = f"/api/v1/attempts/{attempt['id']}"
        question = attempt["questions"][0]
        ok = await client.put(
            f"{base}/answers/{question['position']}",
            json={"answer": RIGHT_ANSWERS[question["kind"]]},
        )
        assert ok.status_code == 200

        rt.clock.advance(timedelta(minutes=9, seconds=59))
        still = await client.put(
            f"{base}/tasks/{made['task_id']}/draft", json={"language": "python3", "source": "a"}
        )
        assert still.status_code == 204
        rt.clock.advance(timedelta(seconds=1))  # exactly at the deadline: over
        for method, path, body in [
            (
                "PUT",
                f"{base}/tasks/{made['task_id']}/draft",
                {"language": "python3", "source": "b"},
            ),
            (
                "POST",
                f"{base}/tasks/{made['task_id']}/submissions",
                {"language": "python3", "source": SQUARE},
            ),
            (
                "POST",
                f"{base}/tasks/{made['task_id']}/runs",
                {"language": "python3", "source": SQUARE},
            ),
            ("PUT", f"{base}/answers/{question['position']}", {"answer": {"text": "x"}}),
            (
                "POST",
                f"{base}/events",
                {"events": [{"kind": "tab_hidden", "at": "2026-01-01T00:00:00Z"}]},
            ),
        ]:
            refused = await client.open(path, method=method, json=body)
            assert refused.status_code == 409, (path, await refused.get_data(as_text=True))
            error = (await refused.get_json())["error"]
            assert error["code"] == "attempt_over" and "over" in error["message"]
        conn = await connect(database_url)
        try:
            draft = await conn.fetchval(
                "SELECT source FROM attempt_drafts WHERE attempt_id = $1", uuid.UUID(attempt["id"])
            )
            jobs = await conn.fetchval(
                "SELECT count(*) FROM judge_jobs WHERE attempt_id = $1", uuid.UUID(attempt["id"])
            )
        finally:
            await conn.close()
        assert draft == "a" and jobs == 0  # what was kept before the deadline stays
        shown = await (await client.get(base)).get_json()
        assert shown["status"] == "finished" and shown["finish_reason"] == "deadline"
        assert shown["finished_at"] == shown["deadline"]
        assert shown["result"]["quiz"]["earned"] >= 1


async def test_an_expired_attempt_is_closed_with_no_client(
    screening_settings, make_account, database_url
):
    hr = await make_account(Role.HR)
    candidate = await make_account(Role.CANDIDATE)
    async with serving(screening_settings(attempt_sweep_s=0.1)) as node:
        rt = node.extensions["sobes"]
        made = await author(await sign_in(node, hr), duration_minutes=5, pass_mark=1)
        client = await sign_in(node, candidate)
        attempt = await (
            await client.post(f"/api/v1/vacancies/{made['vacancy_id']}/attempts")
        ).get_json()
        rt.clock.advance(timedelta(minutes=6))  # nobody asks for the attempt again
        conn = await connect(database_url)
        try:
            for _ in range(100):
                row = await conn.fetchrow(
                    "SELECT t.status, t.finish_reason, t.score_percent, a.stage FROM attempts t "
                    "JOIN applications a ON a.id = t.application_id WHERE t.id = $1",
                    uuid.UUID(attempt["id"]),
                )
                if row["status"] == "finished":
                    break
                await asyncio.sleep(0.05)
        finally:
            await conn.close()
    assert row["status"] == "finished" and row["finish_reason"] == "deadline"
    assert float(row["score_percent"]) == 0.0 and row["stage"] == "not_passed"


async def test_a_submission_judged_after_the_finish_still_counts(
    screening_settings, make_account, database_url
):
    hr = await make_account(Role.HR)
    candidate = await make_account(Role.CANDIDATE)
    # No judge workers: the submission waits in the queue while the attempt is finished.
    async with serving(screening_settings(judge_workers=0)) as node:
        made = await author(await sign_in(node, hr), quiz_questions=0)
        client = await sign_in(node, candidate)
        conn = await connect(database_url)
        try:
            await conn.execute(
                "INSERT INTO judge_workers (name, languages, slots) VALUES ($1, $2, 1)",
                f"fake-{uuid.uuid4().hex[:6]}",
                [{"id": "python3", "name": "Python", "version": "3"}],
            )
        finally:
            await conn.close()
        attempt = await (
            await client.post(f"/api/v1/vacancies/{made['vacancy_id']}/attempts")
        ).get_json()
        base = f"/api/v1/attempts/{attempt['id']}"
        sent = await client.post(
            f"{base}/tasks/{made['task_id']}/submissions",
            json={"language": "python3", "source": SQUARE},
        )
        assert sent.status_code == 202
        finished = await (await client.post(f"{base}/finish")).get_json()
        assert finished["result"]["pending_submissions"] == 1
        assert finished["result"]["score_percent"] == 0.0
        rt = node.extensions["sobes"]
        from server.judging import JudgeWorkers

        async def notify(room, payload):
            await rt.sio.emit(payload.pop("event"), payload, to=room)

        workers = JudgeWorkers(rt.settings, rt.db, rt.queue, notify, 1)
        workers.start()
        try:
            for _ in range(600):
                shown = await (await client.get(base)).get_json()
                if shown["result"]["pending_submissions"] == 0:
                    break
                await asyncio.sleep(0.1)
        finally:
            await workers.close()
    assert shown["result"]["score_percent"] == 100.0 and shown["result"]["passed"]


async def test_access_is_per_organisation_and_per_candidate(screening_settings, make_account):
    hr = await make_account(Role.HR, organisation="Screening Owner")
    other_hr = await make_account(Role.HR, organisation="Screening Rival")
    interviewer = await make_account(Role.INTERVIEWER, organisation="Screening Owner")
    candidate = await make_account(Role.CANDIDATE)
    other_candidate = await make_account(Role.CANDIDATE)
    async with serving(screening_settings(judge_workers=0)) as node:
        made = await author(await sign_in(node, hr))
        client = await sign_in(node, candidate)
        attempt = await (
            await client.post(f"/api/v1/vacancies/{made['vacancy_id']}/attempts")
        ).get_json()
        rival = await sign_in(node, other_hr)
        for path in (
            f"/api/v1/organisation/vacancies/{made['vacancy_id']}",
            f"/api/v1/organisation/vacancies/{made['vacancy_id']}/pipeline",
            f"/api/v1/organisation/vacancies/{made['vacancy_id']}/candidates",
            f"/api/v1/organisation/tasks/{made['task_id']}",
        ):
            assert (await rival.get(path)).status_code == 404, path
        assert (await (await rival.get("/api/v1/organisation/questions")).get_json())[
            "questions"
        ] == []
        snoop = await sign_in(node, other_candidate)
        assert (await snoop.get(f"/api/v1/attempts/{attempt['id']}")).status_code == 404
        refused = await snoop.put(
            f"/api/v1/attempts/{attempt['id']}/answers/0", json={"answer": {"choice": 1}}
        )
        assert refused.status_code == 404
        # Interviewers read the pipeline but do not author or move stages.
        reader = await sign_in(node, interviewer)
        assert (
            await reader.get(f"/api/v1/organisation/vacancies/{made['vacancy_id']}/candidates")
        ).status_code == 200
        assert (
            await reader.post("/api/v1/organisation/tracks", json={"name": "Nope"})
        ).status_code == 403
        # A draft vacancy is not on the board and cannot be started.
        draft = await author(await sign_in(node, hr), status="draft")
        board = await (await client.get("/api/v1/vacancies")).get_json()
        assert draft["vacancy_id"] not in {v["id"] for v in board["vacancies"]}
        assert (
            await client.post(f"/api/v1/vacancies/{draft['vacancy_id']}/attempts")
        ).status_code == 404
        # Closing a vacancy keeps it from new candidates.
        staff = await sign_in(node, hr)
        closed = await staff.patch(
            f"/api/v1/organisation/vacancies/{made['vacancy_id']}", json={"status": "closed"}
        )
        assert closed.status_code == 200
        late = await snoop.post(f"/api/v1/vacancies/{made['vacancy_id']}/attempts")
        assert late.status_code == 409 and (await late.get_json())["error"]["code"] == (
            "vacancy_closed"
        )


async def test_authoring_refuses_bad_content_with_clear_errors(screening_settings, make_account):
    hr = await make_account(Role.HR)
    async with serving(screening_settings(judge_workers=0)) as node:
        client = await sign_in(node, hr)
        made = await author(client)
        cases = [
            ({"kind": "single", "prompt": "?", "options": ["a"], "answer_key": {"correct": 0}},
             "invalid_question"),
            ({"kind": "single", "prompt": "?", "options": ["a", "b"],
              "answer_key": {"correct": 5}},
             "invalid_question"),
            ({"kind": "text", "prompt": "?", "answer_key": {"pattern": "([a-"}},
             "invalid_question"),
            ({"kind": "numeric", "prompt": "?", "answer_key": {"value": "x"}}, "invalid_question"),
            ({"kind": "essay", "prompt": "?", "answer_key": {}}, "validation_failed"),
        ]  # fmt: skip
        for body, code in cases:
            answer = await client.post(
                "/api/v1/organisation/questions", json={**body, "track_id": made["track_id"]}
            )
            assert answer.status_code == 422, body
            assert (await answer.get_json())["error"]["code"] == code
        empty = await client.post(
            "/api/v1/organisation/vacancies",
            json={"title": "Nothing", "track_id": made["track_id"], "status": "open",
                  "quiz_questions": 0},
        )  # fmt: skip
        assert (await empty.get_json())["error"]["code"] == "empty_assessment"
        greedy = await client.post(
            "/api/v1/organisation/vacancies",
            json={"title": "Too many", "track_id": made["track_id"], "status": "open",
                  "quiz_questions": 50},
        )  # fmt: skip
        assert (await greedy.get_json())["error"]["code"] == "pool_too_small"
        foreign = await client.post(
            "/api/v1/organisation/vacancies",
            json={"title": "X", "track_id": made["track_id"],
                  "tasks": [{"task_id": str(uuid.uuid4())}]},
        )  # fmt: skip
        assert (await foreign.get_json())["error"]["code"] == "unknown_task"
        changed = await client.patch(
            f"/api/v1/organisation/tasks/{made['task_id']}",
            json={"title": "Squares, again", "limits": {"cpu_ms": 1500, "memory_mb": 64}},
        )
        assert changed.status_code == 200
        detail = await changed.get_json()
        assert detail["title"] == "Squares, again" and detail["limits"]["cpu_ms"] == 1500
        assert sum(len(g["tests"]) for g in detail["groups"]) == 7  # the tests stay
        too_slow = await client.patch(
            f"/api/v1/organisation/tasks/{made['task_id']}", json={"limits": {"cpu_ms": 10}}
        )
        assert too_slow.status_code == 422
        listed = await (await client.get("/api/v1/organisation/vacancies")).get_json()
        assert [v["title"] for v in listed["vacancies"]] == ["Python developer"]  # nothing kept


COPIED = """
def read_number():
    line = input().strip()
    while not line:
        line = input().strip()
    return int(line)


def square_of(value):
    total = 0
    for _ in range(abs(value)):
        total += abs(value)
    return total


if __name__ == "__main__":
    number = read_number()
    print(square_of(number))
"""
DISGUISED = """
# my own solution
def get_n():
    s = input().strip()
    while not s:
        s = input().strip()
    return int(s)


def sq(x):
    acc = 0
    for _ in range(abs(x)):
        acc += abs(x)
    return acc


if __name__ == "__main__":
    n = get_n()
    print(sq(n))
"""
HONEST = """
import sys

data = sys.stdin.read().split()
values = [int(token) for token in data]
results = []
for value in values[:1]:
    results.append(str(value ** 2))
sys.stdout.write("\\n".join(results) + "\\n")
"""


async def test_alike_final_submissions_are_flagged_as_a_signal(screening_settings, make_account):
    hr = await make_account(Role.HR)
    people = [await make_account(Role.CANDIDATE) for _ in range(3)]
    async with serving(screening_settings(judge_workers=1)) as node:
        staff = await sign_in(node, hr)
        made = await author(staff, quiz_questions=0)
        await wait_for_languages(staff)
        applications = []
        for person, source in zip(people, (COPIED, DISGUISED, HONEST), strict=True):
            client = await sign_in(node, person)
            attempt = await (
                await client.post(f"/api/v1/vacancies/{made['vacancy_id']}/attempts")
            ).get_json()
            base = f"/api/v1/attempts/{attempt['id']}"
            sent = await client.post(
                f"{base}/tasks/{made['task_id']}/submissions",
                json={"language": "python3", "source": source},
            )
            assert sent.status_code == 202
            await client.post(f"{base}/finish")
            table = await (
                await staff.get(f"/api/v1/organisation/vacancies/{made['vacancy_id']}/candidates")
            ).get_json()
            applications.append(
                next(r for r in table["candidates"] if r["candidate"]["email"] == person.email)
            )
        reports = []
        for _ in range(600):
            reports = [
                await (
                    await staff.get(f"/api/v1/organisation/applications/{row['application_id']}")
                ).get_json()
                for row in applications
            ]
            # A submission judged after its finish rescores the attempt a moment after the
            # verdict is stored, so wait for every stage to settle as well as for the flags.
            settled = all(r["application"]["stage"] == "passed" for r in reports)
            flagged = all(r["signals"]["similarity"] for r in reports[:2])
            if settled and flagged:
                break
            await asyncio.sleep(0.05)
    first, second, third = (r["signals"]["similarity"] for r in reports)
    assert [f["other_candidate"]["id"] for f in first] == [str(people[1].id)]
    assert [f["other_candidate"]["id"] for f in second] == [str(people[0].id)]
    assert first[0]["similarity"] >= 0.8
    assert third == []  # an honest, different solution is not flagged
    assert reports[2]["application"]["similarity_flags"] == 0
    assert reports[0]["application"]["similarity_flags"] == 1
    # A flag is a signal; it moves no stage: the flagged pair passed like the honest solution.
    assert [r["application"]["stage"] for r in reports] == ["passed"] * 3


async def test_starting_twice_at_once_gives_one_attempt(screening_settings, make_account):
    hr = await make_account(Role.HR)
    candidate = await make_account(Role.CANDIDATE)
    async with serving(screening_settings(judge_workers=0)) as node:
        made = await author(await sign_in(node, hr))
        client = await sign_in(node, candidate)
        answers = await asyncio.gather(
            *(client.post(f"/api/v1/vacancies/{made['vacancy_id']}/attempts") for _ in range(5))
        )
        statuses = sorted(a.status_code for a in answers)
        ids = {(await a.get_json())["id"] for a in answers}
    assert statuses == [200, 200, 200, 200, 201] and len(ids) == 1


async def test_the_table_filters_and_sorts_and_the_funnel_counts(
    screening_settings, make_account, database_url
):
    hr = await make_account(Role.HR)
    people = [await make_account(Role.CANDIDATE) for _ in range(4)]
    async with serving(screening_settings(judge_workers=0)) as node:
        staff = await sign_in(node, hr)
        made = await author(staff)
        vacancy = uuid.UUID(made["vacancy_id"])
        conn = await connect(database_url)
        try:
            # Four candidates: two scored, one still at it, one rejected by HR early on.
            histories = [
                ["started", "finished", "passed", "interview_scheduled"],
                ["started", "finished", "not_passed"],
                ["started"],
                ["applied", "rejected"],
            ]
            for person, history, score in zip(
                people, histories, (91.5, 40.0, None, None), strict=True
            ):
                application = await conn.fetchval(
                    "INSERT INTO applications (vacancy_id, candidate_id, stage) "
                    "VALUES ($1, $2, $3) RETURNING id",
                    vacancy,
                    person.id,
                    history[-1],
                )
                for before, after in zip([None, *history], history, strict=False):
                    await conn.execute(
                        "INSERT INTO stage_changes (application_id, from_stage, to_stage) "
                        "VALUES ($1, $2, $3)",
                        application,
                        before,
                        after,
                    )
                if score is not None:
                    await conn.execute(
                        "INSERT INTO attempts (application_id, vacancy_id, candidate_id, status, "
                        "started_at, deadline, finished_at, pass_mark, quiz_weight, languages, "
                        "score_percent) VALUES ($1, $2, $3, 'finished', now(), now(), now(), 60, "
                        "1, '{}', $4)",
                        application,
                        vacancy,
                        person.id,
                        score,
                    )
        finally:
            await conn.close()
        base = f"/api/v1/organisation/vacancies/{vacancy}"

        async def emails(query: str) -> list[str]:
            body = await (await staff.get(f"{base}/candidates?{query}")).get_json()
            return [row["candidate"]["email"] for row in body["candidates"]]

        e = [p.email for p in people]
        assert (await emails("sort=score&order=desc"))[:2] == [e[0], e[1]]
        assert (await emails("sort=stage&order=asc")) == [e[2], e[1], e[0], e[3]]
        assert await emails("stage=not_passed") == [e[1]]
        assert await emails(f"q={people[2].email[:12]}") == [e[2]]
        assert (await staff.get(f"{base}/candidates?sort=salary")).status_code == 422
        funnel = {
            s["stage"]: s
            for s in (await (await staff.get(f"{base}/pipeline")).get_json())["funnel"]
        }
        # The list of vacancies counts each one's candidates by stage, apart from the others.
        draft = await author(staff, status="draft")
        listed = (await (await staff.get("/api/v1/organisation/vacancies")).get_json())["vacancies"]
    assert [v["id"] for v in listed] == [draft["vacancy_id"], made["vacancy_id"]]
    assert [v["status"] for v in listed] == ["draft", "open"]
    assert listed[0]["candidates"] == 0 and set(listed[0]["counts"].values()) == {0}
    assert listed[1]["candidates"] == 4
    assert {k: n for k, n in listed[1]["counts"].items() if n} == {
        "interview_scheduled": 1, "not_passed": 1, "started": 1, "rejected": 1
    }  # fmt: skip
    assert [t["task_id"] for t in listed[0]["tasks"]] == [draft["task_id"]]
    assert [(t["task_id"], t["weight"]) for t in listed[1]["tasks"]] == [(made["task_id"], 3)]
    # From the board straight to `started`: never applied, invited or registered separately.
    assert funnel["applied"]["reached"] == 1 and funnel["invited"]["reached"] == 0
    assert funnel["started"]["reached"] == 3 and funnel["finished"]["reached"] == 2
    assert funnel["passed"]["reached"] == 1 and funnel["interview_scheduled"]["count"] == 1
    assert funnel["finished"]["conversion"] == 0.5 and funnel["started"]["conversion"] == 0.75
    assert funnel["rejected"]["count"] == 1 and "reached" not in funnel["rejected"]
