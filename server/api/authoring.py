"""Authoring for an organisation's staff: tracks, tasks, quiz questions, vacancies.

Staff (interviewers too) may read; HR and admins write. Another organisation's things are 404.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from quart import Blueprint, Response, g, jsonify, request
from quart_schema import document_response, tag, validate_querystring, validate_request

from judge.checkers import CheckerSpec
from judge.languages import LANGUAGES
from judge.limits import Limits
from server import audit
from server.accounts.access import client_ip, requires
from server.accounts.roles import STAFF, Role
from server.api.schemas import ErrorResponse
from server.api.screening import AnyBody
from server.errors import ApiError
from server.runtime import runtime
from server.screening import content
from server.screening.scoring import AnswerKeyError, check_question
from server.tasks import NewGroup, NewTest, create_task

PREFIX = "/organisation"
blueprint = Blueprint("authoring", __name__)
AUTHORS = (Role.HR, Role.ADMIN)
MAX_PACKAGE_BYTES = 32 * 1024 * 1024
MAX_TEST_TEXT = 1024 * 1024
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
LanguageId = Literal[tuple(LANGUAGES)]  # type: ignore[valid-type]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrackCreate(Body):
    name: Title
    slug: Slug | None = None
    description: str = Field(default="", max_length=4000)


class TestIn(Body):
    input: str = Field(max_length=MAX_TEST_TEXT)
    answer: str = Field(max_length=MAX_TEST_TEXT)
    visible: bool = False
    name: str | None = Field(default=None, max_length=100)


class GroupIn(Body):
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    points: int = Field(ge=0, le=1000)
    tests: list[TestIn] = Field(min_length=1, max_length=500)


class TaskLimits(Body):
    cpu_ms: int = Field(default=2000, ge=100, le=20_000)
    memory_mb: int = Field(default=256, ge=16, le=1024)


class CheckerIn(Body):
    kind: Literal["exact", "tokens", "float", "custom"] = "tokens"
    abs_tolerance: float = Field(default=1e-6, ge=0)
    rel_tolerance: float = Field(default=1e-6, ge=0)
    language: LanguageId | None = None
    source: str | None = Field(default=None, max_length=256 * 1024)


class TaskCreate(Body):
    title: Title
    statement: str = Field(default="", max_length=64 * 1024)
    track_id: uuid.UUID | None = None
    limits: TaskLimits = Field(default_factory=TaskLimits)
    checker: CheckerIn = Field(default_factory=CheckerIn)
    stop_on_first_failure: bool = False
    starter_code: dict[LanguageId, Annotated[str, StringConstraints(max_length=64 * 1024)]] = Field(
        default_factory=dict
    )
    groups: list[GroupIn] = Field(min_length=1, max_length=50)


class TaskUpdate(Body):
    title: Title | None = None
    statement: str | None = Field(default=None, max_length=64 * 1024)
    track_id: uuid.UUID | None = None
    limits: TaskLimits | None = None
    starter_code: (
        dict[LanguageId, Annotated[str, StringConstraints(max_length=64 * 1024)]] | None
    ) = None


class QuestionsQuery(BaseModel):
    track: uuid.UUID | None = None


Prompt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Option = Annotated[str, StringConstraints(max_length=1000)]


class QuestionCreate(Body):
    track_id: uuid.UUID
    kind: Literal["single", "multiple", "text", "numeric"]
    prompt: Prompt
    options: list[Option] = Field(default_factory=list, max_length=12)
    answer_key: dict[str, Any]
    points: int = Field(default=1, ge=1, le=100)


class QuestionUpdate(Body):
    prompt: Prompt | None = None
    options: list[Option] | None = Field(default=None, max_length=12)
    answer_key: dict[str, Any] | None = None
    points: int | None = Field(default=None, ge=1, le=100)
    is_active: bool | None = None


class VacancyTask(Body):
    task_id: uuid.UUID
    weight: int = Field(default=1, ge=1, le=1000)


class VacancyFields(Body):
    title: Title | None = None
    description: str | None = Field(default=None, max_length=64 * 1024)
    track_id: uuid.UUID | None = None
    status: Literal["draft", "open", "closed"] | None = None
    pass_mark: int | None = Field(default=None, ge=0, le=100)
    duration_minutes: int | None = Field(default=None, ge=1, le=1440)
    quiz_questions: int | None = Field(default=None, ge=0, le=200)
    quiz_weight: int | None = Field(default=None, ge=0, le=1000)
    languages: list[LanguageId] | None = Field(default=None, max_length=len(LANGUAGES))
    tasks: list[VacancyTask] | None = Field(default=None, max_length=20)


class VacancyCreate(VacancyFields):
    title: Title
    track_id: uuid.UUID


def _org() -> uuid.UUID:
    return g.user.organisation_id


# Tracks


@blueprint.get("/tracks")
@tag(["authoring"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def tracks() -> Response:
    """The organisation's tracks with the size of their quiz pools."""
    async with runtime().db.connection() as conn:
        return jsonify({"tracks": await content.list_tracks(conn, _org())})


