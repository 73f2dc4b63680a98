"""The vacancy board and the candidate's timed attempts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, Response, g, jsonify
from quart_schema import document_response, tag, validate_querystring, validate_request

from server import ratelimit
from server.accounts.access import public, requires, signed_in
from server.accounts.roles import STAFF, Role
from server.api.runs import MAX_SOURCE, RunCreated, accepted, check_language_offered
from server.api.schemas import ErrorResponse
from server.errors import ApiError
from server.judging import available_languages, submit_run
from server.realtime import emit_events
from server.runtime import runtime
from server.screening import attempts, content
from server.screening.attempts import EVENT_KINDS

PREFIX = ""
blueprint = Blueprint("screening", __name__)


class BoardQuery(BaseModel):
    track: uuid.UUID | None = None


class Code(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str = Field(min_length=1, max_length=32)
    source: str = Field(max_length=MAX_SOURCE)


class SubmittedCode(Code):
    source: str = Field(min_length=1, max_length=MAX_SOURCE)


class AnswerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: dict[str, Any]


class IntegrityEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal[EVENT_KINDS]  # type: ignore[valid-type]
    at: datetime
    details: dict[str, int | str | bool] | None = Field(default=None, max_length=8)


class EventsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    events: list[IntegrityEvent] = Field(min_length=1, max_length=100)


class AnyBody(BaseModel):
    model_config = ConfigDict(extra="allow")


@blueprint.get("/vacancies")
@tag(["screening"])
@public
@validate_querystring(BoardQuery)
@document_response(AnyBody, 200)
async def vacancy_board(query_args: BoardQuery) -> Response:
    """Open vacancies of every organisation, optionally of one track."""
    async with runtime().db.connection() as conn:
        return jsonify(await content.board(conn, query_args.track))


@blueprint.get("/vacancies/<uuid:vacancy_id>")
@tag(["screening"])
@public
@document_response(AnyBody, 200)
async def vacancy_page(vacancy_id: uuid.UUID) -> Response:
    """One vacancy as candidates see it, with one's own attempt if there is one."""
    who = await signed_in()
    async with runtime().db.connection() as conn:
        row = await content.vacancy_card(conn, vacancy_id)
        staff_of_it = (
            who is not None
            and who.user.role in STAFF
            and row is not None
            and row["organisation_id"] == who.user.organisation_id
        )
        if row is None or (row["status"] != "open" and not staff_of_it):
            raise ApiError(404, "not_found", "no such vacancy")
        body = content.card_json(row)
        body["status"] = row["status"]
        body["my_attempt"] = None
        if who is not None and who.user.role is Role.CANDIDATE:
            mine = await conn.fetchrow(
                "SELECT id, status FROM attempts WHERE vacancy_id = $1 AND candidate_id = $2",
                vacancy_id,
                who.user.id,
            )
            if mine is not None:
                body["my_attempt"] = {"id": str(mine["id"]), "status": mine["status"]}
    return jsonify(body)


async def _attempt_json(attempt_id: uuid.UUID) -> dict[str, Any]:
    rt = runtime()
    offered, _ = await available_languages(rt.db)
    async with rt.db.connection() as conn:
        return await attempts.attempt_view(conn, attempt_id, g.user.id, rt.clock.now(), offered)


@blueprint.post("/vacancies/<uuid:vacancy_id>/attempts")
@tag(["screening"])
@requires(Role.CANDIDATE)
@document_response(AnyBody, 201)
@document_response(ErrorResponse, 409)
async def start_attempt(vacancy_id: uuid.UUID) -> Response:
    """Start the vacancy's assessment: the deadline is set now, on the server's clock."""
    rt = runtime()
    async with rt.db.connection() as conn:
        attempt_id, created, events = await attempts.start_attempt(
            conn, vacancy_id, g.user.id, rt.clock.now()
        )
    await emit_events(rt.sio, events)
    response = jsonify(await _attempt_json(attempt_id))
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/api/v1/attempts/{attempt_id}"
    return response


@blueprint.get("/attempts")
@tag(["screening"])
@requires(Role.CANDIDATE)
@document_response(AnyBody, 200)
async def my_attempts() -> Response:
    """One's own attempts, newest first."""
    async with runtime().db.connection() as conn:
        return jsonify({"attempts": await attempts.candidate_attempts(conn, g.user.id)})


@blueprint.get("/attempts/<uuid:attempt_id>")
@tag(["screening"])
@requires(Role.CANDIDATE)
@document_response(AnyBody, 200)
async def attempt(attempt_id: uuid.UUID) -> Response:
    """One's attempt: tasks with samples (never hidden tests), drafts, the quiz, the result."""
    rt = runtime()
    async with rt.db.connection() as conn:
        deadline = await conn.fetchrow(
            "SELECT status, deadline FROM attempts WHERE id = $1 AND candidate_id = $2",
            attempt_id,
            g.user.id,
        )
    if deadline and deadline["status"] == "active" and rt.clock.now() >= deadline["deadline"]:
        # Past its deadline but not yet swept: finish it now rather than show it open.
        await emit_events(
            rt.sio, await attempts.finish_attempt(rt.db, attempt_id, "deadline", rt.clock.now())
        )
    return jsonify(await _attempt_json(attempt_id))


