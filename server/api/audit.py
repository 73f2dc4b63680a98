"""The organisation's audit log, for its admins."""

from __future__ import annotations

from quart import Blueprint, Response, g, jsonify
from quart_schema import document_response, tag, validate_querystring

from server import audit
from server.accounts.access import requires
from server.accounts.roles import Role
from server.api.schemas import AuditQuery, EventsResponse
from server.runtime import runtime

PREFIX = "/audit"
blueprint = Blueprint("audit", __name__)


@blueprint.get("")
@tag(["organisation"])
@requires(Role.ADMIN)
@validate_querystring(AuditQuery)
@document_response(EventsResponse, 200)
async def audit_log(query_args: AuditQuery) -> Response:
    """The newest events in one's organisation."""
    async with runtime().db.connection() as conn:
        events = await audit.for_organisation(conn, g.user.organisation_id, query_args.limit)
    return jsonify({"events": events})
