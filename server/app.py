"""The app factory: one Quart app with Socket.IO on the same ASGI callable."""

from __future__ import annotations

import asyncio
import logging
import types

import socketio
from quart import Quart, request
from quart_schema import QuartSchema

from server import __version__
from server.accounts import sessions
from server.accounts.access import ACCESS_ATTRIBUTE
from server.api import API_PREFIX, register_api
from server.bus import open_bus
from server.collab import blueprint as collab_blueprint
from server.collab import close_collab, open_collab
from server.errors import install_error_handlers
from server.health import blueprint as health_blueprint
from server.judging import JudgeWorkers, open_queue
from server.observability import ROUTE_SCOPE_KEY, Metrics, ObservedApp
from server.realtime import (
    close_socketio,
    create_socketio,
    disconnect_ended_sessions,
    emit_events,
    install_handlers,
)
from server.room_events import install_room_handlers, refresh_presence
from server.runtime import Runtime
from server.settings import Settings
from server.storage.database import Database
from server.trust import check_same_origin
from server.web import ClientPathConverter
from server.web import blueprint as web_blueprint

log = logging.getLogger("sobes.app")
MAX_BODY_BYTES = 1024 * 1024
EXPIRED_SESSION_SWEEP_S = 3600


def create_app(settings: Settings | None = None) -> Quart:
    """A Sobes node. Serve the returned app with any ASGI server; it opens its pools at start-up."""
    settings = settings or Settings()
    app = Quart("sobes")
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES, JSON_SORT_KEYS=False)
    app.url_map.converters["client_path"] = ClientPathConverter
    QuartSchema(
        app,
        openapi_path=f"{API_PREFIX}/openapi.json",
        swagger_ui_path=f"{API_PREFIX}/docs",
        redoc_ui_path=None,
        scalar_ui_path=None,
        info={"title": "Sobes API", "version": __version__},
        security_schemes={
            "session": {"type": "apiKey", "in_": "cookie", "name": sessions.COOKIE_NAME}
        },
    )
    # Views return Responses (jsonify); quart-schema's per-response model conversion would
    # only cost time, so Quart's own make_response is put back. Validation and docs stay.
    app.make_response = types.MethodType(Quart.make_response, app)  # type: ignore[method-assign]
    sio = create_socketio(settings)
    rt = Runtime(settings=settings, metrics=Metrics(), sio=sio)
    app.extensions["sobes"] = rt

    install_error_handlers(app)
    app.register_blueprint(health_blueprint)
    register_api(app)
    app.register_blueprint(collab_blueprint)
    app.register_blueprint(web_blueprint)
    _require_declared_access(app)
    install_handlers(sio, rt)
    install_room_handlers(sio, rt)

    @app.before_request
    async def _before() -> None:
        rule = request.url_rule
        if rule is not None:
            request.scope[ROUTE_SCOPE_KEY] = rule.rule
        if request.path.startswith(API_PREFIX):
            check_same_origin(request, settings)

    background: list[asyncio.Task[None]] = []

    @app.before_serving
    async def _open() -> None:
        log.info("starting node", extra={"settings": settings.described()})
        rt.db = await Database.open(settings)
        rt.bus = open_bus(settings)
        rt.queue = open_queue(settings)
        await open_collab(app)
        if settings.in_process_judge_workers:

            async def notify(room: str, payload: dict) -> None:
                event = payload.pop("event")
                await sio.emit(event, payload, to=room)

            rt.judge_workers = JudgeWorkers(
                settings, rt.db, rt.queue, notify, settings.in_process_judge_workers
            )
            rt.judge_workers.start()
        background.append(asyncio.create_task(_sweep_expired_sessions(rt)))
        background.append(asyncio.create_task(disconnect_ended_sessions(rt)))
        background.append(asyncio.create_task(_close_expired_attempts(rt)))
        background.append(asyncio.create_task(refresh_presence(rt)))
        log.info(
            "node ready",
            extra={"database": "embedded" if rt.db.embedded else "external", "bus": rt.bus.kind},
        )

    @app.after_serving
    async def _close() -> None:
        await close_collab(app)
        if rt.judge_workers is not None:
            await rt.judge_workers.close()
        for task in background:
            task.cancel()
        await close_socketio(sio)
        await rt.bus.close()
        if background:
            # Never let a background task hold up the shutdown.
            done, _ = await asyncio.wait(background, timeout=5)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    log.warning("background task failed", exc_info=task.exception())
        await rt.queue.close()
        await rt.db.close()
        log.info("node stopped")

    quart_asgi = app.asgi_app
    app.asgi_app = ObservedApp(  # type: ignore[method-assign]
        socketio.ASGIApp(sio, other_asgi_app=quart_asgi, socketio_path="socket.io"), rt.metrics
    )
    return app


def _require_declared_access(app: Quart) -> None:
    """Refuse to start if an API endpoint has no declared access rule."""
    undeclared = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX) or rule.endpoint in ("openapi", "swagger_ui"):
            continue
        view = app.view_functions[rule.endpoint]
        if not hasattr(view, ACCESS_ATTRIBUTE):
            undeclared.append(rule.rule)
    if undeclared:
        raise RuntimeError(f"API endpoints without @public or @requires: {undeclared}")


async def _sweep_expired_sessions(rt: Runtime) -> None:
    while True:
        await asyncio.sleep(EXPIRED_SESSION_SWEEP_S)
        try:
            async with rt.db.connection() as conn:
                removed = await sessions.delete_expired(conn)
            if removed:
                log.info("removed %d expired sessions", removed)
        except Exception:
            log.warning("could not sweep expired sessions", exc_info=True)


async def _close_expired_attempts(rt: Runtime) -> None:
    """Finish attempts at their deadline, whether or not anyone is connected."""
    from server.screening.attempts import close_expired

    while True:
        await asyncio.sleep(rt.settings.attempt_sweep_s)
        try:
            events = await close_expired(rt.db, rt.clock.now())
            await emit_events(rt.sio, events)
        except Exception:
            log.warning("could not close expired attempts", exc_info=True)