@blueprint.put("/attempts/<uuid:attempt_id>/tasks/<uuid:task_id>/draft")
@tag(["screening"])
@requires(Role.CANDIDATE)
@validate_request(Code)
@document_response(ErrorResponse, 409)
async def save_draft(attempt_id: uuid.UUID, task_id: uuid.UUID, data: Code) -> Response:
    """Keep the code as it is being typed, per task and language."""
    rt = runtime()
    await attempts.save_draft(
        rt.db, attempt_id, task_id, g.user.id, data.language, data.source, rt.clock.now()
    )
    return Response(status=204)


async def _judge(
    attempt_id: uuid.UUID, task_id: uuid.UUID, data: SubmittedCode, samples_only: bool
) -> Response:
    rt = runtime()

    async def still_open(conn: Any) -> None:
        # Holds the attempt's share lock until the job is stored: a finish waits for it.
        found = await attempts.open_attempt(conn, attempt_id, g.user.id, rt.clock.now())
        await attempts.attempt_task(conn, attempt_id, task_id)
        attempts.check_language(found, data.language)

    async with rt.db.transaction() as conn:
        await still_open(conn)
    await ratelimit.spend(rt.bus, f"runs:user:{g.user.id}", rt.settings.run_rate_per_user)
    await check_language_offered(data.language)
    job_id = await submit_run(
        rt.db,
        rt.queue,
        user_id=g.user.id,
        language=data.language,
        source=data.source,
        lane="screening",
        task_id=task_id,
        attempt_id=attempt_id,
        samples_only=samples_only,
        guard=still_open,
    )
    if not samples_only:
        async with rt.db.connection() as conn:
            application_id = await conn.fetchval(
                "SELECT application_id FROM attempts WHERE id = $1", attempt_id
            )
            from server.screening.pipeline import changed_event

            await emit_events(rt.sio, [await changed_event(conn, application_id)])
    return accepted(job_id, f"/api/v1/submissions/{job_id}")


@blueprint.post("/attempts/<uuid:attempt_id>/tasks/<uuid:task_id>/runs")
@tag(["screening"])
@requires(Role.CANDIDATE)
@validate_request(SubmittedCode)
@document_response(RunCreated, 202)
@document_response(ErrorResponse, 409)
async def run_samples(attempt_id: uuid.UUID, task_id: uuid.UUID, data: SubmittedCode) -> Response:
    """Run the code on the task's samples only (does not count towards the score)."""
    return await _judge(attempt_id, task_id, data, samples_only=True)


@blueprint.post("/attempts/<uuid:attempt_id>/tasks/<uuid:task_id>/submissions")
@tag(["screening"])
@requires(Role.CANDIDATE)
@validate_request(SubmittedCode)
@document_response(RunCreated, 202)
@document_response(ErrorResponse, 409)
async def submit(attempt_id: uuid.UUID, task_id: uuid.UUID, data: SubmittedCode) -> Response:
    """Submit the code: judged on every test; the best submission counts."""
    return await _judge(attempt_id, task_id, data, samples_only=False)


@blueprint.put("/attempts/<uuid:attempt_id>/answers/<int:position>")
@tag(["screening"])
@requires(Role.CANDIDATE)
@validate_request(AnswerRequest)
@document_response(ErrorResponse, 409)
async def answer(attempt_id: uuid.UUID, position: int, data: AnswerRequest) -> Response:
    """Answer (or change the answer to) one quiz question."""
    rt = runtime()
    await attempts.save_answer(rt.db, attempt_id, position, g.user.id, data.answer, rt.clock.now())
    return jsonify({"position": position, "answer": data.answer})


@blueprint.post("/attempts/<uuid:attempt_id>/events")
@tag(["screening"])
@requires(Role.CANDIDATE)
@validate_request(EventsRequest)
@document_response(ErrorResponse, 409)
async def integrity_events(attempt_id: uuid.UUID, data: EventsRequest) -> Response:
    """Tab switches, focus loss, pastes and full-screen exits, as the page saw them."""
    rt = runtime()
    events = [event.model_dump() for event in data.events]
    for event in events:
        if event["at"].tzinfo is None:
            raise ApiError(422, "validation_failed", "event times need a UTC offset", field="at")
    await attempts.record_events(rt.db, attempt_id, g.user.id, events, rt.clock.now())
    return Response(status=204)


@blueprint.post("/attempts/<uuid:attempt_id>/finish")
@tag(["screening"])
@requires(Role.CANDIDATE)
@document_response(AnyBody, 200)
@document_response(ErrorResponse, 409)
async def finish(attempt_id: uuid.UUID) -> Response:
    """End the attempt now; the result comes back at once. Past the deadline it is already
    over, and the answer is the same: the finished attempt."""
    rt = runtime()
    now = rt.clock.now()
    async with rt.db.connection() as conn:
        row = await conn.fetchrow(
            "SELECT status, deadline FROM attempts WHERE id = $1 AND candidate_id = $2",
            attempt_id,
            g.user.id,
        )
    if row is None:
        raise ApiError(404, "not_found", "no such attempt")
    if row["status"] == "active":
        reason = "submitted" if now < row["deadline"] else "deadline"
        await emit_events(rt.sio, await attempts.finish_attempt(rt.db, attempt_id, reason, now))
    return jsonify(await _attempt_json(attempt_id))
