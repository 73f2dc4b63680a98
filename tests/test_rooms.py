"""Interview rooms through the API and Socket.IO: seats, roles, controls, chat, private notes,
scorecards, presence, and the end of an interview."""

from __future__ import annotations

import asyncio

import pytest

from judge.checkers import CheckerSpec
from judge.limits import Limits
from judge.live_output import LIVE_OUTPUT_BYTES
from server.accounts.roles import Role
from server.tasks import NewGroup, NewTest, create_task
from tests.conftest import connect, http_login, live_server, serving, sign_in
from tests.test_screening import Http, listen, until


async def open_room(client, **extra):
    made = await client.post(
        "/api/v1/rooms",
        json={"title": "Live coding", "files": [{"file_name": "main.py", "language": "python3"}]}
        | extra,
    )
    assert made.status_code == 201, await made.get_data(as_text=True)
    room = await made.get_json()
    invite = room["join_link"].split("invite=", 1)[1]
    return room, invite


@pytest.fixture
def settings(make_settings):
    return make_settings(judge_workers=0)


async def test_an_instant_room_and_its_seats(settings, make_account):
    interviewer = await make_account(Role.INTERVIEWER, organisation="Rooms Inc")
    hr = await make_account(Role.HR, organisation="Rooms Inc")
    rival = await make_account(Role.INTERVIEWER, organisation="Rooms Rival")
    candidate = await make_account(Role.CANDIDATE)
    latecomer = await make_account(Role.CANDIDATE)
    async with serving(settings) as node:
        staff = await sign_in(node, interviewer)
        room, invite = await open_room(staff)
        assert room["my_role"] == "interviewer" and room["status"] == "open"
        assert room["join_link"].startswith(f"/rooms/{room['id']}/join?invite=")
        assert [d["name"] for d in room["documents"]] == [f"{room['id']}/main.py"]

        guest = await sign_in(node, candidate)
        assert (await guest.get(f"/api/v1/rooms/{room['id']}")).status_code == 404
        wrong = await guest.post(f"/api/v1/rooms/{room['id']}/join", json={"invite": "x" * 20})
        assert wrong.status_code == 404
        joined = await guest.post(f"/api/v1/rooms/{room['id']}/join", json={"invite": invite})
        assert joined.status_code == 200 and (await joined.get_json())["my_role"] == "candidate"
        again = await guest.post(f"/api/v1/rooms/{room['id']}/join", json={"invite": invite})
        assert again.status_code == 200  # the same person may come back
        other = await sign_in(node, latecomer)
        taken = await other.post(f"/api/v1/rooms/{room['id']}/join", json={"invite": invite})
        assert taken.status_code == 409
        assert (await taken.get_json())["error"]["code"] == "seat_taken"

        observer = await sign_in(node, hr)
        seen = await (await observer.get(f"/api/v1/rooms/{room['id']}")).get_json()
        assert seen["my_role"] == "observer"
        assert {p["role"] for p in seen["participants"]} == {"interviewer", "candidate"}
        outsider = await sign_in(node, rival)
        assert (await outsider.get(f"/api/v1/rooms/{room['id']}")).status_code == 404

        # Controls are the interviewer's.
        for client in (guest, observer):
            refused = await client.patch(
                f"/api/v1/rooms/{room['id']}", json={"editor_locked": True}
            )
            assert refused.status_code == 403
        locked = await staff.patch(
            f"/api/v1/rooms/{room['id']}", json={"editor_locked": True, "running_disabled": True}
        )
        body = await locked.get_json()
        assert body["editor_locked"] and body["running_disabled"]

        # Chat: the candidate and the interviewers write; observers read.
        said = await guest.post(f"/api/v1/rooms/{room['id']}/messages", json={"body": "hello"})
        assert said.status_code == 201
        muted = await observer.post(f"/api/v1/rooms/{room['id']}/messages", json={"body": "hi"})
        assert muted.status_code == 403
        chat = await (await observer.get(f"/api/v1/rooms/{room['id']}/messages")).get_json()
        assert [m["body"] for m in chat["messages"]] == ["hello"]

        # Notes: interviewers write, staff read, the candidate never.
        noted = await staff.post(f"/api/v1/rooms/{room['id']}/notes", json={"body": "strong"})
        assert noted.status_code == 201
        assert (await guest.get(f"/api/v1/rooms/{room['id']}/notes")).status_code == 403
        assert (
            await observer.post(f"/api/v1/rooms/{room['id']}/notes", json={"body": "x"})
        ).status_code == 403
        listed = await (await observer.get(f"/api/v1/rooms/{room['id']}/notes")).get_json()
        assert [n["body"] for n in listed["messages"]] == ["strong"]

        # The scorecard: saved as a draft, submitted once, read by HR; never by the candidate.
        draft = await staff.put(
            f"/api/v1/rooms/{room['id']}/scorecard",
            json={"criteria": [{"name": "Problem solving", "rating": 3}], "summary": "so far"},
        )
        assert draft.status_code == 200 and (await draft.get_json())["submitted_at"] is None
        undecided = await staff.put(f"/api/v1/rooms/{room['id']}/scorecard", json={"submit": True})
        assert (await undecided.get_json())["error"]["code"] == "decision_required"
        final = await staff.put(
            f"/api/v1/rooms/{room['id']}/scorecard",
            json={
                "criteria": [{"name": "Problem solving", "rating": 4, "comment": "clean"}],
                "decision": "hire",
                "summary": "Solid.",
                "submit": True,
            },
        )
        assert (await final.get_json())["submitted_at"] is not None
        changed = await staff.put(
            f"/api/v1/rooms/{room['id']}/scorecard", json={"decision": "no_hire"}
        )
        assert changed.status_code == 409
        cards = await (await observer.get(f"/api/v1/rooms/{room['id']}/scorecards")).get_json()
        assert [c["decision"] for c in cards["scorecards"]] == ["hire"]
        assert (await guest.get(f"/api/v1/rooms/{room['id']}/scorecards")).status_code == 403

        ended = await staff.post(f"/api/v1/rooms/{room['id']}/end")
        assert (await ended.get_json())["status"] == "ended"
        late = await other.post(f"/api/v1/rooms/{room['id']}/join", json={"invite": invite})
        assert late.status_code == 409


