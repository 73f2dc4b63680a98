"""API errors: every failure leaves as ``{"error": {"code", "message", "field"?}}``."""

from __future__ import annotations

import logging
import socket

import asyncpg
import redis.exceptions
from pydantic import ValidationError
from quart import (
    Quart,
    Response,
    has_request_context,
    has_websocket_context,
    jsonify,
    request,
    websocket,
)
from quart_schema import RequestSchemaValidationError
from werkzeug.exceptions import HTTPException

from server.storage.database import DatabaseUnavailable

log = logging.getLogger("sobes.errors")


class ApiError(Exception):
    """An error the client caused or must be told about, with its HTTP status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
        problems: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers or {}
        # each thing wrong with the input, when there are several (e.g. a problem package)
        self.problems = problems


class ServiceUnavailable(ApiError):
    """A dependency (PostgreSQL, Redis, the queue) is down or over capacity."""

    def __init__(self, code: str, message: str, retry_after_s: int = 5) -> None:
        super().__init__(503, code, message, headers={"Retry-After": str(retry_after_s)})


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    problems: list[str] | None = None,
) -> Response:
    body: dict[str, object] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    if problems is not None:
        body["problems"] = problems
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


DATABASE_DOWN = (
    DatabaseUnavailable,
    ConnectionError,
    socket.gaierror,
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.InterfaceError,
)
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def _field_of(error: ValidationError) -> tuple[str | None, str]:
    first = error.errors()[0]
    location = [str(part) for part in first.get("loc", ()) if part != "__root__"]
    field = ".".join(location) or None
    message = first.get("msg", "invalid value")
    if first.get("type") == "missing":
        message = "this field is required"
    elif message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return field, message


def install_error_handlers(app: Quart) -> None:
    """Map every exception a request can raise onto the one JSON error shape."""

    @app.errorhandler(ApiError)
    async def _api_error(error: ApiError) -> Response:
        return error_response(
            error.status, error.code, error.message, error.field, error.headers, error.problems
        )

    @app.errorhandler(RequestSchemaValidationError)
    async def _schema_error(error: RequestSchemaValidationError) -> Response:
        if not request.is_json and request.method in ("POST", "PUT", "PATCH"):
            return error_response(
                415,
                "unsupported_media_type",
                "send the body as JSON (Content-Type: application/json)",
            )
        cause = error.validation_error
        if isinstance(cause, ValidationError):
            field, message = _field_of(cause)
            return error_response(422, "validation_failed", message, field)
        if isinstance(cause, TypeError):
            return error_response(422, "validation_failed", "the body must be a JSON object")
        return error_response(422, "validation_failed", str(cause) or "invalid request")

    @app.errorhandler(HTTPException)
    async def _http_error(error: HTTPException) -> Response:
        status = error.code or 400
        code = HTTP_CODES.get(status, "http_error")
        message = error.description or error.name
        if status == 400 and request.is_json:
            code, message = "malformed_json", "the body is not valid JSON"
        elif status == 404:
            message = "no such resource"
        elif status == 405:
            message = f"{request.method} is not allowed here"
        return error_response(status, code, message)

    async def _database_down(error: Exception) -> Response:
        log.warning("database unavailable: %s", type(error).__name__)
        return error_response(
            503,
            "database_unavailable",
            "the database is unavailable, try again shortly",
            headers={"Retry-After": "5"},
        )

    async def _redis_down(error: Exception) -> Response:
        log.warning("redis unavailable: %s", type(error).__name__)
        return error_response(
            503,
            "redis_unavailable",
            "the message bus is unavailable, try again shortly",
            headers={"Retry-After": "5"},
        )

    for kind in DATABASE_DOWN:
        app.register_error_handler(kind, _database_down)
    for kind in REDIS_DOWN:
        app.register_error_handler(kind, _redis_down)

    @app.errorhandler(Exception)
    async def _unexpected(error: Exception) -> Response:
        if has_request_context():
            log.exception("unhandled error in %s %s", request.method, request.path)
        elif has_websocket_context():
            log.exception("unhandled error in WebSocket %s", websocket.path)
        else:
            log.exception("unhandled error")
        return error_response(500, "internal_error", "something went wrong on our side")
