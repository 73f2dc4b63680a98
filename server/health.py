"""Liveness, readiness and metrics endpoints for load balancers and Prometheus."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from quart import Blueprint, Response, jsonify, request
from quart_schema import tag

from server.accounts.access import public
from server.errors import ApiError
from server.runtime import runtime

blueprint = Blueprint("health", __name__)
CHECK_TIMEOUT_S = 2.0


@blueprint.get("/healthz")
@tag(["operations"])
@public
async def healthz() -> Response:
    """The process is alive and serving."""
    return jsonify({"status": "ok", "node": runtime().settings.node_name})


async def _check(probe: Any) -> str:
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT_S)
    except Exception as exc:  # any failure means "not ready", whatever its kind
        return f"unavailable: {type(exc).__name__}"
    return "ok"


@blueprint.get("/readyz")
@tag(["operations"])
@public
async def readyz() -> Response:
    """PostgreSQL and the bus answer; 503 otherwise, so the balancer skips this node."""
    rt = runtime()
    database, bus = await asyncio.gather(_check(rt.db.ping), _check(rt.bus.ping))
    ready = database == "ok" and bus == "ok"
    response = jsonify(
        {
            "status": "ok" if ready else "unavailable",
            "node": rt.settings.node_name,
            "checks": {"postgres": database, "bus": f"{bus} ({rt.bus.kind})"},
        }
    )
    response.status_code = 200 if ready else 503
    return response


@blueprint.get("/metrics")
@tag(["operations"])
@public
async def metrics() -> Response:
    """Prometheus metrics of this node (a bearer token when ``SOBES_METRICS_TOKEN`` is set)."""
    rt = runtime()
    expected = rt.settings.metrics_token
    if expected:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise ApiError(401, "not_authenticated", "metrics need the bearer token")
    return Response(rt.metrics.render(), content_type=CONTENT_TYPE_LATEST)
