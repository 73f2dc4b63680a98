"""Running programs in the judge's sandbox: the languages on offer, runs and their results."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, Response, g, jsonify
from quart_schema import document_response, tag, validate_request

from judge.limits import Limits
from server import ratelimit
from server.accounts.access import requires
from server.accounts.roles import EVERYONE, STAFF
from server.api.schemas import ErrorResponse
from server.errors import ApiError
from server.judging import available_languages, get_run, get_submission, submit_run
from server.runtime import runtime
from server.tasks import task_organisation

PREFIX = ""
blueprint = Blueprint("runs", __name__)
MAX_SOURCE = 256 * 1024
MAX_STDIN = 512 * 1024


class RunLimits(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cpu_ms: int | None = Field(default=None, ge=10, le=10_000)
    wall_ms: int | None = Field(default=None, ge=10, le=30_000)
    memory_mb: int | None = Field(default=None, ge=16, le=1024)


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str = Field(min_length=1, max_length=32)
    source: str = Field(min_length=1, max_length=MAX_SOURCE)
    stdin: str = Field(default="", max_length=MAX_STDIN)
    limits: RunLimits | None = None


class RunCreated(BaseModel):
    id: str


class Language(BaseModel):
    id: str
    name: str
    version: str


class LanguagesResponse(BaseModel):
    languages: list[Language]
    workers: int


class RunResponse(BaseModel):
    id: str
    status: str
    language: str
    verdict: str | None
    exit_code: int | None
    signal: str | None
    stdout: str | None
    stderr: str | None
    compile_output: str | None
    cpu_ms: int | None
    wall_ms: int | None
    memory_kb: int | None


def accepted(job_id: uuid.UUID, location: str) -> Response:
    """202 with the job's id, and where its result will be."""
    response = jsonify({"id": str(job_id)})
    response.status_code = 202
    response.headers["Location"] = location
    return response


@blueprint.get("/languages")
@tag(["judge"])
@requires(*EVERYONE)
@document_response(LanguagesResponse, 200)
async def languages() -> Response:
    """The languages the judge workers offer now (each passed its self-test), with versions."""
    offered, workers = await available_languages(runtime().db)
    return jsonify({"languages": offered, "workers": workers})


@blueprint.post("/runs")
@tag(["judge"])
@requires(*EVERYONE)
@validate_request(RunRequest)
@document_response(RunCreated, 202)
@document_response(ErrorResponse, 503)
async def create_run(data: RunRequest) -> Response:
    """Run a program on the given input; the result comes over Socket.IO and from GET."""
    rt = runtime()
    await ratelimit.spend(rt.bus, f"runs:user:{g.user.id}", rt.settings.run_rate_per_user)
    await check_language_offered(data.language)
    asked = data.limits.model_dump(exclude_none=True) if data.limits else {}
    limits = Limits().with_overrides(**asked)
    job_id = await submit_run(
        rt.db,
        rt.queue,
        user_id=g.user.id,
        language=data.language,
        source=data.source,
        stdin=data.stdin,
        limits=limits,
    )
    return accepted(job_id, f"/api/v1/runs/{job_id}")


@blueprint.get("/runs/<uuid:run_id>")
@tag(["judge"])
@requires(*EVERYONE)
@document_response(RunResponse, 200)
async def run_result(run_id: uuid.UUID) -> Response:
    """A run of one's own: queued, running, or done with its verdict and output."""
    found = await get_run(runtime().db, run_id, g.user.id)
    if found is None:
        raise ApiError(404, "not_found", "no such run")
    return jsonify(found)


class SubmissionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str = Field(min_length=1, max_length=32)
    source: str = Field(min_length=1, max_length=MAX_SOURCE)


class SubmissionResponse(BaseModel):
    id: str
    task_id: str
    status: str
    language: str
    verdict: str | None
    score: int | None
    max_score: int | None
    compile_output: str | None
    cpu_ms: int | None
    memory_kb: int | None
    tests: list[dict] | None
    groups: list[dict] | None


async def check_language_offered(language: str) -> None:
    offered, _ = await available_languages(runtime().db)
    if language not in {entry["id"] for entry in offered}:
        raise ApiError(
            422,
            "unknown_language",
            f"{language!r} is not offered now; see GET /api/v1/languages",
            field="language",
        )


@blueprint.post("/tasks/<uuid:task_id>/submissions")
@tag(["judge"])
@requires(*STAFF)
@validate_request(SubmissionRequest)
@document_response(RunCreated, 202)
@document_response(ErrorResponse, 503)
async def submit(task_id: uuid.UUID, data: SubmissionRequest) -> Response:
    """Judge a solution against a task's tests (for now: the task's own organisation's staff)."""
    rt = runtime()
    async with rt.db.connection() as conn:
        owner = await task_organisation(conn, task_id)
    if owner is None or owner != g.user.organisation_id:
        raise ApiError(404, "not_found", "no such task")
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
    )
    return accepted(job_id, f"/api/v1/submissions/{job_id}")


@blueprint.get("/submissions/<uuid:submission_id>")
@tag(["judge"])
@requires(*EVERYONE)
@document_response(SubmissionResponse, 200)
async def submission_result(submission_id: uuid.UUID) -> Response:
    """One's own submission: its verdict, score, and per-test results (hidden tests: no data)."""
    found = await get_submission(runtime().db, submission_id, g.user.id)
    if found is None:
        raise ApiError(404, "not_found", "no such submission")
    return jsonify(found)
