"""Staff see only their own organisation; only admins change the team, never themselves."""

from __future__ import annotations

from server.accounts.roles import Role
from tests.conftest import PASSWORD, sign_in, unique_email


async def test_members_are_those_of_ones_own_organisation(app, make_account):
    hr_a = await make_account(Role.HR, organisation="Alpha Ltd")
    await make_account(Role.INTERVIEWER, organisation="Alpha Ltd")
    hr_b = await make_account(Role.HR, organisation="Beta Ltd")
    client = await sign_in(app, hr_a)
    members = (await (await client.get("/api/v1/organisation/members")).get_json())["members"]
    emails = {m["email"] for m in members}
    assert hr_a.email in emails
    assert hr_b.email not in emails
    assert all(
        set(m) == {"id", "email", "full_name", "role", "is_active", "created_at"} for m in members
    )  # never a password hash
    org = await (await client.get("/api/v1/organisation")).get_json()
    assert org["organisation"]["id"] == str(hr_a.organisation_id)
    assert org["members_count"] == len(members)


async def test_an_admin_cannot_touch_another_organisations_member(app, make_account):
    admin_a = await make_account(Role.ADMIN, organisation="Gamma Ltd")
    hr_b = await make_account(Role.HR, organisation="Delta Ltd")
    client = await sign_in(app, admin_a)
    answer = await client.patch(f"/api/v1/organisation/members/{hr_b.id}", json={"role": "admin"})
    assert answer.status_code == 404
    other = await sign_in(app, hr_b)
    assert (await (await other.get("/api/v1/me")).get_json())["user"]["role"] == "hr"


async def test_admin_adds_members_who_can_then_sign_in(app, make_account):
    admin = await make_account(Role.ADMIN)
    client = await sign_in(app, admin)
    email = unique_email("new-interviewer")
    added = await client.post(
        "/api/v1/organisation/members",
        json={"email": email, "password": PASSWORD, "full_name": "New One", "role": "interviewer"},
    )
    assert added.status_code == 201
    assert (await added.get_json())["member"]["role"] == "interviewer"
    login = await app.test_client().post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
    )
    user = (await login.get_json())["user"]
    assert user["organisation"]["id"] == str(admin.organisation_id)
    duplicate = await client.post(
        "/api/v1/organisation/members",
        json={"email": email, "password": PASSWORD, "full_name": "Again", "role": "hr"},
    )
    assert duplicate.status_code == 409
    candidate_role = await client.post(
        "/api/v1/organisation/members",
        json={"email": unique_email(), "password": PASSWORD, "full_name": "X", "role": "candidate"},
    )
    assert candidate_role.status_code == 422
    assert (await candidate_role.get_json())["error"]["field"] == "role"
    events = (await (await client.get("/api/v1/audit?limit=5")).get_json())["events"]
    assert [e["action"] for e in events[:2]] == ["user.login", "member.added"]
    assert events[1]["actor"]["email"] == admin.email
    assert events[1]["details"] == {"email": email, "role": "interviewer"}
    assert (await client.get("/api/v1/audit?limit=0")).status_code == 422
    assert (await client.get("/api/v1/audit?limit=lots")).status_code == 422


async def test_admins_cannot_change_themselves_but_can_change_other_admins(app, make_account):
    admin = await make_account(Role.ADMIN)
    client = await sign_in(app, admin)
    self_change = await client.patch(
        f"/api/v1/organisation/members/{admin.id}", json={"role": "hr"}
    )
    assert self_change.status_code == 409
    assert (await self_change.get_json())["error"]["code"] == "cannot_change_self"

    second = await make_account(Role.ADMIN, organisation=None)
    # make_account puts staff of one test in one organisation
    assert second.organisation_id == admin.organisation_id
    demoted = await client.patch(f"/api/v1/organisation/members/{second.id}", json={"role": "hr"})
    assert demoted.status_code == 200
    promoted = await client.patch(
        f"/api/v1/organisation/members/{second.id}", json={"role": "admin"}
    )
    assert promoted.status_code == 200
    other = await sign_in(app, second)
    demote_first = await other.patch(
        f"/api/v1/organisation/members/{admin.id}", json={"is_active": False}
    )
    assert demote_first.status_code == 200
    assert (await client.get("/api/v1/me")).status_code == 401  # deactivation ends sessions
    events = (await (await other.get("/api/v1/audit")).get_json())["events"]
    assert events[0]["details"] == {
        "before": {"role": "admin", "is_active": True},
        "after": {"role": "admin", "is_active": False},
    }
