"""One y-websocket connection: its grant, its outbox and the limits it is held to.

Messages to the client go through a bounded outbox drained by a sender task, so one slow
client never holds up the others. A client that falls too far behind is disconnected rather
than sent a document with holes: its provider reconnects and syncs afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from server.collab.tokens import Grant

log = logging.getLogger("sobes.collab")

MAX_MESSAGE_BYTES = 1024 * 1024
MAX_AWARENESS_BYTES = 64 * 1024
OUTBOX_LIMIT = 2000
# A person types and moves a cursor a few dozen times a second at most.
MESSAGES_PER_S = 200
MESSAGE_BURST = 1000


class CloseCode:
    """WebSocket close codes sent by the y-websocket endpoint.

    y-websocket 3 stops reconnecting on 4400-4499 (a decision reconnecting cannot change);
    every other code makes a provider reconnect.
    """

    NORMAL = 1000
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    POLICY = 1008
    TOO_BIG = 1009
    SERVER_ERROR = 1011
    RESTART = 1012
    TRY_AGAIN = 1013
    BAD_TOKEN = 4401
    FORBIDDEN = 4403
    GONE = 4404


class Connection:
    def __init__(self, websocket: Any, grant: Grant) -> None:
        self.websocket = websocket
        self.grant = grant
        self.outbox: asyncio.Queue[bytes] = asyncio.Queue(OUTBOX_LIMIT)
        self.closed = False
        # set when a write of this connection was dropped as read-only; once it may write
        # again it is asked for what it has and the server lacks (see Document.receive)
        self.dropped_writes = False
        self._handler = asyncio.current_task()
        self._sender: asyncio.Task[None] | None = None
        self._closing: asyncio.Task[None] | None = None
        self._tokens = float(MESSAGE_BURST)
        self._refilled = time.monotonic()

    def __repr__(self) -> str:
        return f"<Connection {self.grant.user_id} {self.grant.document_name}>"

    def start(self) -> None:
        self._sender = asyncio.create_task(self._send_loop())

    def send(self, message: bytes) -> None:
        if self.closed:
            return
        try:
            self.outbox.put_nowait(message)
        except asyncio.QueueFull:
            self.close(CloseCode.TRY_AGAIN, "too slow to keep up")

    def admit(self) -> bool:
        """Count one incoming message; False once the client sends faster than allowed."""
        now = time.monotonic()
        self._tokens = min(MESSAGE_BURST, self._tokens + (now - self._refilled) * MESSAGES_PER_S)
        self._refilled = now
        self._tokens -= 1
        return self._tokens >= 0

    async def _send_loop(self) -> None:
        try:
            while True:
                await self.websocket.send(await self.outbox.get())
        except asyncio.CancelledError:
            raise
        except Exception:
            # The socket is gone; the handler learns it from its own receive.
            log.debug("send failed on %r", self, exc_info=True)
            self.closed = True

    def close(self, code: int, reason: str) -> None:
        """Close from outside the connection's handler (the outbox is dropped); the handler
        is then cancelled and cleans up."""
        if self.closed:
            return
        self.closed = True
        self._closing = asyncio.get_running_loop().create_task(self._close(code, reason, True))

    async def shut(self, code: int, reason: str) -> None:
        """Close from the connection's own handler."""
        if self.closed:
            return
        self.closed = True
        await self._close(code, reason, False)

    async def _close(self, code: int, reason: str, cancel_handler: bool) -> None:
        self.stop()
        with contextlib.suppress(Exception):
            await self.websocket.close(code, reason)
        if cancel_handler and self._handler is not None:
            self._handler.cancel()

    def stop(self) -> None:
        """Stop sending (what is still in the outbox is dropped)."""
        if self._sender is not None:
            self._sender.cancel()
