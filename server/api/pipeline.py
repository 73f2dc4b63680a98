"""The HR pipeline of a vacancy: funnel, candidate table, CSV, reports and stage changes."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import asyncpg
from pydantic import BaseModel, ConfigDict, StringConstraints
from quart import Blueprint, Response, g, jsonify
from quart_schema import document_response, tag, validate_querystring, validate_request

from server.accounts.access import client_ip, requires
from server.accounts.roles import STAFF, Role
from server.api.schemas import ErrorResponse
from server.api.screening import AnyBody
from server.errors import ApiError
from server.realtime import emit_events
from server.runtime import runtime
from server.screening import content, pipeline

PREFIX = "/organisation"
blueprint = Blueprint("pipeline", __name__)
Stage = Literal[pipeline.STAGES]  # type: ignore[valid-type]


class CandidatesQuery(BaseModel):
    stage: Stage | None = None
    q: Annotated[str, StringConstraints(max_length=200)] | None = None
    sort: Literal[tuple(pipeline.SORTS)] = "score"  # type: ignore[valid-type]
    order: Literal["asc", "desc"] = "desc"


class StageChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: Stage
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


@blueprint.get("/vacancies/<uuid:vacancy_id>/pipeline")
@tag(["pipeline"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def vacancy_pipeline(vacancy_id: uuid.UUID) -> Response:
    """How many candidates are at each stage, how many reached it, and the conversion."""
    async with runtime().db.connection() as conn:
        vacancy = await content.own_vacancy(conn, vacancy_id, g.user.organisation_id)
        funnel = await pipeline.funnel(conn, vacancy_id)
    return jsonify(
        {
            "vacancy": {
                "id": str(vacancy["id"]),
                "title": vacancy["title"],
                "pass_mark": vacancy["pass_mark"],
                "status": vacancy["status"],
            },
            "funnel": funnel,
        }
    )


async def _rows(vacancy_id: uuid.UUID, query: CandidatesQuery) -> list[dict]:
    async with runtime().db.connection() as conn:
        await content.own_vacancy(conn, vacancy_id, g.user.organisation_id)
        return await pipeline.candidate_rows(
            conn,
            vacancy_id,
            stage=query.stage,
            query=query.q,
            sort=query.sort,
            descending=query.order == "desc",
        )


@blueprint.get("/vacancies/<uuid:vacancy_id>/candidates")
@tag(["pipeline"])
@requires(*STAFF)
@validate_querystring(CandidatesQuery)
@document_response(AnyBody, 200)
async def candidates(vacancy_id: uuid.UUID, query_args: CandidatesQuery) -> Response:
    """The vacancy's candidates, filtered and sorted."""
    return jsonify({"candidates": await _rows(vacancy_id, query_args)})


@blueprint.get("/vacancies/<uuid:vacancy_id>/candidates.csv")
@tag(["pipeline"])
@requires(*STAFF)
@validate_querystring(CandidatesQuery)
async def candidates_csv(vacancy_id: uuid.UUID, query_args: CandidatesQuery) -> Response:
    """The same table as CSV, for a spreadsheet."""
    body = pipeline.rows_csv(await _rows(vacancy_id, query_args))
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="candidates-{vacancy_id}.csv"'
    return response


async def _own_application(conn: asyncpg.Connection, application_id: uuid.UUID) -> None:
    found = await conn.fetchval(
        "SELECT 1 FROM applications a JOIN vacancies v ON v.id = a.vacancy_id "
        "WHERE a.id = $1 AND v.organisation_id = $2",
        application_id,
        g.user.organisation_id,
    )
    if not found:
        raise ApiError(404, "not_found", "no such application")


@blueprint.get("/applications/<uuid:application_id>")
@tag(["pipeline"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def application_report(application_id: uuid.UUID) -> Response:
    """A candidate's report: every submission with code and verdicts, quiz answers against
    the keys, integrity signals (not findings), and a timeline."""
    async with runtime().db.connection() as conn:
        await _own_application(conn, application_id)
        return jsonify(await pipeline.report(conn, application_id))


@blueprint.post("/applications/<uuid:application_id>/stage")
@tag(["pipeline"])
@requires(Role.HR, Role.ADMIN)
@validate_request(StageChange)
@document_response(AnyBody, 200)
@document_response(ErrorResponse, 404)
async def change_stage(application_id: uuid.UUID, data: StageChange) -> Response:
    """Move a candidate to a stage, with a reason (kept in the audit log). Scoring no longer
    moves a stage that HR has set."""
    rt = runtime()
    async with rt.db.transaction() as conn:
        await _own_application(conn, application_id)
        await pipeline.set_stage(
            conn,
            application_id,
            data.stage,
            actor_id=g.user.id,
            organisation_id=g.user.organisation_id,
            reason=data.reason,
            ip=client_ip(),
        )
        event = await pipeline.changed_event(conn, application_id)
    await emit_events(rt.sio, [event])
    return jsonify(event[1]["application"])