HIDDEN_INPUT = "40417\n"
HIDDEN_ANSWER = "1633533889\n"
CHECKER_SOURCE = "# the checker's own source: never shown to a participant\nprint('ok')\n"


async def make_statement_task(database_url, organisation_id):
    """A task with a Markdown statement, one sample, a hidden test and a custom checker."""
    conn = await connect(database_url)
    try:
        return await create_task(
            conn,
            organisation_id=organisation_id,
            title="Squares",
            statement="## Squares\n\nRead *n*, print **n²**.",
            limits=Limits(cpu_ms=1500, memory_mb=128),
            checker=CheckerSpec(kind="custom", language="python3", source=CHECKER_SOURCE),
            groups=[
                NewGroup("samples", 0, [NewTest("3\n", "9\n", visible=True, name="first")]),
                NewGroup("hidden", 100, [NewTest(HIDDEN_INPUT, HIDDEN_ANSWER)]),
            ],
        )
    finally:
        await conn.close()


async def test_every_participant_reads_the_rooms_task_but_never_its_hidden_tests(
    settings, make_account, database_url
):
    interviewer = await make_account(Role.INTERVIEWER, organisation="Statement Rooms")
    hr = await make_account(Role.HR, organisation="Statement Rooms")
    candidate = await make_account(Role.CANDIDATE)
    task_id = await make_statement_task(database_url, interviewer.organisation_id)
    async with serving(settings) as node:
        staff = await sign_in(node, interviewer)
        room, invite = await open_room(staff, task_id=str(task_id))
        guest = await sign_in(node, candidate)
        joined = await guest.post(f"/api/v1/rooms/{room['id']}/join", json={"invite": invite})
        assert joined.status_code == 200
        expected = {
            "id": str(task_id),
            "title": "Squares",
            "statement": "## Squares\n\nRead *n*, print **n²**.",
            "limits": {"cpu_ms": 1500, "memory_mb": 128},
            "samples": [{"name": "first", "input": "3\n", "answer": "9\n"}],
        }
        observer = await sign_in(node, hr)
        for client in (guest, staff, observer):
            answer = await client.get(f"/api/v1/rooms/{room['id']}")
            text = await answer.get_data(as_text=True)
            assert (await answer.get_json())["task"] == expected
            for secret in (HIDDEN_INPUT.strip(), HIDDEN_ANSWER.strip(), "checker's own source"):
                assert secret not in text
        assert (await joined.get_json())["task"] == expected
        # The organisation's room list names the task without carrying its statement.
        listed = await (await staff.get("/api/v1/rooms")).get_json()
        (row,) = [r for r in listed["rooms"] if r["id"] == room["id"]]
        assert row["task"] == {"id": str(task_id), "title": "Squares"}


