"""Fixtures: a real PostgreSQL and a real Redis for every test session.

PostgreSQL: the server of ``DATABASE_URL`` if set, else an embedded one from the wheel; the
tests work in a scratch database of their own that is dropped at the end. Redis: ``REDIS_URL``
if set, else a ``redis-server`` started here; keys carry a per-session prefix.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from deploy.processes import start_redis
from server.accounts import organisations, passwords, users
from server.accounts.roles import Role
from server.app import create_app
from server.settings import RatePolicy, Settings
from server.storage.database import ensure_database
from server.storage.migrations import migrate

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
GENEROUS = RatePolicy(count=10_000, window_s=60)
PASSWORD = "correct horse battery"


async def connect(url: str) -> asyncpg.Connection:
    """A connection like the server's own (JSON columns as Python values)."""
    from server.storage.database import prepare_connection

    conn = await asyncpg.connect(url)
    await prepare_connection(conn)
    return conn


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def postgres_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A URL of a PostgreSQL server the tests may create databases on."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    from server.storage.embedded import start_embedded

    server = start_embedded(tmp_path_factory.mktemp("embedded-pg"))
    try:
        yield server.url("postgres")
    finally:
        server.stop()


@pytest.fixture(scope="session")
async def scratch_databases(postgres_server_url: str) -> AsyncIterator[Any]:
    """Makes fresh databases on the test server and drops them all at the end."""
    made: list[str] = []

    async def make(label: str = "t") -> str:
        name = f"sobes_test_{label}_{uuid.uuid4().hex[:10]}"
        await ensure_database(postgres_server_url, name)
        made.append(name)
        return with_database(postgres_server_url, name)

    yield make
    conn = await asyncpg.connect(postgres_server_url)
    try:
        for name in made:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def database_url(scratch_databases: Any) -> str:
    """The migrated database that most tests share."""
    url = await scratch_databases("main")
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return url


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("REDIS_URL")
    if external:
        yield external
        return
    server = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def redis_prefix() -> str:
    """Each test counts and publishes under keys of its own."""
    return f"sobes-test-{uuid.uuid4().hex[:8]}:"


@pytest.fixture
def make_settings(database_url: str, redis_url: str, redis_prefix: str, tmp_path: Path) -> Any:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "database_url": database_url,
            "redis_url": redis_url,
            "redis_prefix": redis_prefix,
            "data_dir": tmp_path / "var",
            "log_format": "text",
            "node_name": "test-node",
            "login_rate_per_ip": GENEROUS,
            "login_rate_per_account": GENEROUS,
            "register_rate_per_ip": GENEROUS,
            "register_rate_per_account": GENEROUS,
            "db_connect_wait_s": 5,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Any]:
    """An app with its start-up and shut-down run, as a server would run them."""
    app = create_app(settings)
    async with app.test_app() as test_app:
        yield test_app.app


@pytest.fixture
async def app(make_settings: Any) -> AsyncIterator[Any]:
    async with serving(make_settings()) as running:
        yield running


@dataclass
class Account:
    id: uuid.UUID
    email: str
    password: str
    role: Role
    organisation_id: uuid.UUID | None


@pytest.fixture
async def make_account(database_url: str) -> Any:
    """Creates accounts straight in the database (staff in a per-test organisation)."""
    organisation_name = f"Org {uuid.uuid4().hex[:8]}"
    password_hash = await passwords.hash_password(PASSWORD)

    async def make(role: Role, organisation: str | None = None) -> Account:
        conn = await asyncpg.connect(database_url)
        try:
            organisation_id = None
            if role is not Role.CANDIDATE:
                org = await organisations.ensure_organisation(
                    conn, organisation or organisation_name
                )
                organisation_id = org["id"]
            email = f"{role.value}-{uuid.uuid4().hex[:10]}@example.com"
            user = await users.create_user(
                conn,
                email=email,
                password_hash=password_hash,
                full_name=f"Test {role.value.title()}",
                role=role,
                organisation_id=organisation_id,
            )
        finally:
            await conn.close()
        return Account(user.id, email, PASSWORD, role, organisation_id)

    return make


async def sign_in(app: Any, account: Account) -> Any:
    """A test client holding a session cookie of ``account``."""
    client = app.test_client()
    response = await client.post(
        "/api/v1/auth/login", json={"email": account.email, "password": account.password}
    )
    assert response.status_code == 200, await response.get_data(as_text=True)
    return client


def unique_email(label: str = "user") -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.com"


@contextlib.asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[str]:
    """The app served by uvicorn on a free loopback port, in this event loop."""
    import asyncio

    import uvicorn

    from deploy.processes import free_port

    port = free_port()
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_config=None)
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("uvicorn stopped before it started")
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def http_login(base_url: str, account: Account) -> str:
    """Sign in over real HTTP; returns the ``Cookie`` header value."""
    import aiohttp

    async with (
        aiohttp.ClientSession() as http,
        http.post(
            base_url + "/api/v1/auth/login",
            json={"email": account.email, "password": account.password},
        ) as answer,
    ):
        assert answer.status == 200
        token = answer.cookies["sobes_session"].value
    return f"sobes_session={token}"
