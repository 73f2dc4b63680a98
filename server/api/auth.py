"""Registration, sign-in and sign-out."""

from __future__ import annotations

from quart import Blueprint, Response, jsonify, request
from quart_schema import document_response, tag, validate_request

from server import audit, ratelimit
from server.accounts import passwords, sessions, users
from server.accounts.access import client_ip, public
from server.accounts.roles import Role
from server.accounts.sessions import COOKIE_NAME, NewSession
from server.accounts.users import EmailTaken, User, normalise_email
from server.api.schemas import ErrorResponse, LoginRequest, RegisterRequest, UserResponse
from server.errors import ApiError
from server.realtime import end_session_sockets
from server.runtime import runtime
from server.trust import cookie_secure

PREFIX = "/auth"
blueprint = Blueprint("auth", __name__)


def signed_in_response(user: User, session: NewSession, status: int) -> Response:
    """The user as JSON, with the new session's cookie."""
    rt = runtime()
    response = jsonify({"user": user.to_json()})
    response.status_code = status
    response.set_cookie(
        COOKIE_NAME,
        session.token,
        max_age=rt.settings.session_ttl_s,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=cookie_secure(request, rt.settings),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def check_password_strength(password: str, email: str) -> None:
    minimum = runtime().settings.password_min_length
    if len(password) < minimum:
        raise ApiError(
            422, "validation_failed", f"use at least {minimum} characters", field="password"
        )
    if password.strip().lower() == email.strip().lower():
        raise ApiError(
            422, "validation_failed", "the password must differ from the e-mail", field="password"
        )


@blueprint.post("/register")
@tag(["auth"])
@public
@validate_request(RegisterRequest)
@document_response(UserResponse, 201)
@document_response(ErrorResponse, 409)
async def register(data: RegisterRequest) -> Response:
    """Create a candidate account and sign in with it."""
    rt = runtime()
    ip = client_ip()
    email = normalise_email(str(data.email))
    check_password_strength(data.password, email)
    await ratelimit.spend(rt.bus, f"register:ip:{ip}", rt.settings.register_rate_per_ip)
    await ratelimit.spend(
        rt.bus, f"register:account:{email}", rt.settings.register_rate_per_account
    )
    password_hash = await passwords.hash_password(data.password)
    try:
        async with rt.db.transaction() as conn:
            user = await users.create_user(
                conn,
                email=email,
                password_hash=password_hash,
                full_name=data.full_name,
                role=Role.CANDIDATE,
                organisation_id=None,
                locale=data.locale,
            )
            session = await sessions.create_session(
                conn,
                user.id,
                ttl_s=rt.settings.session_ttl_s,
                ip=ip,
                user_agent=request.headers.get("User-Agent"),
            )
            await audit.record(conn, "user.registered", actor_id=user.id, subject_id=user.id, ip=ip)
    except EmailTaken:
        raise ApiError(
            409,
            "email_taken",
            "an account with this e-mail already exists; sign in instead",
            field="email",
        ) from None
    return signed_in_response(user, session, 201)


@blueprint.post("/login")
@tag(["auth"])
@public
@validate_request(LoginRequest)
@document_response(UserResponse, 200)
@document_response(ErrorResponse, 401)
async def login(data: LoginRequest) -> Response:
    """Sign in with e-mail and password; sets the session cookie."""
    rt = runtime()
    ip = client_ip()
    email = normalise_email(data.email)
    account_key = f"login:account:{email}"
    await ratelimit.spend(rt.bus, f"login:ip:{ip}", rt.settings.login_rate_per_ip)
    await ratelimit.ensure_budget(rt.bus, account_key, rt.settings.login_rate_per_account)
    async with rt.db.connection() as conn:
        credentials = await users.find_credentials(conn, email)
    stored_hash = credentials["password_hash"] if credentials else None
    if not await passwords.verify_password(stored_hash, data.password):
        await ratelimit.count_failure(rt.bus, account_key, rt.settings.login_rate_per_account)
        if credentials is not None:
            async with rt.db.transaction() as conn:
                await audit.record(conn, "user.login_failed", subject_id=credentials["id"], ip=ip)
        raise ApiError(401, "invalid_credentials", "the e-mail or the password is wrong")
    assert credentials is not None
    if not credentials["is_active"]:
        raise ApiError(
            403, "account_disabled", "this account is deactivated; ask your organisation's admin"
        )
    async with rt.db.transaction() as conn:
        if passwords.needs_rehash(credentials["password_hash"]):
            new_hash = await passwords.hash_password(data.password)
            await users.set_password_hash(conn, credentials["id"], new_hash)
        session = await sessions.create_session(
            conn,
            credentials["id"],
            ttl_s=rt.settings.session_ttl_s,
            ip=ip,
            user_agent=request.headers.get("User-Agent"),
        )
        user = await users.get_user(conn, credentials["id"])
        assert user is not None
        await audit.record(
            conn,
            "user.login",
            actor_id=user.id,
            subject_id=user.id,
            organisation_id=user.organisation_id,
            ip=ip,
        )
    await rt.bus.reset(account_key)
    return signed_in_response(user, session, 200)


@blueprint.post("/logout")
@tag(["auth"])
@public
async def logout() -> Response:
    """End this browser's session (nothing happens when not signed in)."""
    rt = runtime()
    token = request.cookies.get(COOKIE_NAME)
    if token:
        async with rt.db.transaction() as conn:
            who = await sessions.resolve(conn, token)
            await sessions.revoke_token(conn, token)
            if who is not None:
                await audit.record(
                    conn,
                    "user.logout",
                    actor_id=who.user.id,
                    subject_id=who.user.id,
                    organisation_id=who.user.organisation_id,
                    ip=client_ip(),
                )
        if who is not None:
            await end_session_sockets(rt, who.session_id)
    response = Response(status=204)
    response.delete_cookie(
        COOKIE_NAME,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=cookie_secure(request, rt.settings),
    )
    return response
