"""The JSON API under ``/api/v1``: one blueprint per area."""

from __future__ import annotations

from quart import Quart

from server.api import (
    audit,
    auth,
    authoring,
    me,
    organisation,
    pipeline,
    rooms,
    runs,
    screening,
)

API_PREFIX = "/api/v1"


def register_api(app: Quart) -> None:
    for area in (auth, me, organisation, audit, runs, screening, authoring, pipeline, rooms):
        app.register_blueprint(area.blueprint, url_prefix=API_PREFIX + area.PREFIX)
