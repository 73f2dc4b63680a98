"""Live interview rooms: create and join, editor tokens, controls, files, shared runs, chat,
interviewers' notes, scorecards and playback."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Annotated, Literal

import asyncpg
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from quart import Blueprint, Response, g, jsonify
from quart_schema import document_response, tag, validate_request

from judge.languages import LANGUAGES
from server import audit, ratelimit, rooms
from server.accounts.access import client_ip, requires
from server.accounts.roles import EVERYONE, STAFF, Role
from server.api.runs import MAX_STDIN, RunCreated, accepted, check_language_offered
from server.api.schemas import ErrorResponse
from server.api.screening import AnyBody
from server.collab import notify_room_changed
from server.errors import ApiError
from server.judging import submit_run
from server.realtime import emit_events
from server.runtime import runtime

PREFIX = "/rooms"
blueprint = Blueprint("rooms", __name__)
LanguageId = Literal[tuple(LANGUAGES)]  # type: ignore[valid-type]
FileName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
EDITOR_TOKEN_TTL_S = 12 * 3600


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewFile(Body):
    file_name: FileName
    language: LanguageId


class RoomCreate(Body):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    files: list[NewFile] = Field(default_factory=list, max_length=rooms.MAX_FILES)
    task_id: uuid.UUID | None = None
    application_id: uuid.UUID | None = None
    scheduled_at: datetime | None = None


class JoinRequest(Body):
    invite: Annotated[str, StringConstraints(min_length=10, max_length=100)]


class Controls(Body):
    editor_locked: bool | None = None
    running_disabled: bool | None = None


class RunRequest(Body):
    file_name: FileName
    stdin: str = Field(default="", max_length=MAX_STDIN)
    # run the file against the room's task's tests instead of on stdin
    tests: bool = False


class MessageRequest(Body):
    body: Text


class Criterion(Body):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    rating: int = Field(ge=1, le=4)
    comment: str = Field(default="", max_length=2000)


class ScorecardRequest(Body):
    criteria: list[Criterion] = Field(default_factory=list, max_length=20)
    decision: Literal[rooms.DECISIONS] | None = None  # type: ignore[valid-type]
    summary: str = Field(default="", max_length=8000)
    submit: bool = False


WRITERS = ("candidate", "interviewer")
STAFF_IN_ROOM = ("interviewer", "observer")


async def _changed(room_id: uuid.UUID) -> None:
    """Tell everyone in the room, and every node's editor engine, that the room changed."""
    rt = runtime()
    async with rt.db.connection() as conn:
        room = await rooms.load_room(conn, room_id)
        view = await rooms.room_view(conn, room, "observer")
    view.pop("my_role")
    await notify_room_changed(rt.bus, room_id)
    await emit_events(rt.sio, [(rooms.room_channel(room_id), {"event": "room.changed", **view})])


