"""What a running node holds: its settings, the database pool, the bus, Socket.IO, metrics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quart import current_app

from server.clock import Clock
from server.settings import Settings

if TYPE_CHECKING:
    import socketio

    from judge.queue import JobQueue
    from server.bus import Bus
    from server.judging import JudgeWorkers
    from server.observability import Metrics
    from server.storage.database import Database


@dataclass
class Runtime:
    settings: Settings
    metrics: Metrics
    sio: socketio.AsyncServer
    db: Database = field(init=False)
    bus: Bus = field(init=False)
    queue: JobQueue = field(init=False)
    judge_workers: JudgeWorkers | None = None
    clock: Clock = field(default_factory=Clock)


def runtime() -> Runtime:
    """The runtime of the app handling the current request."""
    return current_app.extensions["sobes"]
