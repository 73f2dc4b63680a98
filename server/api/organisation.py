"""The staff's organisation and its team; only admins change the team."""

from __future__ import annotations

import uuid

from quart import Blueprint, Response, g, jsonify
from quart_schema import document_response, tag, validate_request

from server import audit
from server.accounts import organisations, passwords, sessions, users
from server.accounts.access import client_ip, requires
from server.accounts.roles import STAFF, Role
from server.accounts.users import EmailTaken
from server.api.auth import check_password_strength
from server.api.schemas import (
    ErrorResponse,
    MemberCreate,
    MemberResponse,
    MembersResponse,
    MemberUpdate,
    OrganisationResponse,
)
from server.errors import ApiError
from server.realtime import end_session_sockets
from server.runtime import runtime

PREFIX = "/organisation"
blueprint = Blueprint("organisation", __name__)


@blueprint.get("")
@tag(["organisation"])
@requires(*STAFF)
@document_response(OrganisationResponse, 200)
async def organisation() -> Response:
    """One's organisation and the size of its team."""
    async with runtime().db.connection() as conn:
        return jsonify(await organisations.get_organisation(conn, g.user.organisation_id))


@blueprint.get("/members")
@tag(["organisation"])
@requires(*STAFF)
@document_response(MembersResponse, 200)
async def members() -> Response:
    """Everyone on one's organisation's team."""
    async with runtime().db.connection() as conn:
        team = await users.list_members(conn, g.user.organisation_id)
    return jsonify({"members": [member.member_json() for member in team]})


@blueprint.post("/members")
@tag(["organisation"])
@requires(Role.ADMIN)
@validate_request(MemberCreate)
@document_response(MemberResponse, 201)
@document_response(ErrorResponse, 409)
async def add_member(data: MemberCreate) -> Response:
    """Add an interviewer, HR specialist or admin to one's organisation."""
    rt = runtime()
    email = users.normalise_email(str(data.email))
    check_password_strength(data.password, email)
    password_hash = await passwords.hash_password(data.password)
    try:
        async with rt.db.transaction() as conn:
            member = await users.create_user(
                conn,
                email=email,
                password_hash=password_hash,
                full_name=data.full_name,
                role=Role(data.role),
                organisation_id=g.user.organisation_id,
                locale=g.user.locale,
            )
            await audit.record(
                conn,
                "member.added",
                actor_id=g.user.id,
                subject_id=member.id,
                organisation_id=g.user.organisation_id,
                target=f"user:{member.id}",
                ip=client_ip(),
                details={"email": member.email, "role": member.role.value},
            )
    except EmailTaken:
        raise ApiError(
            409, "email_taken", "an account with this e-mail already exists", field="email"
        ) from None
    response = jsonify({"member": member.member_json()})
    response.status_code = 201
    return response


@blueprint.patch("/members/<uuid:member_id>")
@tag(["organisation"])
@requires(Role.ADMIN)
@validate_request(MemberUpdate)
@document_response(MemberResponse, 200)
@document_response(ErrorResponse, 409)
async def update_member(member_id: uuid.UUID, data: MemberUpdate) -> Response:
    """Change a member's role, or deactivate and reactivate them."""
    rt = runtime()
    org_id = g.user.organisation_id
    changes = data.model_dump(exclude_none=True)
    ended: list[uuid.UUID] = []
    async with rt.db.transaction() as conn:
        before = await users.get_member(conn, org_id, member_id)
        if before is None:
            raise ApiError(404, "not_found", "no such member in your organisation")
        if member_id == g.user.id and changes:
            raise ApiError(
                409, "cannot_change_self", "ask another admin to change your own role or access"
            )
        member = await users.update_member(
            conn,
            org_id,
            member_id,
            role=Role(data.role) if data.role else None,
            is_active=data.is_active,
        )
        assert member is not None
        if await users.count_active_admins(conn, org_id) == 0:
            raise ApiError(409, "last_admin", "an organisation needs at least one active admin")
        if data.is_active is False:
            ended = await sessions.revoke_all(conn, member_id)
        if changes:
            await audit.record(
                conn,
                "member.updated",
                actor_id=g.user.id,
                subject_id=member_id,
                organisation_id=org_id,
                target=f"user:{member_id}",
                ip=client_ip(),
                details={
                    "before": {"role": before.role.value, "is_active": before.is_active},
                    "after": {"role": member.role.value, "is_active": member.is_active},
                },
            )
    for session_id in ended:
        await end_session_sockets(rt, session_id)
    return jsonify({"member": member.member_json()})