async def test_one_lists_the_interviews_one_has_a_seat_in(settings, make_account):
    interviewer = await make_account(Role.INTERVIEWER, organisation="Listed Rooms")
    candidate = await make_account(Role.CANDIDATE)
    rival = await make_account(Role.CANDIDATE)
    partner = await make_account(Role.INTERVIEWER, organisation="Listed Rooms")
    hr = await make_account(Role.HR, organisation="Listed Rooms")
    async with serving(settings) as node:
        staff = await sign_in(node, interviewer)
        guest = await sign_in(node, candidate)
        other = await sign_in(node, rival)
        colleague = await sign_in(node, partner)
        watcher = await sign_in(node, hr)
        assert await (await guest.get("/api/v1/me/rooms")).get_json() == {"rooms": []}

        first, first_invite = await open_room(staff, title="First round")
        second, second_invite = await open_room(staff, title="Second round")
        theirs, their_invite = await open_room(staff, title="Someone else's")
        await open_room(staff, title="Not yet", scheduled_at="2099-01-05T10:00:00+00:00")
        await open_room(staff, title="Soon", scheduled_at="2099-01-04T10:00:00+00:00")
        for client, made, invite in (
            (guest, first, first_invite),
            (guest, second, second_invite),
            (other, theirs, their_invite),
        ):
            joined = await client.post(f"/api/v1/rooms/{made['id']}/join", json={"invite": invite})
            assert joined.status_code == 200
        await staff.post(f"/api/v1/rooms/{first['id']}/end")

        mine = (await (await guest.get("/api/v1/me/rooms")).get_json())["rooms"]
        # Live first, then the ended; never a room someone else sits in, nor one not joined.
        assert [(r["title"], r["status"]) for r in mine] == [
            ("Second round", "open"),
            ("First round", "ended"),
        ]
        assert mine[0]["my_role"] == "candidate"
        assert mine[0]["organisation"]["name"] == "Listed Rooms"
        assert mine[1]["ended_at"] is not None
        assert "Someone else's" not in str(mine)
        theirs_listed = (await (await other.get("/api/v1/me/rooms")).get_json())["rooms"]
        assert [r["id"] for r in theirs_listed] == [theirs["id"]]

        # The interviewer's own: live, then upcoming soonest first, then ended.
        own = (await (await staff.get("/api/v1/me/rooms")).get_json())["rooms"]
        assert [r["status"] for r in own] == ["open", "open", "scheduled", "scheduled", "ended"]
        assert [r["title"] for r in own[2:4]] == ["Soon", "Not yet"]
        assert own[2]["scheduled_at"].startswith("2099-01-04T10:00:00")
        assert {r["my_role"] for r in own} == {"interviewer"}

        # A colleague who opens a room's editor takes a seat in it, and it joins their list;
        # HR take an observer's seat the same way.
        assert await (await colleague.get("/api/v1/me/rooms")).get_json() == {"rooms": []}
        for client in (colleague, watcher):
            for _ in range(2):  # opening it again changes nothing
                token = await client.post(f"/api/v1/rooms/{second['id']}/token")
                assert token.status_code == 200
        theirs_now = (await (await colleague.get("/api/v1/me/rooms")).get_json())["rooms"]
        assert [(r["id"], r["my_role"]) for r in theirs_now] == [(second["id"], "interviewer")]
        watched = (await (await watcher.get("/api/v1/me/rooms")).get_json())["rooms"]
        assert [(r["id"], r["my_role"]) for r in watched] == [(second["id"], "observer")]
        room = await (await staff.get(f"/api/v1/rooms/{second['id']}")).get_json()
        assert sorted(p["role"] for p in room["participants"]) == [
            "candidate", "interviewer", "interviewer", "observer"
        ]  # fmt: skip