@blueprint.get("")
@tag(["rooms"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def list_rooms() -> Response:
    """The organisation's rooms with who is connected now and for how long."""
    async with runtime().db.connection() as conn:
        return jsonify({"rooms": await rooms.rooms_of(conn, g.user.organisation_id)})


@blueprint.post("")
@tag(["rooms"])
@requires(*STAFF)
@validate_request(RoomCreate)
@document_response(AnyBody, 201)
async def create_room(data: RoomCreate) -> Response:
    """An interview room (instant, or scheduled) and the candidate's join link."""
    files = [(f.file_name, f.language) for f in data.files]
    if len({name for name, _ in files}) != len(files):
        raise ApiError(422, "validation_failed", "file names must differ", field="files")
    async with runtime().db.transaction() as conn:
        for column, value, table in (
            ("task_id", data.task_id, "tasks"),
            ("application_id", data.application_id, "applications"),
        ):
            if value is None:
                continue
            query = (
                "SELECT 1 FROM tasks WHERE id = $1 AND organisation_id = $2"
                if table == "tasks"
                else "SELECT 1 FROM applications a JOIN vacancies v ON v.id = a.vacancy_id "
                "WHERE a.id = $1 AND v.organisation_id = $2"
            )
            if not await conn.fetchval(query, value, g.user.organisation_id):
                raise ApiError(
                    422, f"unknown_{column[:-3]}", f"no such {column[:-3]}", field=column
                )
        room_id, secret = await rooms.create_room(
            conn,
            creator=g.user,
            title=data.title,
            files=files,
            task_id=data.task_id,
            application_id=data.application_id,
            scheduled_at=data.scheduled_at,
        )
        if data.application_id is not None:
            await _move_application(conn, data.application_id, "interview_scheduled")
        await audit.record(
            conn, "room.created", actor_id=g.user.id, organisation_id=g.user.organisation_id,
            target=str(room_id), ip=client_ip(), details={"title": data.title},
        )  # fmt: skip
        room = await rooms.load_room(conn, room_id)
        view = await rooms.room_view(conn, room, rooms.staff_role(g.user))
    view["join_link"] = f"/rooms/{room_id}/join?invite={secret}"
    response = jsonify(view)
    response.status_code = 201
    return response


async def _move_application(
    conn: asyncpg.Connection, application_id: uuid.UUID, stage: str
) -> None:
    from server.screening.pipeline import record_stage

    current = await conn.fetchval(
        "SELECT stage FROM applications WHERE id = $1 FOR UPDATE", application_id
    )
    if current != stage:
        await record_stage(
            conn, application_id, stage, from_stage=current, actor_id=g.user.id,
            reason="interview room",
        )  # fmt: skip


@blueprint.get("/<uuid:room_id>")
@tag(["rooms"])
@requires(*EVERYONE)
@document_response(AnyBody, 200)
async def room(room_id: uuid.UUID) -> Response:
    """A room one takes part in: its state, files, participants and presence."""
    async with runtime().db.connection() as conn:
        found, role = await rooms.require_role(conn, room_id, g.user)
        return jsonify(await rooms.room_view(conn, found, role))


@blueprint.post("/<uuid:room_id>/join")
@tag(["rooms"])
@requires(*EVERYONE)
@validate_request(JoinRequest)
@document_response(AnyBody, 200)
@document_response(ErrorResponse, 409)
async def join(room_id: uuid.UUID, data: JoinRequest) -> Response:
    """Take the candidate's seat with the invite from the link."""
    async with runtime().db.transaction() as conn:
        role = await rooms.join_with_invite(conn, room_id, data.invite, g.user)
        found = await rooms.load_room(conn, room_id)
        view = await rooms.room_view(conn, found, role)
    await _changed(room_id)
    return jsonify(view)


@blueprint.post("/<uuid:room_id>/token")
@tag(["rooms"])
@requires(*EVERYONE)
@document_response(AnyBody, 200)
async def editor_token(room_id: uuid.UUID) -> Response:
    """A token for the y-websocket connection to the room's documents."""
    from server.collab.tokens import issue_token

    async with runtime().db.transaction() as conn:
        found, role = await rooms.require_role(conn, room_id, g.user)
        seated = await rooms.take_staff_seat(conn, found, g.user, role)
        # The token carries what the role may do; the lock and the end of the interview are
        # applied by the editor engine as they change, so unlocking needs no new token.
        token = await issue_token(
            conn, room_id, g.user.id, role in WRITERS, ttl_s=EDITOR_TOKEN_TTL_S
        )
        docs = await rooms.documents(conn, room_id)
    if seated:
        await _changed(room_id)  # the others' lists of people gain one
    return jsonify(
        {
            "token": token,
            "docs": [d["name"] for d in docs],
            "can_write": rooms.can_write(found, role),
            "expires_in": EDITOR_TOKEN_TTL_S,
        }
    )


@blueprint.patch("/<uuid:room_id>")
@tag(["rooms"])
@requires(*STAFF)
@validate_request(Controls)
@document_response(AnyBody, 200)
async def controls(room_id: uuid.UUID, data: Controls) -> Response:
    """Lock the editor for the candidate, or stop code from being run (interviewers)."""
    async with runtime().db.transaction() as conn:
        found, _ = await rooms.require_role(conn, room_id, g.user, "interviewer")
        if found["status"] == "ended":
            raise ApiError(409, "room_ended", "this interview has ended")
        await conn.execute(
            "UPDATE rooms SET editor_locked = coalesce($2, editor_locked), "
            "running_disabled = coalesce($3, running_disabled) WHERE id = $1",
            room_id,
            data.editor_locked,
            data.running_disabled,
        )
        view = await rooms.room_view(conn, await rooms.load_room(conn, room_id), "interviewer")
    await _changed(room_id)
    return jsonify(view)


@blueprint.post("/<uuid:room_id>/end")
@tag(["rooms"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def end(room_id: uuid.UUID) -> Response:
    """End the interview: the code becomes read-only for everyone; the replay stays."""
    async with runtime().db.transaction() as conn:
        found, _ = await rooms.require_role(conn, room_id, g.user, "interviewer")
        if found["status"] != "ended":
            await conn.execute(
                "UPDATE rooms SET status = 'ended', ended_at = now() WHERE id = $1", room_id
            )
            if found["application_id"] is not None:
                await _move_application(conn, found["application_id"], "interviewed")
            await audit.record(
                conn, "room.ended", actor_id=g.user.id, organisation_id=g.user.organisation_id,
                target=str(room_id), ip=client_ip(),
            )  # fmt: skip
        view = await rooms.room_view(conn, await rooms.load_room(conn, room_id), "interviewer")
    await _changed(room_id)
    return jsonify(view)


@blueprint.post("/<uuid:room_id>/documents")
@tag(["rooms"])
@requires(*EVERYONE)
@validate_request(NewFile)
@document_response(AnyBody, 201)
async def add_file(room_id: uuid.UUID, data: NewFile) -> Response:
    """Another file in the room (its own document, with its language)."""
    async with runtime().db.transaction() as conn:
        found, role = await rooms.require_role(conn, room_id, g.user, *WRITERS)
        if not rooms.can_write(found, role):
            raise ApiError(409, "editor_locked", "the editor is locked")
        count = await conn.fetchval(
            "SELECT count(*) FROM room_documents WHERE room_id = $1", room_id
        )
        if count >= rooms.MAX_FILES:
            raise ApiError(409, "too_many_files", f"a room holds up to {rooms.MAX_FILES} files")
        await rooms.add_document(conn, room_id, data.file_name, data.language, count)
        docs = await rooms.documents(conn, room_id)
    await _changed(room_id)
    response = jsonify({"documents": docs})
    response.status_code = 201
    return response


@blueprint.post("/<uuid:room_id>/runs")
@tag(["rooms"])
@requires(*EVERYONE)
@validate_request(RunRequest)
@document_response(RunCreated, 202)
@document_response(ErrorResponse, 409)
async def run(room_id: uuid.UUID, data: RunRequest) -> Response:
    """Run a file as it is now (on stdin, or on the room's task's tests) in the judge's live
    lane; everyone in the room gets the output (``room.run.finished``)."""
    from server.collab import document_text

    rt = runtime()
    async with rt.db.connection() as conn:
        found, role = await rooms.require_role(conn, room_id, g.user, *WRITERS)
        if found["status"] == "ended":
            raise ApiError(409, "room_ended", "this interview has ended")
        if found["running_disabled"] and role == "candidate":
            raise ApiError(409, "running_disabled", "the interviewer has turned running off")
        if data.tests and found["task_id"] is None:
            raise ApiError(422, "no_task", "this room has no task to test against", field="tests")
        document = await conn.fetchrow(
            "SELECT id, name, language FROM room_documents WHERE room_id = $1 AND file_name = $2",
            room_id,
            data.file_name,
        )
    if document is None:
        raise ApiError(404, "not_found", "no such file in this room")
    await ratelimit.spend(rt.bus, f"runs:user:{g.user.id}", rt.settings.run_rate_per_user)
    await check_language_offered(document["language"])
    source = await document_text(rt, document["name"])
    if not source.strip():
        raise ApiError(422, "empty_file", f"{data.file_name} is empty", field="file_name")
    job_id = await submit_run(
        rt.db,
        rt.queue,
        user_id=g.user.id,
        language=document["language"],
        source=source,
        stdin=data.stdin,
        lane="live",
        task_id=found["task_id"] if data.tests else None,
        room_id=room_id,
    )
    await emit_events(
        rt.sio,
        [
            (
                rooms.room_channel(room_id),
                {"event": "room.run.started", "room_id": str(room_id), "id": str(job_id),
                 "file_name": data.file_name, "tests": data.tests,
                 "by": {"id": str(g.user.id), "full_name": g.user.full_name}},
            )
        ],
    )  # fmt: skip
    return accepted(job_id, f"/api/v1/rooms/{room_id}/runs/{job_id}")


@blueprint.get("/<uuid:room_id>/runs/<uuid:run_id>")
@tag(["rooms"])
@requires(*EVERYONE)
@document_response(AnyBody, 200)
async def run_result(room_id: uuid.UUID, run_id: uuid.UUID) -> Response:
    """A run made in the room, by anyone in it."""
    from server.judging import run_view
    from server.tasks import submission_view

    async with runtime().db.connection() as conn:
        await rooms.require_role(conn, room_id, g.user)
        row = await conn.fetchrow(
            """
            SELECT j.id, j.kind, j.status, j.language, j.created_at, j.user_id, j.task_id,
                   j.attempt_id, j.samples_only, j.room_id, r.result
            FROM judge_jobs j LEFT JOIN judge_results r ON r.job_id = j.id
            WHERE j.id = $1 AND j.room_id = $2
            """,
            run_id,
            room_id,
        )
    if row is None:
        raise ApiError(404, "not_found", "no such run in this room")
    view = submission_view(row) if row["kind"] == "submission" else run_view(row)
    return jsonify({"kind": row["kind"], **view})


async def _messages(room_id: uuid.UUID, kind: str, *allowed: str) -> Response:
    async with runtime().db.connection() as conn:
        await rooms.require_role(conn, room_id, g.user, *allowed)
        return jsonify({"messages": await rooms.messages(conn, room_id, kind)})


async def _post(room_id: uuid.UUID, kind: str, body: str, *allowed: str) -> Response:
    rt = runtime()
    async with rt.db.connection() as conn:
        await rooms.require_role(conn, room_id, g.user, *allowed)
        message = await rooms.post_message(conn, room_id, g.user, kind, body)
    channel = rooms.room_channel(room_id) if kind == "chat" else rooms.staff_channel(room_id)
    event = "room.chat" if kind == "chat" else "room.note"
    await emit_events(rt.sio, [(channel, {"event": event, "room_id": str(room_id), **message})])
    response = jsonify(message)
    response.status_code = 201
    return response


@blueprint.get("/<uuid:room_id>/messages")
@tag(["rooms"])
@requires(*EVERYONE)
@document_response(AnyBody, 200)
async def chat(room_id: uuid.UUID) -> Response:
    """The room's chat, oldest first."""
    return await _messages(room_id, "chat")


@blueprint.post("/<uuid:room_id>/messages")
@tag(["rooms"])
@requires(*EVERYONE)
@validate_request(MessageRequest)
@document_response(AnyBody, 201)
async def say(room_id: uuid.UUID, data: MessageRequest) -> Response:
    """Write in the room's chat (the candidate and the interviewers)."""
    return await _post(room_id, "chat", data.body, *WRITERS)


@blueprint.get("/<uuid:room_id>/notes")
@tag(["rooms"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def notes(room_id: uuid.UUID) -> Response:
    """The interviewers' private notes: never sent to the candidate."""
    return await _messages(room_id, "note", *STAFF_IN_ROOM)


@blueprint.post("/<uuid:room_id>/notes")
@tag(["rooms"])
@requires(Role.INTERVIEWER, Role.ADMIN)
@validate_request(MessageRequest)
@document_response(AnyBody, 201)
async def note(room_id: uuid.UUID, data: MessageRequest) -> Response:
    """A private note (interviewers only; staff see it, the candidate never does)."""
    return await _post(room_id, "note", data.body, "interviewer")


@blueprint.get("/<uuid:room_id>/scorecards")
@tag(["rooms"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def scorecards(room_id: uuid.UUID) -> Response:
    """Every interviewer's scorecard for the room (staff only)."""
    async with runtime().db.connection() as conn:
        await rooms.require_role(conn, room_id, g.user, *STAFF_IN_ROOM)
        return jsonify({"scorecards": await rooms.scorecards(conn, room_id)})


@blueprint.put("/<uuid:room_id>/scorecard")
@tag(["rooms"])
@requires(Role.INTERVIEWER, Role.ADMIN)
@validate_request(ScorecardRequest)
@document_response(AnyBody, 200)
async def scorecard(room_id: uuid.UUID, data: ScorecardRequest) -> Response:
    """Save one's scorecard (criteria with ratings, a decision, a summary); ``submit`` makes it
    final."""
    async with runtime().db.transaction() as conn:
        await rooms.require_role(conn, room_id, g.user, "interviewer")
        saved = await rooms.save_scorecard(
            conn,
            room_id,
            g.user,
            criteria=[c.model_dump() for c in data.criteria],
            decision=data.decision,
            summary=data.summary,
            submit=data.submit,
        )
        if data.submit:
            await audit.record(
                conn, "scorecard.submitted", actor_id=g.user.id,
                organisation_id=g.user.organisation_id, target=str(room_id), ip=client_ip(),
                details={"decision": data.decision},
            )  # fmt: skip
    return jsonify(saved)


@blueprint.get("/<uuid:room_id>/documents/<uuid:document_id>/history")
@tag(["rooms"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def history(room_id: uuid.UUID, document_id: uuid.UUID) -> Response:
    """Every update of one file with its time and author, for the replay (staff only)."""
    from server.collab import document_history

    rt = runtime()
    async with rt.db.connection() as conn:
        await rooms.require_role(conn, room_id, g.user, *STAFF_IN_ROOM)
        found = await conn.fetchrow(
            "SELECT name FROM room_documents WHERE id = $1 AND room_id = $2", document_id, room_id
        )
        if found is None:
            raise ApiError(404, "not_found", "no such file in this room")
    entries = await document_history(rt, found["name"])
    async with rt.db.connection() as conn:
        # Anyone who typed: the seated participants, and staff who came in without a seat.
        authors = dict(
            await conn.fetch(
                "SELECT id, full_name FROM users WHERE id = ANY($1::uuid[])",
                list({author for _, _, author, _ in entries if author}),
            )
        )
    return jsonify(
        {
            "updates": [
                {
                    "at": at.isoformat(),
                    "author": {"id": str(author), "full_name": authors.get(author)}
                    if author
                    else None,
                    "update": base64.b64encode(update).decode(),
                }
                for _, at, author, update in entries
            ]
        }
    )
