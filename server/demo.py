"""Demo data for a first look: one organisation with its team and a candidate."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from server import audit
from server.accounts import organisations, passwords, users
from server.accounts.roles import Role
from server.tasks import NewGroup, NewTest, create_task

DEMO_ORGANISATION = "Acme Hiring"
DEMO_TASK_TITLE = "A + B"
SMALL_SUMS = [(1, 2), (-5, 5), (100, 250), (0, 0), (-7, -8)]
LARGE_SUMS = [(10**18, 10**18), (-(10**18), 3), (999_999_999_999, 1)]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    full_name: str
    role: Role


DEMO_ACCOUNTS = (
    DemoAccount("admin@demo.sobes.dev", "demo-admin-pass", "Alexandra Admin", Role.ADMIN),
    DemoAccount("hr@demo.sobes.dev", "demo-hr-pass", "Helen Recruiter", Role.HR),
    DemoAccount(
        "interviewer@demo.sobes.dev", "demo-interviewer-pass", "Ivan Interviewer", Role.INTERVIEWER
    ),
    DemoAccount(
        "candidate@demo.sobes.dev", "demo-candidate-pass", "Kate Candidate", Role.CANDIDATE
    ),
)


async def load_demo_data(conn: asyncpg.Connection) -> list[str]:
    """Create what is missing of the demo data; returns the e-mails created now.

    Existing rows are left as they are, so running it again changes nothing.
    """
    created: list[str] = []
    async with conn.transaction():
        organisation = await organisations.ensure_organisation(conn, DEMO_ORGANISATION)
        for account in DEMO_ACCOUNTS:
            if await users.find_credentials(conn, account.email) is not None:
                continue
            user = await users.create_user(
                conn,
                email=account.email,
                password_hash=await passwords.hash_password(account.password),
                full_name=account.full_name,
                role=account.role,
                organisation_id=None if account.role is Role.CANDIDATE else organisation["id"],
            )
            await audit.record(
                conn,
                "user.created",
                subject_id=user.id,
                organisation_id=user.organisation_id,
                details={"by": "sobes demo-data"},
            )
            created.append(account.email)
        if not await conn.fetchval(
            "SELECT 1 FROM tasks WHERE organisation_id = $1 AND title = $2",
            organisation["id"],
            DEMO_TASK_TITLE,
        ):
            await create_task(
                conn,
                organisation_id=organisation["id"],
                title=DEMO_TASK_TITLE,
                statement="Read two integers a and b (|a|, |b| ≤ 10^18) and print a + b.",
                groups=[
                    NewGroup("samples", 0, [NewTest("3 4\n", "7\n", visible=True)]),
                    NewGroup(
                        "small", 40, [NewTest(f"{a} {b}\n", f"{a + b}\n") for a, b in SMALL_SUMS]
                    ),
                    NewGroup(
                        "large", 60, [NewTest(f"{a} {b}\n", f"{a + b}\n") for a, b in LARGE_SUMS]
                    ),
                ],
            )
            created.append(f"task: {DEMO_TASK_TITLE}")
    return created


async def present_demo_accounts(conn: asyncpg.Connection) -> list[DemoAccount]:
    """The demo accounts that exist in this database."""
    emails = {
        row["email"]
        for row in await conn.fetch(
            "SELECT email FROM users WHERE email = ANY($1::text[])",
            [account.email for account in DEMO_ACCOUNTS],
        )
    }
    return [account for account in DEMO_ACCOUNTS if account.email in emails]
