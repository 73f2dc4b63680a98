"""The signed-in user's own account: profile, sessions, activity, interviews."""

from __future__ import annotations

import uuid

from quart import Blueprint, Response, g, jsonify
from quart_schema import document_response, tag, validate_request

from server import audit, rooms
from server.accounts import sessions, users
from server.accounts.access import client_ip, requires, signed_in
from server.accounts.roles import EVERYONE
from server.api.schemas import (
    EventsResponse,
    MyRoomsResponse,
    ProfileUpdate,
    SessionsResponse,
    UserResponse,
)
from server.errors import ApiError
from server.realtime import end_session_sockets
from server.runtime import runtime

PREFIX = "/me"
blueprint = Blueprint("me", __name__)
ACTIVITY_LIMIT = 50


@blueprint.get("")
@tag(["account"])
@requires(*EVERYONE)
@document_response(UserResponse, 200)
async def me() -> Response:
    """The signed-in user."""
    return jsonify({"user": g.user.to_json()})


@blueprint.patch("")
@tag(["account"])
@requires(*EVERYONE)
@validate_request(ProfileUpdate)
@document_response(UserResponse, 200)
async def update_me(data: ProfileUpdate) -> Response:
    """Change one's name or interface language."""
    rt = runtime()
    changes = data.model_dump(exclude_none=True)
    async with rt.db.transaction() as conn:
        user = await users.update_profile(conn, g.user.id, **changes)
        if changes:
            await audit.record(
                conn,
                "user.updated",
                actor_id=g.user.id,
                subject_id=g.user.id,
                organisation_id=g.user.organisation_id,
                ip=client_ip(),
                details={"fields": sorted(changes)},
            )
    assert user is not None
    return jsonify({"user": user.to_json()})


@blueprint.get("/sessions")
@tag(["account"])
@requires(*EVERYONE)
@document_response(SessionsResponse, 200)
async def my_sessions() -> Response:
    """Where one is signed in."""
    who = await signed_in()
    assert who is not None
    async with runtime().db.connection() as conn:
        found = await sessions.list_sessions(conn, who.user.id, who.session_id)
    return jsonify({"sessions": found})


@blueprint.delete("/sessions/<uuid:session_id>")
@tag(["account"])
@requires(*EVERYONE)
async def end_session(session_id: uuid.UUID) -> Response:
    """Sign out one of one's sessions (another device, or this one)."""
    rt = runtime()
    async with rt.db.transaction() as conn:
        if not await sessions.revoke(conn, g.user.id, session_id):
            raise ApiError(404, "not_found", "no such session")
        await audit.record(
            conn,
            "session.revoked",
            actor_id=g.user.id,
            subject_id=g.user.id,
            organisation_id=g.user.organisation_id,
            target=f"session:{session_id}",
            ip=client_ip(),
        )
    await end_session_sockets(rt, session_id)
    return Response(status=204)


@blueprint.get("/activity")
@tag(["account"])
@requires(*EVERYONE)
@document_response(EventsResponse, 200)
async def my_activity() -> Response:
    """The latest events of one's own account."""
    async with runtime().db.connection() as conn:
        events = await audit.for_subject(conn, g.user.id, ACTIVITY_LIMIT)
    return jsonify({"events": events})


@blueprint.get("/rooms")
@tag(["account", "rooms"])
@requires(*EVERYONE)
@document_response(MyRoomsResponse, 200)
async def my_rooms() -> Response:
    """The interview rooms one has a seat in (a candidate: those joined with the link), live
    and upcoming first, ended ones after."""
    async with runtime().db.connection() as conn:
        return jsonify({"rooms": await rooms.rooms_joined(conn, g.user.id)})
