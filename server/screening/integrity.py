"""Code similarity between candidates' final submissions to one task: a signal, never a verdict.

When an attempt finishes, its last submission to each task is compared (winnowed fingerprints,
``server.similarity``) with the last submissions of other finished attempts at that task in the
same language; pairs at or above the threshold are stored as flags for HR to look at.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from server.similarity import DEFAULT_THRESHOLD, flag_pairs
from server.storage.database import Database

log = logging.getLogger("sobes.screening.integrity")
PEERS = 300  # the most recent other attempts a submission is compared with
_running: set[asyncio.Task[None]] = set()


def check_later(db: Database, attempt_id: uuid.UUID) -> None:
    """Compare in the background; the finish does not wait for it."""
    task = asyncio.get_running_loop().create_task(_check_logged(db, attempt_id))
    _running.add(task)
    task.add_done_callback(_running.discard)


async def _check_logged(db: Database, attempt_id: uuid.UUID) -> None:
    try:
        flagged = await check_similarity(db, attempt_id)
        if flagged:
            log.info("similarity flags", extra={"attempt_id": str(attempt_id), "flags": flagged})
    except Exception:
        log.warning("similarity check failed for %s", attempt_id, exc_info=True)


async def check_similarity(
    db: Database, attempt_id: uuid.UUID, threshold: float = DEFAULT_THRESHOLD
) -> int:
    """Store the flags of this attempt's final submissions; returns how many were stored."""
    stored = 0
    async with db.connection() as conn:
        finals = await conn.fetch(
            """
            SELECT DISTINCT ON (j.task_id) j.task_id, j.id, j.language, j.source, t.starter_code
            FROM judge_jobs j JOIN tasks t ON t.id = j.task_id
            WHERE j.attempt_id = $1 AND NOT j.samples_only
            ORDER BY j.task_id, j.created_at DESC
            """,
            attempt_id,
        )
    for final in finals:
        async with db.connection() as conn:
            peers = await conn.fetch(
                """
                SELECT * FROM (
                    SELECT DISTINCT ON (j.attempt_id) j.attempt_id, j.id, j.language, j.source,
                           j.created_at
                    FROM judge_jobs j JOIN attempts a ON a.id = j.attempt_id
                    WHERE j.task_id = $1 AND j.attempt_id <> $2 AND NOT j.samples_only
                      AND a.status = 'finished'
                    ORDER BY j.attempt_id, j.created_at DESC
                ) last WHERE language = $3 ORDER BY created_at DESC LIMIT $4
                """,
                final["task_id"],
                attempt_id,
                final["language"],
                PEERS,
            )
        if not peers:
            continue
        mine = (attempt_id, final["id"])
        candidates = [(mine, final["source"])]
        candidates += [((p["attempt_id"], p["id"]), p["source"]) for p in peers]
        language = final["language"]
        pairs = await asyncio.to_thread(
            flag_pairs,
            candidates,
            dict.fromkeys((key for key, _ in candidates), language),
            threshold,
            final["starter_code"],
        )
        rows = []
        for a, b, score in pairs:
            if mine not in (a, b):
                continue  # a pair of two others: their own finishes compared them
            first, second = sorted((a, b), key=lambda key: str(key[0]))
            rows.append((final["task_id"], first[0], second[0], first[1], second[1], score))
        if rows:
            async with db.connection() as conn:
                await conn.executemany(
                    """
                    INSERT INTO similarity_flags (task_id, attempt_id, other_attempt_id,
                                                  submission_id, other_submission_id, similarity)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (task_id, attempt_id, other_attempt_id) DO UPDATE
                    SET similarity = EXCLUDED.similarity, submission_id = EXCLUDED.submission_id,
                        other_submission_id = EXCLUDED.other_submission_id, computed_at = now()
                    """,
                    rows,
                )
            stored += len(rows)
    return stored
