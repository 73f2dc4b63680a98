"""The y-websocket endpoint: ``/yjs/<document name>?token=...``, as stock providers connect.

``new WebsocketProvider('wss://HOST/yjs', '<room id>/<file name>', ydoc, {params: {token}})``
opens ``wss://HOST/yjs/<room id>/<file name>?token=...``. A connection that may not open the
document is accepted and closed at once, before any data, with a code that says why (a
browser sees no code for a refused handshake):

- 4401: the token is missing, unknown or expired;
- 4403: the document is not the token's room's, or the page's origin is not allowed;
- 1013: the database is unavailable (try again).

Later a connection may be closed with 1002 (a malformed message), 1003 (a text message), 1008
(too many messages), 1009 (a message over 1 MiB, or an awareness update over 64 KiB), 1011 (the
document could not be loaded), 1012 (the node is shutting down), 1013 (the update stream is
unavailable, or the client is too slow to keep up) or 4404 (the document was deleted). A
provider reconnects after any of these but the 44xx ones.
"""

from __future__ import annotations

import logging
import re

from quart import Blueprint, current_app, websocket

from server.collab.connection import CloseCode
from server.collab.engine import CollabEngine
from server.collab.tokens import DocumentNotInRoom, resolve_token
from server.trust import origin_allowed

blueprint = Blueprint("collab", __name__)

ENGINE_KEY = "sobes.collab"
_TOKEN_IN_URL = re.compile(r"([?&]token=)[^&\s\"']+")


class RedactEditorTokens(logging.Filter):
    """Keeps the ``?token=`` of y-websocket URLs out of the log: uvicorn logs every WebSocket
    handshake with its path and query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "token=" in record.msg:
            record.msg = _TOKEN_IN_URL.sub(r"\1***", record.msg)
        if isinstance(record.args, tuple) and any(
            isinstance(arg, str) and "token=" in arg for arg in record.args
        ):
            record.args = tuple(
                _TOKEN_IN_URL.sub(r"\1***", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def redact_tokens_in_server_log() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, RedactEditorTokens) for f in logger.filters):
        logger.addFilter(RedactEditorTokens())


async def _refuse(code: int, reason: str) -> None:
    await websocket.accept()
    await websocket.close(code, reason)


@blueprint.websocket("/yjs/<path:doc_name>")
async def yjs(doc_name: str) -> None:
    engine: CollabEngine = current_app.extensions[ENGINE_KEY]
    scheme = "https" if websocket.scheme in ("https", "wss") else "http"
    if not origin_allowed(websocket.headers.get("Origin"), scheme, websocket.host, engine.settings):
        await _refuse(CloseCode.FORBIDDEN, "origin not allowed")
        return
    try:
        async with engine.db.connection() as conn:
            grant = await resolve_token(conn, websocket.args.get("token", ""), doc_name)
    except DocumentNotInRoom:
        await _refuse(CloseCode.FORBIDDEN, "the document is not in this token's room")
        return
    except Exception:
        await _refuse(CloseCode.TRY_AGAIN, "try again later")
        return
    if grant is None:
        await _refuse(CloseCode.BAD_TOKEN, "invalid or expired token")
        return
    await websocket.accept()
    await engine.serve(websocket._get_current_object(), grant)