async def test_a_room_for_an_application_moves_its_stage(settings, make_account):
    from tests.test_screening import author

    hr = await make_account(Role.HR, organisation="Stage Rooms")
    interviewer = await make_account(Role.INTERVIEWER, organisation="Stage Rooms")
    candidate = await make_account(Role.CANDIDATE)
    async with serving(settings) as node:
        made = await author(await sign_in(node, hr))
        client = await sign_in(node, candidate)
        await client.post(f"/api/v1/vacancies/{made['vacancy_id']}/attempts")
        staff = await sign_in(node, interviewer)
        table = await (
            await staff.get(f"/api/v1/organisation/vacancies/{made['vacancy_id']}/candidates")
        ).get_json()
        application_id = table["candidates"][0]["application_id"]
        room, invite = await open_room(
            staff, application_id=application_id, scheduled_at="2026-12-24T10:00:00+00:00"
        )
        assert room["application_id"] == application_id
        assert room["status"] == "scheduled" and room["started_at"] is None
        joined = await client.post(f"/api/v1/rooms/{room['id']}/join", json={"invite": invite})
        opened = await joined.get_json()
        assert opened["status"] == "open" and opened["started_at"] is not None
        report = f"/api/v1/organisation/applications/{application_id}"
        assert (await (await staff.get(report)).get_json())["application"]["stage"] == (
            "interview_scheduled"
        )
        await staff.post(f"/api/v1/rooms/{room['id']}/end")
        assert (await (await staff.get(report)).get_json())["application"]["stage"] == (
            "interviewed"
        )


async def listener(base_url: str, cookie: str, room_id: str, **options):
    client, heard = await listen(base_url, cookie, **options)
    answer = await client.call("room.enter", {"room_id": room_id}, timeout=5)
    return client, heard, answer


