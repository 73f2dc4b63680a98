"""The server's clock: the one time that decides deadlines, whatever a client's clock says.

Each node reads it through ``Runtime.clock``; tests move it (``offset``) to step past a deadline
without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass
class Clock:
    offset: timedelta = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by
