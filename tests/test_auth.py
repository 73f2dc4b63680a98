"""Registration, sign-in, sessions and their cookies, against real PostgreSQL and Redis."""

from __future__ import annotations

import asyncpg
import pytest

from server.accounts.roles import Role
from server.settings import RatePolicy
from tests.conftest import PASSWORD, serving, sign_in, unique_email


async def register(client, **body):
    payload = {"email": unique_email(), "password": PASSWORD, "full_name": "Ada Lovelace"}
    payload.update(body)
    return await client.post("/api/v1/auth/register", json=payload)


def cookie_header(response) -> str:
    values = response.headers.get_all("Set-Cookie")
    assert len(values) == 1, values
    return values[0]


async def test_register_signs_in_a_candidate_with_a_safe_cookie(app):
    client = app.test_client()
    email = unique_email("ada")
    response = await register(client, email=email.upper(), locale="ru")
    assert response.status_code == 201
    body = await response.get_json()
    assert body["user"]["email"] == email
    assert body["user"]["role"] == "candidate"
    assert body["user"]["locale"] == "ru"
    assert body["user"]["organisation"] is None
    cookie = cookie_header(response)
    assert cookie.startswith("sobes_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain http here; see the https test below
    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    assert (await me.get_json())["user"]["email"] == email


async def test_cookie_is_secure_behind_tls(app):
    client = app.test_client()
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": unique_email(), "password": PASSWORD, "full_name": "Tls User"},
        scheme="https",
    )
    assert response.status_code == 201
    assert "Secure" in cookie_header(response)


async def test_password_is_stored_as_argon2id_and_the_token_only_as_a_hash(app, database_url):
    client = app.test_client()
    email = unique_email()
    response = await register(client, email=email)
    token = cookie_header(response).split(";")[0].split("=", 1)[1]
    conn = await asyncpg.connect(database_url)
    try:
        stored = await conn.fetchval("SELECT password_hash FROM users WHERE email = $1", email)
        hashes = await conn.fetch(
            "SELECT token_hash FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
            email,
        )
    finally:
        await conn.close()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert len(hashes) == 1
    assert token.encode() not in bytes(hashes[0]["token_hash"])


async def test_duplicate_email_is_a_409_on_the_email_field(app):
    client = app.test_client()
    email = unique_email()
    assert (await register(client, email=email)).status_code == 201
    again = await register(app.test_client(), email=email.title())
    assert again.status_code == 409
    error = (await again.get_json())["error"]
    assert error["code"] == "email_taken"
    assert error["field"] == "email"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"full_name": "   "}, "full_name"),
        ({"full_name": "x" * 201}, "full_name"),
        ({"locale": "de"}, "locale"),
        ({"role": "admin"}, "role"),  # self-registration cannot choose a role
        ({"email": None}, "email"),
    ],
)
async def test_bad_registration_input_names_the_field(app, body, field):
    response = await register(app.test_client(), **body)
    assert response.status_code == 422
    error = (await response.get_json())["error"]
    assert error["code"] == "validation_failed"
    assert error["field"] == field
    assert error["message"]


async def test_missing_fields_and_wrong_bodies_are_clear_4xx(app):
    client = app.test_client()
    missing = await client.post("/api/v1/auth/register", json={"email": unique_email()})
    assert missing.status_code == 422
    assert (await missing.get_json())["error"]["field"] == "password"

    not_json = await client.post(
        "/api/v1/auth/login",
        data="email=a&password=b",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert not_json.status_code == 415
    assert (await not_json.get_json())["error"]["code"] == "unsupported_media_type"

    broken = await client.post(
        "/api/v1/auth/login", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert (await broken.get_json())["error"]["code"] == "malformed_json"

    array = await client.post("/api/v1/auth/login", json=[1, 2])
    assert array.status_code == 422

    huge = await client.post(
        "/api/v1/auth/login",
        data="x" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 413


async def test_login_logout_and_wrong_passwords(app, make_account):
    account = await make_account(Role.HR)
    client = app.test_client()
    wrong = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": "not the password"}
    )
    assert wrong.status_code == 401
    assert (await wrong.get_json())["error"]["code"] == "invalid_credentials"
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": unique_email(), "password": PASSWORD}
    )
    assert unknown.status_code == 401
    assert (await unknown.get_json())["error"] == (await wrong.get_json())["error"]

    ok = await client.post(
        "/api/v1/auth/login", json={"email": account.email.upper(), "password": PASSWORD}
    )
    assert ok.status_code == 200
    user = (await ok.get_json())["user"]
    assert user["role"] == "hr"
    assert user["organisation"]["id"] == str(account.organisation_id)
    assert (await client.get("/api/v1/me")).status_code == 200

    out = await client.post("/api/v1/auth/logout")
    assert out.status_code == 204
    assert "Max-Age=0" in cookie_header(out) or "expires=" in cookie_header(out).lower()
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_logout_ends_the_session_on_the_server_not_only_the_cookie(app, make_account):
    account = await make_account(Role.CANDIDATE)
    client = app.test_client()
    login = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": account.password}
    )
    token = cookie_header(login).split(";")[0].split("=", 1)[1]
    replayed = {"Cookie": f"sobes_session={token}"}
    assert (await app.test_client().get("/api/v1/me", headers=replayed)).status_code == 200
    assert (await client.post("/api/v1/auth/logout")).status_code == 204
    assert (await app.test_client().get("/api/v1/me", headers=replayed)).status_code == 401