async def test_notes_never_reach_the_candidates_socket_and_presence_is_live(
    make_settings, make_account
):
    interviewer = await make_account(Role.INTERVIEWER, organisation="Socket Rooms")
    hr = await make_account(Role.HR, organisation="Socket Rooms")
    candidate = await make_account(Role.CANDIDATE)
    stranger = await make_account(Role.CANDIDATE)
    async with live_server(make_settings(judge_workers=0)) as base_url:
        staff_cookie = await http_login(base_url, interviewer)
        staff = Http(base_url, staff_cookie)
        status, room = await staff.call("POST", "/api/v1/rooms", {"title": "Sockets", "files": []})
        assert status == 201
        invite = room["join_link"].split("invite=", 1)[1]
        cand_cookie = await http_login(base_url, candidate)
        cand = Http(base_url, cand_cookie)
        status, _ = await cand.call("POST", f"/api/v1/rooms/{room['id']}/join", {"invite": invite})
        assert status == 200
        hr_http = Http(base_url, await http_login(base_url, hr))
        sockets = []
        try:
            staff_socket, staff_heard, answer = await listener(base_url, staff_cookie, room["id"])
            sockets.append(staff_socket)
            assert answer == {"ok": True, "role": "interviewer"}
            cand_socket, cand_heard, answer = await listener(base_url, cand_cookie, room["id"])
            sockets.append(cand_socket)
            assert answer == {"ok": True, "role": "candidate"}
            stranger_cookie = await http_login(base_url, stranger)
            odd_socket, odd_heard, answer = await listener(base_url, stranger_cookie, room["id"])
            sockets.append(odd_socket)
            assert answer["error"]["code"] == "not_found"  # not let into the room's channels

            status, listed = await hr_http.call("GET", "/api/v1/rooms")
            (live,) = [r for r in listed["rooms"] if r["id"] == room["id"]]
            assert {p["full_name"] for p in live["presence"]} == {
                "Test Interviewer",
                "Test Candidate",
            }
            assert all(p["since"] for p in live["presence"])

            await staff.call("POST", f"/api/v1/rooms/{room['id']}/notes", {"body": "secret"})
            await staff.call("POST", f"/api/v1/rooms/{room['id']}/messages", {"body": "public"})
            await until(lambda: any(e == "room.chat" for e, _ in cand_heard), timeout=5)
            await until(lambda: any(e == "room.note" for e, _ in staff_heard), timeout=5)
            await asyncio.sleep(0.3)
            assert "room.note" not in {e for e, _ in cand_heard}
            assert "secret" not in str(cand_heard)
            assert not [e for e, _ in odd_heard if e.startswith("room.")]

            await cand_socket.disconnect()
            sockets.remove(cand_socket)

            async def candidate_gone():
                _, now = await hr_http.call("GET", "/api/v1/rooms")
                (r,) = [r for r in now["rooms"] if r["id"] == room["id"]]
                return {p["full_name"] for p in r["presence"]} == {"Test Interviewer"}

            for _ in range(50):
                if await candidate_gone():
                    break
                await asyncio.sleep(0.1)
            assert await candidate_gone()
        finally:
            for client in sockets:
                await client.disconnect()
            for http in (staff, cand, hr_http):
                await http.close()


