"""Program runs as the server sees them: jobs in PostgreSQL, the queue, results, and workers.

A run is a row in ``judge_jobs`` and a message in the judge queue. A worker (in this process
under ``sobes serve`` without Redis, or ``sobes worker`` processes) runs it in the sandbox and
stores its result in ``judge_results`` under the job's id: once, whatever the retries. The
owner hears of it over Socket.IO (``run.finished``) and can always ask ``GET /runs/{id}``.
A run in an interview room also passes its output to the room while it runs
(``room.run.output``), before the room's ``room.run.finished``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

import asyncpg

from judge.limits import Limits
from judge.queue import Delivery, JobQueue, Lane, MemoryJobQueue, QueueFull, RedisJobQueue
from judge.runner import Judge, Judgement, RunReport
from judge.sandbox import SandboxError
from judge.selftest import LanguageStatus, self_test_once
from judge.verdicts import Verdict
from judge.worker import Worker, default_consumer_name
from server.errors import ServiceUnavailable
from server.realtime import user_room
from server.rooms import room_channel
from server.settings import Settings
from server.storage.database import Database
from server.tasks import load_task, submission_view

log = logging.getLogger("sobes.judging")
# (Socket.IO room, payload with its "event")
Notify = Callable[[str, dict[str, Any]], Awaitable[None]]
HEARTBEAT_S = 10
WORKER_FRESH_S = 45
RESULT_FIELDS = (
    "verdict", "exit_code", "signal", "stdout", "stderr", "compile_output",
    "cpu_ms", "wall_ms", "memory_kb",
)  # fmt: skip


async def submit_run(
    db: Database,
    queue: JobQueue,
    *,
    user_id: uuid.UUID,
    language: str,
    source: str,
    stdin: str = "",
    limits: Limits | None = None,
    lane: Lane = "live",
    task_id: uuid.UUID | None = None,
    attempt_id: uuid.UUID | None = None,
    samples_only: bool = False,
    room_id: uuid.UUID | None = None,
    guard: Callable[[asyncpg.Connection], Awaitable[object]] | None = None,
) -> uuid.UUID:
    """Store a run (or, with ``task_id``, a submission) and queue it.

    ``guard`` runs first in the same transaction (and may refuse: an attempt past its
    deadline). 503 when the queue is full or unreachable; then nothing is kept.
    """
    async with db.transaction() as conn:
        if guard is not None:
            await guard(conn)
        job_id = await conn.fetchval(
            """
            INSERT INTO judge_jobs (kind, lane, user_id, language, source, stdin, limits, task_id,
                                    attempt_id, samples_only, room_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
            """,
            "submission" if task_id else "run",
            lane,
            user_id,
            language,
            source,
            stdin,
            asdict(limits or Limits()),
            task_id,
            attempt_id,
            samples_only,
            room_id,
        )
    try:
        await queue.put(lane, str(job_id))
    except QueueFull:
        await _forget(db, job_id)
        raise ServiceUnavailable(
            "judge_busy", "the judge has too many programs waiting; try again shortly", 5
        ) from None
    except Exception:
        await _forget(db, job_id)
        raise
    return job_id


async def _forget(db: Database, job_id: uuid.UUID) -> None:
    async with db.connection() as conn:
        await conn.execute("DELETE FROM judge_jobs WHERE id = $1", job_id)


def run_view(row: asyncpg.Record) -> dict[str, Any]:
    """A run as the API shows it: its state, and its result once there is one."""
    body: dict[str, Any] = {
        "id": str(row["id"]),
        "status": row["status"],
        "language": row["language"],
        "created_at": row["created_at"].isoformat(),
    }
    result = row["result"] or {}
    for name in RESULT_FIELDS:
        body[name] = result.get(name)
    return body


_RUN_QUERY = """
    SELECT j.id, j.status, j.language, j.created_at, j.user_id, j.room_id, r.result
    FROM judge_jobs j LEFT JOIN judge_results r ON r.job_id = j.id
    WHERE j.id = $1 AND j.kind = 'run'
"""


async def get_run(db: Database, job_id: uuid.UUID, user_id: uuid.UUID) -> dict[str, Any] | None:
    async with db.connection() as conn:
        row = await conn.fetchrow(_RUN_QUERY, job_id)
    if row is None or row["user_id"] != user_id:
        return None
    return run_view(row)


_SUBMISSION_QUERY = """
    SELECT j.id, j.status, j.language, j.created_at, j.user_id, j.task_id, j.attempt_id,
           j.samples_only, j.room_id, r.result
    FROM judge_jobs j LEFT JOIN judge_results r ON r.job_id = j.id
    WHERE j.id = $1 AND j.kind = 'submission'
"""


async def get_submission(
    db: Database, job_id: uuid.UUID, user_id: uuid.UUID
) -> dict[str, Any] | None:
    async with db.connection() as conn:
        row = await conn.fetchrow(_SUBMISSION_QUERY, job_id)
    if row is None or row["user_id"] != user_id:
        return None
    return submission_view(row)


class RoomOutput:
    """A room run's output, from the judge's thread to everyone in the room, in order.

    The judge calls ``listener`` in its worker thread while the program runs; each chunk hops
    to the event loop (``call_soon_threadsafe``) and one task sends them as
    ``room.run.output`` events numbered by ``seq``, so they leave in the order printed.
    ``close`` waits until all are sent: ``room.run.finished`` comes after them.
    """

    def __init__(
        self, notify: Notify, room_id: uuid.UUID, job_id: uuid.UUID, attempt: int = 1
    ) -> None:
        self.notify = notify
        self.channel = room_channel(room_id)
        # a job run again (its worker died) numbers its output afresh, under the next attempt
        self.head = {"room_id": str(room_id), "id": str(job_id), "attempt": attempt}
        self.loop = asyncio.get_running_loop()
        self.chunks: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()
        self.sender = asyncio.create_task(self._send())

    def listener(self, stream: str, text: str) -> None:
        self.loop.call_soon_threadsafe(self.chunks.put_nowait, (stream, text))

    async def _send(self) -> None:
        seq = 0
        while (chunk := await self.chunks.get()) is not None:
            stream, text = chunk
            payload = {"event": "room.run.output", **self.head, "seq": seq, "stream": stream,
                       "text": text}  # fmt: skip
            try:
                await self.notify(self.channel, payload)
            except Exception:
                # the final output still comes with room.run.finished
                log.warning("could not send a run's output to %s", self.channel, exc_info=True)
            seq += 1

    async def close(self) -> None:
        self.chunks.put_nowait(None)
        await self.sender


class RunHandler:
    """What a worker does with a job: load it, judge it, store the result once, tell the owner.

    A run is one program on one input; a submission is judged against its task's tests.
    """

    def __init__(self, db: Database, judge: Judge, notify: Notify, worker_name: str) -> None:
        self.db = db
        self.judge = judge
        self.notify = notify
        self.worker_name = worker_name

    async def _store(self, job_id: uuid.UUID, report: RunReport | Judgement) -> None:
        async with self.db.transaction() as conn:
            stored = await conn.fetchval(
                """
                INSERT INTO judge_results (job_id, verdict, result, worker)
                VALUES ($1, $2, $3, $4) ON CONFLICT (job_id) DO NOTHING RETURNING job_id
                """,
                job_id,
                report.verdict.value,
                report.to_json(),
                self.worker_name,
            )
            kind = await conn.fetchval(
                "UPDATE judge_jobs SET status = 'done', finished_at = now() WHERE id = $1 "
                "RETURNING kind",
                job_id,
            )
            if kind == "submission":
                row = await conn.fetchrow(_SUBMISSION_QUERY, job_id)
                event, view = "submission.finished", submission_view
            else:
                row = await conn.fetchrow(_RUN_QUERY, job_id)
                event, view = "run.finished", run_view
        if stored is None or row is None:
            return
        await self.notify(user_room(row["user_id"]), {"event": event, **view(row)})
        if row["room_id"] is not None:
            # A run in an interview room: everyone in the room sees its output.
            payload = {"event": "room.run.finished", "room_id": str(row["room_id"]),
                       "kind": kind, **view(row)}  # fmt: skip
            await self.notify(room_channel(row["room_id"]), payload)
        if kind == "submission" and row["attempt_id"] is not None and not row["samples_only"]:
            from server.screening.attempts import submission_judged

            for room, payload in await submission_judged(self.db, row["attempt_id"]):
                await self.notify(room, payload)

    async def __call__(self, delivery: Delivery) -> None:
        job_id = uuid.UUID(delivery.job_id)
        async with self.db.connection() as conn:
            job = await conn.fetchrow(
                """
                UPDATE judge_jobs SET status = 'running', started_at = now(),
                                      attempts = attempts + 1
                WHERE id = $1 AND status <> 'done'
                RETURNING kind, language, source, stdin, limits, task_id, samples_only, room_id,
                          attempts
                """,
                job_id,
            )
            task = None
            if job is not None and job["task_id"] is not None:
                task = await load_task(conn, job["task_id"], samples_only=job["samples_only"])
        if job is None:
            return  # already done (an earlier attempt stored it) or withdrawn
        if job["kind"] == "submission":
            if task is None:
                return  # the task was deleted meanwhile, and the job with it
            judgement = await asyncio.to_thread(
                self.judge.judge, task, job["language"], job["source"]
            )
            await self._store(job_id, judgement)
            return
        limits = Limits(**job["limits"])
        # A run in an interview room: everyone in it sees the output as it comes.
        output = (
            RoomOutput(self.notify, job["room_id"], job_id, job["attempts"])
            if job["room_id"]
            else None
        )
        try:
            report = await asyncio.to_thread(
                self.judge.run_program,
                job["language"],
                job["source"],
                job["stdin"].encode(),
                limits,
                output.listener if output else None,
            )
        finally:
            if output is not None:
                await output.close()
        await self._store(job_id, report)

    async def give_up(self, delivery: Delivery) -> None:
        job_id = uuid.UUID(delivery.job_id)
        message = f"the judge could not run this program ({delivery.attempts - 1} attempts)"
        async with self.db.connection() as conn:
            kind = await conn.fetchval("SELECT kind FROM judge_jobs WHERE id = $1", job_id)
        if kind == "submission":
            await self._store(job_id, Judgement(Verdict.SE, 0, 0, compile_output=message))
        elif kind == "run":
            await self._store(job_id, RunReport(verdict=Verdict.SE, stderr=message))


async def register_worker(
    db: Database, name: str, statuses: dict[str, LanguageStatus], slots: int
) -> None:
    languages = [s.to_json() for s in statuses.values() if s.available]
    async with db.connection() as conn:
        await conn.execute(
            """
            INSERT INTO judge_workers (name, languages, slots) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET languages = EXCLUDED.languages,
                slots = EXCLUDED.slots, heartbeat_at = now()
            """,
            name,
            languages,
            slots,
        )


async def heartbeat(db: Database, name: str, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            async with db.connection() as conn:
                await conn.execute(
                    "UPDATE judge_workers SET heartbeat_at = now() WHERE name = $1", name
                )
        except Exception:
            log.warning("judge worker heartbeat failed", exc_info=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), HEARTBEAT_S)


async def unregister_worker(db: Database, name: str) -> None:
    async with db.connection() as conn:
        await conn.execute("DELETE FROM judge_workers WHERE name = $1", name)


async def available_languages(db: Database) -> tuple[list[dict[str, Any]], int]:
    """The languages some live worker offers, and how many workers are live."""
    async with db.connection() as conn:
        rows = await conn.fetch(
            "SELECT languages FROM judge_workers "
            "WHERE heartbeat_at > now() - make_interval(secs => $1)",
            float(WORKER_FRESH_S),
        )
    offered: dict[str, dict[str, Any]] = {}
    for row in rows:
        for language in row["languages"]:
            offered.setdefault(language["id"], language)
    return sorted(offered.values(), key=lambda lang: lang["id"]), len(rows)


def open_queue(settings: Settings) -> JobQueue:
    """The judge queue this configuration asks for: Redis Streams, or in-process."""
    if settings.redis_url:
        return RedisJobQueue(settings.redis_url, settings.redis_prefix, settings.judge_queue_cap)
    return MemoryJobQueue(settings.judge_queue_cap)


class JudgeWorkers:
    """Judge workers running inside this process: self-test, register, work, unregister."""

    def __init__(
        self, settings: Settings, db: Database, queue: JobQueue, notify: Notify, slots: int
    ) -> None:
        self.settings = settings
        self.db = db
        self.queue = queue
        self.notify = notify
        self.slots = slots
        self.name = default_consumer_name()
        self.stop = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.worker: Worker | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            judge = Judge()
        except SandboxError as exc:
            log.error("no judge in this process: %s", exc)
            return
        statuses = await asyncio.to_thread(self_test_once, judge)
        if not any(status.available for status in statuses.values()):
            log.error("no language passed its self-test; this process runs no judge")
            return
        await register_worker(self.db, self.name, statuses, self.slots)
        handler = RunHandler(self.db, judge, self.notify, self.name)
        self.worker = Worker(
            self.queue,
            handler,
            handler.give_up,
            concurrency=self.slots,
            consumer=self.name,
            claim_idle_ms=self.settings.judge_claim_idle_ms,
            max_attempts=self.settings.judge_max_attempts,
        )
        beating = asyncio.create_task(heartbeat(self.db, self.name, self.stop))
        try:
            await self.worker.run(self.stop)
        finally:
            self.stop.set()
            await beating
            try:
                await unregister_worker(self.db, self.name)
            except Exception:
                log.warning("could not unregister judge worker %s", self.name, exc_info=True)

    async def close(self, timeout_s: float = 30) -> None:
        """Finish the jobs under way (up to ``timeout_s``), then stop."""
        self.stop.set()
        if self.task is not None:
            done, _ = await asyncio.wait({self.task}, timeout=timeout_s)
            if not done:
                self.task.cancel()