@blueprint.post("/tracks")
@tag(["authoring"])
@requires(*AUTHORS)
@validate_request(TrackCreate)
@document_response(AnyBody, 201)
@document_response(ErrorResponse, 409)
async def add_track(data: TrackCreate) -> Response:
    """A new track (e.g. "Python back end"): a quiz pool and a home for vacancies."""
    async with runtime().db.transaction() as conn:
        track = await content.create_track(
            conn, _org(), name=data.name, slug=data.slug, description=data.description
        )
        await audit.record(
            conn, "track.created", actor_id=g.user.id, organisation_id=_org(),
            target=track["id"], ip=client_ip(), details={"name": data.name},
        )  # fmt: skip
    return _created(track)


# Tasks


@blueprint.get("/tasks")
@tag(["authoring"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def tasks() -> Response:
    """The organisation's coding tasks."""
    async with runtime().db.connection() as conn:
        return jsonify({"tasks": await content.list_tasks(conn, _org())})


@blueprint.post("/tasks")
@tag(["authoring"])
@requires(*AUTHORS)
@validate_request(TaskCreate)
@document_response(AnyBody, 201)
async def add_task(data: TaskCreate) -> Response:
    """A coding task with its statement, limits, checker, starter code and test groups."""
    try:
        checker = CheckerSpec(**data.checker.model_dump())
    except ValueError as exc:
        raise ApiError(422, "validation_failed", str(exc), field="checker") from None
    limits = Limits(cpu_ms=data.limits.cpu_ms, memory_mb=data.limits.memory_mb)
    names = [group.name for group in data.groups]
    if len(set(names)) != len(names):
        raise ApiError(422, "validation_failed", "group names must differ", field="groups")
    groups = [
        NewGroup(
            g_.name, g_.points, [NewTest(t.input, t.answer, t.visible, t.name) for t in g_.tests]
        )
        for g_ in data.groups
    ]
    async with runtime().db.transaction() as conn:
        if data.track_id is not None:
            await content.own_track(conn, data.track_id, _org(), "track_id")
        task_id = await create_task(
            conn,
            organisation_id=_org(),
            title=data.title,
            statement=data.statement,
            groups=groups,
            limits=limits,
            checker=checker,
            stop_on_first_failure=data.stop_on_first_failure,
            track_id=data.track_id,
            starter_code=dict(data.starter_code),
            origin="editor",
        )
        await audit.record(
            conn, "task.created", actor_id=g.user.id, organisation_id=_org(),
            target=str(task_id), ip=client_ip(), details={"title": data.title},
        )  # fmt: skip
        detail = await content.task_detail(conn, task_id, _org())
    return _created(detail)


@blueprint.post("/tasks/import")
@tag(["authoring"])
@requires(*AUTHORS)
@document_response(AnyBody, 201)
@document_response(ErrorResponse, 422)
async def import_task() -> Response:
    """Import a Kattis/ICPC problem package: a zip in the multipart field ``package``."""
    from server.problem_package import PackageError, parse_package, store_problem

    if request.content_length and request.content_length > MAX_PACKAGE_BYTES:
        raise ApiError(413, "too_large", "a problem package may be up to 32 MiB")
    request.body_timeout = 60
    files = await request.files
    form = await request.form
    upload = files.get("package")
    if upload is None:
        raise ApiError(
            422, "validation_failed", "send the package as the multipart field 'package'",
            field="package",
        )  # fmt: skip
    data = upload.read(MAX_PACKAGE_BYTES + 1)
    if len(data) > MAX_PACKAGE_BYTES:
        raise ApiError(413, "too_large", "a problem package may be up to 32 MiB")
    try:
        problem = await asyncio.to_thread(parse_package, data, name=upload.filename or None)
    except PackageError as exc:
        raise ApiError(
            422, "invalid_package", f"{upload.filename or 'the upload'} is not a valid problem "
            "package", problems=exc.problems,
        ) from None  # fmt: skip
    track_id = None
    if form.get("track_id"):
        try:
            track_id = uuid.UUID(form["track_id"])
        except ValueError:
            raise ApiError(422, "validation_failed", "not a track id", field="track_id") from None
    async with runtime().db.transaction() as conn:
        if track_id is not None:
            await content.own_track(conn, track_id, _org(), "track_id")
        task_id = await store_problem(conn, problem, organisation_id=_org(), track_id=track_id)
        await audit.record(
            conn, "task.imported", actor_id=g.user.id, organisation_id=_org(),
            target=str(task_id), ip=client_ip(),
            details={"title": problem.title, "file": upload.filename},
        )  # fmt: skip
        detail = await content.task_detail(conn, task_id, _org())
    return _created(detail)


@blueprint.get("/tasks/<uuid:task_id>")
@tag(["authoring"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def task(task_id: uuid.UUID) -> Response:
    """A task with all its tests (staff only: candidates never see hidden tests)."""
    async with runtime().db.connection() as conn:
        return jsonify(await content.task_detail(conn, task_id, _org()))


@blueprint.patch("/tasks/<uuid:task_id>")
@tag(["authoring"])
@requires(*AUTHORS)
@validate_request(TaskUpdate)
@document_response(AnyBody, 200)
async def change_task(task_id: uuid.UUID, data: TaskUpdate) -> Response:
    """Change a task's title, statement, track, limits or starter code. Its tests stay as they
    are, so the scores already given keep their meaning; for other tests, make a new task."""
    async with runtime().db.transaction() as conn:
        current = await content.task_detail(conn, task_id, _org())
        if data.track_id is not None:
            await content.own_track(conn, data.track_id, _org(), "track_id")
        limits = current["limits"]
        if data.limits is not None:
            limits = {**limits, **data.limits.model_dump()}
            Limits(**limits)  # still within the judge's bounds
        await conn.execute(
            """
            UPDATE tasks SET title = coalesce($2, title), statement = coalesce($3, statement),
                             track_id = coalesce($4, track_id), limits = $5,
                             starter_code = coalesce($6, starter_code), updated_at = now()
            WHERE id = $1
            """,
            task_id,
            data.title,
            data.statement,
            data.track_id,
            limits,
            dict(data.starter_code) if data.starter_code is not None else None,
        )
        await audit.record(
            conn, "task.changed", actor_id=g.user.id, organisation_id=_org(),
            target=str(task_id), ip=client_ip(),
            details={"fields": sorted(data.model_dump(exclude_none=True))},
        )  # fmt: skip
        detail = await content.task_detail(conn, task_id, _org())
    return jsonify(detail)


# Questions


@blueprint.get("/questions")
@tag(["authoring"])
@requires(*STAFF)
@validate_querystring(QuestionsQuery)
@document_response(AnyBody, 200)
async def questions(query_args: QuestionsQuery) -> Response:
    """The quiz pools, with answer keys (staff only)."""
    async with runtime().db.connection() as conn:
        return jsonify({"questions": await content.list_questions(conn, _org(), query_args.track)})


def _check_question(kind: str, options: list[str], key: dict[str, Any]) -> None:
    try:
        check_question(kind, options, key)
    except AnswerKeyError as exc:
        raise ApiError(422, "invalid_question", str(exc), field="answer_key") from None


@blueprint.post("/questions")
@tag(["authoring"])
@requires(*AUTHORS)
@validate_request(QuestionCreate)
@document_response(AnyBody, 201)
async def add_question(data: QuestionCreate) -> Response:
    """A quiz question in a track's pool."""
    _check_question(data.kind, data.options, data.answer_key)
    async with runtime().db.transaction() as conn:
        await content.own_track(conn, data.track_id, _org(), "track_id")
        row = await conn.fetchrow(
            """
            INSERT INTO quiz_questions (organisation_id, track_id, kind, prompt, options,
                                        answer_key, points)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *
            """,
            _org(),
            data.track_id,
            data.kind,
            data.prompt,
            data.options,
            data.answer_key,
            data.points,
        )
    return _created(content.question_json(row))


@blueprint.patch("/questions/<uuid:question_id>")
@tag(["authoring"])
@requires(*AUTHORS)
@validate_request(QuestionUpdate)
@document_response(AnyBody, 200)
async def change_question(question_id: uuid.UUID, data: QuestionUpdate) -> Response:
    """Change a question, or take it out of the pool (``is_active: false``)."""
    async with runtime().db.transaction() as conn:
        row = await content.own_question(conn, question_id, _org())
        merged = {**dict(row), **data.model_dump(exclude_none=True)}
        _check_question(merged["kind"], merged["options"], merged["answer_key"])
        row = await conn.fetchrow(
            """
            UPDATE quiz_questions SET prompt = $2, options = $3, answer_key = $4, points = $5,
                                      is_active = $6
            WHERE id = $1 RETURNING *
            """,
            question_id,
            merged["prompt"],
            merged["options"],
            merged["answer_key"],
            merged["points"],
            merged["is_active"],
        )
    return jsonify(content.question_json(row))


# Vacancies

VACANCY_COLUMNS = ("title", "description", "track_id", "status", "pass_mark", "duration_minutes",
                   "quiz_questions", "quiz_weight", "languages")  # fmt: skip


@blueprint.get("/vacancies")
@tag(["authoring"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def vacancies() -> Response:
    """The organisation's vacancies, any status, with candidate counts by stage."""
    async with runtime().db.connection() as conn:
        return jsonify({"vacancies": await content.organisation_vacancies(conn, _org())})


@blueprint.post("/vacancies")
@tag(["authoring"])
@requires(*AUTHORS)
@validate_request(VacancyCreate)
@document_response(AnyBody, 201)
async def add_vacancy(data: VacancyCreate) -> Response:
    """A vacancy with its assessment: tasks with weights, quiz size and weight, time, pass mark."""
    values = data.model_dump(exclude_none=True, exclude={"tasks"})
    async with runtime().db.transaction() as conn:
        await content.own_track(conn, data.track_id, _org(), "track_id")
        # Column names come from VACANCY_COLUMNS only; every value is a parameter.
        columns = [c for c in VACANCY_COLUMNS if c in values]
        vacancy_id = await conn.fetchval(
            f"INSERT INTO vacancies (organisation_id, created_by, {', '.join(columns)}) "  # noqa: S608
            f"VALUES ($1, $2, {', '.join(f'${i + 3}' for i in range(len(columns)))}) RETURNING id",
            _org(),
            g.user.id,
            *[values[c] for c in columns],
        )
        if data.tasks:
            await content.set_vacancy_tasks(
                conn, vacancy_id, _org(), [(t.task_id, t.weight) for t in data.tasks]
            )
        await content.check_openable(conn, vacancy_id)
        await audit.record(
            conn, "vacancy.created", actor_id=g.user.id, organisation_id=_org(),
            target=str(vacancy_id), ip=client_ip(), details={"title": data.title},
        )  # fmt: skip
        body = await content.vacancy_admin(conn, vacancy_id)
    return _created(body)


@blueprint.get("/vacancies/<uuid:vacancy_id>")
@tag(["authoring"])
@requires(*STAFF)
@document_response(AnyBody, 200)
async def vacancy(vacancy_id: uuid.UUID) -> Response:
    """One vacancy with its assessment and counts."""
    async with runtime().db.connection() as conn:
        await content.own_vacancy(conn, vacancy_id, _org())
        return jsonify(await content.vacancy_admin(conn, vacancy_id))


@blueprint.patch("/vacancies/<uuid:vacancy_id>")
@tag(["authoring"])
@requires(*AUTHORS)
@validate_request(VacancyFields)
@document_response(AnyBody, 200)
async def change_vacancy(vacancy_id: uuid.UUID, data: VacancyFields) -> Response:
    """Change a vacancy; attempts already started keep the assessment they started with."""
    values = data.model_dump(exclude_none=True, exclude={"tasks"})
    async with runtime().db.transaction() as conn:
        await content.own_vacancy(conn, vacancy_id, _org())
        if "track_id" in values:
            await content.own_track(conn, values["track_id"], _org(), "track_id")
        columns = [c for c in VACANCY_COLUMNS if c in values]
        if columns:
            assignments = ", ".join(f"{c} = ${i + 2}" for i, c in enumerate(columns))
            await conn.execute(
                f"UPDATE vacancies SET {assignments}, updated_at = now() WHERE id = $1",  # noqa: S608
                vacancy_id,
                *[values[c] for c in columns],
            )
        if data.tasks is not None:
            await content.set_vacancy_tasks(
                conn, vacancy_id, _org(), [(t.task_id, t.weight) for t in data.tasks]
            )
        await content.check_openable(conn, vacancy_id)
        await audit.record(
            conn, "vacancy.changed", actor_id=g.user.id, organisation_id=_org(),
            target=str(vacancy_id), ip=client_ip(),
            details={"fields": sorted(data.model_dump(exclude_none=True))},
        )  # fmt: skip
        body = await content.vacancy_admin(conn, vacancy_id)
    return jsonify(body)


def _created(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.status_code = 201
    return response