async def test_runs_in_a_room_reach_everyone_and_the_history_keeps_the_edits(
    make_settings, make_account, database_url
):
    from tests.test_collab import YClient
    from tests.test_submissions import make_task

    interviewer = await make_account(Role.INTERVIEWER, organisation="Run Rooms")
    candidate = await make_account(Role.CANDIDATE)
    settings = make_settings(judge_workers=1)
    task_id = await make_task(database_url, interviewer.organisation_id)
    async with live_server(settings) as base_url:
        staff_cookie = await http_login(base_url, interviewer)
        cand_cookie = await http_login(base_url, candidate)
        staff, cand = Http(base_url, staff_cookie), Http(base_url, cand_cookie)
        status, room = await staff.call(
            "POST",
            "/api/v1/rooms",
            {"title": "Runs", "task_id": str(task_id),
             "files": [{"file_name": "main.py", "language": "python3"}]},
        )  # fmt: skip
        assert status == 201
        invite = room["join_link"].split("invite=", 1)[1]
        await cand.call("POST", f"/api/v1/rooms/{room['id']}/join", {"invite": invite})
        staff_socket, staff_heard, _ = await listener(base_url, staff_cookie, room["id"])
        cand_socket, cand_heard, _ = await listener(base_url, cand_cookie, room["id"])
        status, grant = await cand.call("POST", f"/api/v1/rooms/{room['id']}/token")
        assert status == 200 and grant["can_write"] and grant["docs"] == [f"{room['id']}/main.py"]
        editor = await YClient.open(base_url, grant["docs"][0], grant["token"])
        try:
            await asyncio.wait_for(editor.synced.wait(), 5)
            await editor.type("n = int(input())\n")
            await editor.type("print(n * n)\n")
            # The server has the candidate's text once another participant's client has it.
            status, staff_grant = await staff.call("POST", f"/api/v1/rooms/{room['id']}/token")
            watcher = await YClient.open(base_url, grant["docs"][0], staff_grant["token"])
            await until(lambda: str(watcher) == "n = int(input())\nprint(n * n)\n", timeout=10)
            await watcher.close()
            for _ in range(300):
                if (await staff.call("GET", "/api/v1/languages"))[1]["languages"]:
                    break
                await asyncio.sleep(0.1)
            status, run = await staff.call(
                "POST",
                f"/api/v1/rooms/{room['id']}/runs",
                {"file_name": "main.py", "stdin": "12\n"},
            )
            assert status == 202, run
            for heard in (staff_heard, cand_heard):
                finished = await until(
                    lambda h=heard: next(
                        (d for e, d in h if e == "room.run.finished" and d["id"] == run["id"]),
                        None,
                    ),
                    timeout=60,
                )
                assert finished["stdout"] == "144\n" and finished["verdict"] == "AC"
            assert any(e == "room.run.started" for e, _ in cand_heard)
            status, tested = await cand.call(
                "POST", f"/api/v1/rooms/{room['id']}/runs", {"file_name": "main.py", "tests": True}
            )
            assert status == 202
            result = await until(
                lambda: next(
                    (d for e, d in staff_heard
                     if e == "room.run.finished" and d["id"] == tested["id"]),
                    None,
                ),
                timeout=60,
            )  # fmt: skip
            assert result["kind"] == "submission" and result["score"] == 100

            await staff.call("PATCH", f"/api/v1/rooms/{room['id']}", {"running_disabled": True})
            status, refused = await cand.call(
                "POST", f"/api/v1/rooms/{room['id']}/runs", {"file_name": "main.py"}
            )
            assert status == 409 and refused["error"]["code"] == "running_disabled"

            document_id = room["documents"][0]["id"]
            status, history = await staff.call(
                "GET", f"/api/v1/rooms/{room['id']}/documents/{document_id}/history"
            )
            assert status == 200 and len(history["updates"]) == 2
            assert {u["author"]["full_name"] for u in history["updates"]} == {"Test Candidate"}
            status, _ = await cand.call(
                "GET", f"/api/v1/rooms/{room['id']}/documents/{document_id}/history"
            )
            assert status == 403
        finally:
            await editor.close()
            await staff_socket.disconnect()
            await cand_socket.disconnect()
            await staff.close()
            await cand.close()


PAUSED = (
    "import sys, time\n"
    "for i in range(3):\n"
    "    print(f'line {i}', flush=True)\n"
    "    print(f'note {i}', file=sys.stderr, flush=True)\n"
    "    time.sleep(0.3)\n"
)
FLOOD = "while True:\n    print('y' * 4096)\n"
ANY_FRAME = {"websocket_extra_options": {"max_msg_size": 0}}


async def write_file(base_url: str, doc_name: str, token: str, text: str) -> None:
    """Type ``text`` into a room's file, and wait until the server has it."""
    from tests.test_collab import YClient

    editor = await YClient.open(base_url, doc_name, token)
    try:
        await asyncio.wait_for(editor.synced.wait(), 5)
        await editor.type(text)
        watcher = await YClient.open(base_url, doc_name, token)
        try:
            await until(lambda: str(watcher) == text, timeout=10)
        finally:
            await watcher.close()
    finally:
        await editor.close()


def run_events(heard: list, run_id: str) -> list[tuple[str, dict]]:
    return [(e, d) for e, d in heard if e.startswith("room.run.") and d.get("id") == run_id]