async def test_sessions_list_and_revoking_another_device(app, make_account):
    account = await make_account(Role.CANDIDATE)
    laptop = await sign_in(app, account)
    phone = await sign_in(app, account)
    sessions = (await (await laptop.get("/api/v1/me/sessions")).get_json())["sessions"]
    assert len(sessions) == 2
    assert sum(1 for s in sessions if s["current"]) == 1
    other = next(s for s in sessions if not s["current"])
    assert (await laptop.delete(f"/api/v1/me/sessions/{other['id']}")).status_code == 204
    assert (await phone.get("/api/v1/me")).status_code == 401
    assert (await laptop.get("/api/v1/me")).status_code == 200
    assert (await laptop.delete(f"/api/v1/me/sessions/{other['id']}")).status_code == 404
    assert (await laptop.delete("/api/v1/me/sessions/not-a-uuid")).status_code == 404
    activity = (await (await laptop.get("/api/v1/me/activity")).get_json())["events"]
    actions = [event["action"] for event in activity]
    assert actions[0] == "session.revoked"
    assert actions.count("user.login") == 2


async def test_profile_update(app, make_account):
    account = await make_account(Role.INTERVIEWER)
    client = await sign_in(app, account)
    changed = await client.patch("/api/v1/me", json={"locale": "ru", "full_name": " Иван  "})
    assert changed.status_code == 200
    user = (await changed.get_json())["user"]
    assert user["locale"] == "ru"
    assert user["full_name"] == "Иван"
    bad = await client.patch("/api/v1/me", json={"locale": "fr"})
    assert bad.status_code == 422
    assert (await (await client.get("/api/v1/me")).get_json())["user"]["locale"] == "ru"


async def test_cross_site_requests_are_refused(app, make_account):
    account = await make_account(Role.CANDIDATE)
    client = await sign_in(app, account)
    evil = await client.post("/api/v1/auth/logout", headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    assert (await evil.get_json())["error"]["code"] == "cross_site_request"
    fetch_meta = await client.patch(
        "/api/v1/me", json={"locale": "ru"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert fetch_meta.status_code == 403
    assert (await client.get("/api/v1/me")).status_code == 200  # still signed in
    same = await client.patch(
        "/api/v1/me", json={"locale": "ru"}, headers={"Origin": "http://localhost"}
    )
    assert same.status_code == 200


async def test_login_is_rate_limited_per_account_across_nodes(make_settings, make_account):
    account = await make_account(Role.CANDIDATE)
    settings = make_settings(login_rate_per_account=RatePolicy(count=3, window_s=60))
    async with serving(settings) as node_a, serving(settings) as node_b:
        for node in (node_a, node_b, node_a):
            wrong = await node.test_client().post(
                "/api/v1/auth/login", json={"email": account.email, "password": "wrong password!"}
            )
            assert wrong.status_code == 401
        blocked = await node_b.test_client().post(
            "/api/v1/auth/login", json={"email": account.email, "password": PASSWORD}
        )
        assert blocked.status_code == 429
        assert (await blocked.get_json())["error"]["code"] == "rate_limited"
        assert 1 <= int(blocked.headers["Retry-After"]) <= 60


async def test_registration_is_rate_limited_per_ip(make_settings):
    settings = make_settings(register_rate_per_ip=RatePolicy(count=2, window_s=60))
    async with serving(settings) as node:
        statuses = [(await register(node.test_client())).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


async def test_deactivated_member_cannot_sign_in(app, make_account):
    admin = await make_account(Role.ADMIN)
    member = await make_account(Role.HR)
    member_client = await sign_in(app, member)
    admin_client = await sign_in(app, admin)
    off = await admin_client.patch(
        f"/api/v1/organisation/members/{member.id}", json={"is_active": False}
    )
    assert off.status_code == 200
    assert (await off.get_json())["member"]["is_active"] is False
    assert (await member_client.get("/api/v1/me")).status_code == 401
    again = await app.test_client().post(
        "/api/v1/auth/login", json={"email": member.email, "password": PASSWORD}
    )
    assert again.status_code == 403
    assert (await again.get_json())["error"]["code"] == "account_disabled"