async def test_a_runs_output_reaches_everyone_in_the_room_as_it_comes(make_settings, make_account):
    interviewer = await make_account(Role.INTERVIEWER, organisation="Streaming Rooms")
    candidate = await make_account(Role.CANDIDATE)
    stranger = await make_account(Role.CANDIDATE)
    async with live_server(make_settings(judge_workers=1)) as base_url:
        staff_cookie = await http_login(base_url, interviewer)
        cand_cookie = await http_login(base_url, candidate)
        staff, cand = Http(base_url, staff_cookie), Http(base_url, cand_cookie)
        sockets = []
        try:
            status, room = await staff.call(
                "POST",
                "/api/v1/rooms",
                {"title": "Streams", "files": [{"file_name": "main.py", "language": "python3"},
                                               {"file_name": "flood.py", "language": "python3"}]},
            )  # fmt: skip
            assert status == 201
            invite = room["join_link"].split("invite=", 1)[1]
            await cand.call("POST", f"/api/v1/rooms/{room['id']}/join", {"invite": invite})
            for cookie in (staff_cookie, cand_cookie, await http_login(base_url, stranger)):
                # (a flood's result is a frame of 16 MiB)
                sockets.append(await listener(base_url, cookie, room["id"], **ANY_FRAME))
            (_, staff_heard, _), (_, cand_heard, _), (_, odd_heard, odd_answer) = sockets
            assert odd_answer["error"]["code"] == "not_found"
            status, grant = await staff.call("POST", f"/api/v1/rooms/{room['id']}/token")
            await write_file(base_url, f"{room['id']}/main.py", grant["token"], PAUSED)
            await write_file(base_url, f"{room['id']}/flood.py", grant["token"], FLOOD)
            for _ in range(300):
                if (await staff.call("GET", "/api/v1/languages"))[1]["languages"]:
                    break
                await asyncio.sleep(0.1)

            status, run = await staff.call(
                "POST", f"/api/v1/rooms/{room['id']}/runs", {"file_name": "main.py"}
            )
            assert status == 202, run
            for heard in (staff_heard, cand_heard):
                await until(
                    lambda h=heard: any(
                        e == "room.run.finished" for e, _ in run_events(h, run["id"])
                    ),
                    timeout=60,
                )
                events = run_events(heard, run["id"])
                *streamed, (last, finished) = [(e, d) for e, d in events if e != "room.run.started"]
                assert last == "room.run.finished" and finished["verdict"] == "AC"
                outputs = [d for _, d in streamed]
                assert {e for e, _ in streamed} == {"room.run.output"}
                assert [d["seq"] for d in outputs] == list(range(len(outputs)))
                assert all(d["room_id"] == room["id"] and d["attempt"] == 1 for d in outputs)
                # the lines came one by one, while the program slept between them
                assert len([d for d in outputs if d["stream"] == "stdout"]) >= 2
                stdout = "".join(d["text"] for d in outputs if d["stream"] == "stdout")
                stderr = "".join(d["text"] for d in outputs if d["stream"] == "stderr")
                assert stdout == finished["stdout"] == "line 0\nline 1\nline 2\n"
                assert stderr == finished["stderr"] == "note 0\nnote 1\nnote 2\n"

            status, flood = await staff.call(
                "POST", f"/api/v1/rooms/{room['id']}/runs", {"file_name": "flood.py"}
            )
            assert status == 202, flood
            await until(
                lambda: any(
                    e == "room.run.finished" for e, _ in run_events(cand_heard, flood["id"])
                ),
                timeout=60,
            )
            events = run_events(cand_heard, flood["id"])
            finished = events[-1][1]
            assert finished["verdict"] == "OLE" and len(finished["stdout"]) > 1 << 20
            outputs = [d for e, d in events if e == "room.run.output"]
            # at most one event per stream per 100 ms of the run, and the last of each stream
            assert 1 <= len(outputs) <= 2 * (finished["wall_ms"] // 100 + 2)
            stdout = "".join(d["text"] for d in outputs if d["stream"] == "stdout")
            assert len(stdout) <= LIVE_OUTPUT_BYTES and finished["stdout"].startswith(stdout)

            await asyncio.sleep(0.3)
            assert not [e for e, _ in odd_heard if e.startswith("room.")]
        finally:
            for client, _, _ in sockets:
                await client.disconnect()
            await staff.close()
            await cand.close()
