"""The asyncpg pool every request uses, opened against ``DATABASE_URL`` or the embedded server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from server.settings import Settings, redact_url
from server.storage.embedded import EmbeddedPostgres, start_embedded
from server.storage.migrations import migrate

log = logging.getLogger("sobes.database")

EMBEDDED_DATABASE = "sobes"
# What asyncpg raises when it cannot hand out a connection because the server is away.
_UNREACHABLE = (
    OSError,
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InterfaceError,
)


class DatabaseUnavailable(Exception):
    """No connection could be had within the timeout: PostgreSQL is down or overloaded."""


async def prepare_connection(conn: asyncpg.Connection) -> None:
    """What every Sobes connection needs: JSON columns as Python values."""
    await conn.set_type_codec(
        "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog", format="text"
    )
    await conn.set_type_codec(
        "json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog", format="text"
    )


async def _keep_session_state(conn: asyncpg.Connection) -> None:
    """Release a connection without asyncpg's RESET ALL round trip.

    asyncpg still rolls back an open transaction itself; Sobes never changes session state
    (no SET, LISTEN, WITH HOLD cursors, and the migration lock is released explicitly), so
    the extra query per request would buy nothing.
    """


async def ensure_database(server_url: str, name: str) -> None:
    """Create database ``name`` on the server if it does not exist yet."""
    conn = await asyncpg.connect(server_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            with contextlib.suppress(asyncpg.exceptions.DuplicateDatabaseError):
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


class Database:
    """A connection pool with bounded waits, so an outage answers 503 instead of hanging."""

    def __init__(
        self, pool: asyncpg.Pool, settings: Settings, embedded: EmbeddedPostgres | None
    ) -> None:
        self.pool = pool
        self.settings = settings
        self.embedded = embedded
        self.timeout = settings.db_timeout_s

    @classmethod
    async def open(cls, settings: Settings, *, run_migrations: bool | None = None) -> Database:
        """Connect (starting the embedded server when no URL is set), then migrate if asked."""
        embedded = None
        url = settings.database_url
        if url is None:
            embedded = await asyncio.to_thread(start_embedded, settings.data_dir)
            await ensure_database(embedded.url(), EMBEDDED_DATABASE)
            url = embedded.url(EMBEDDED_DATABASE)
        pool = await cls._wait_for_pool(url, settings)
        database = cls(pool, settings, embedded)
        if settings.migrate_on_start if run_migrations is None else run_migrations:
            async with pool.acquire() as conn:
                await migrate(conn)
        return database

    @staticmethod
    async def _wait_for_pool(url: str, settings: Settings) -> asyncpg.Pool:
        deadline = time.monotonic() + settings.db_connect_wait_s
        delay = 0.2
        while True:
            try:
                return await asyncpg.create_pool(
                    url,
                    min_size=min(settings.db_pool_min, settings.db_pool_max),
                    max_size=settings.db_pool_max,
                    timeout=settings.db_timeout_s,
                    command_timeout=max(settings.db_timeout_s * 6, 30),
                    init=prepare_connection,
                    reset=_keep_session_state,
                    # Idle-lifetime timers are re-armed on every acquire and release, which
                    # costs more CPU than the query behind GET /api/v1/me; the pool stays small.
                    max_inactive_connection_lifetime=0,
                    server_settings={"application_name": f"sobes {settings.node_name}"},
                )
            except (OSError, asyncpg.exceptions.CannotConnectNowError) as exc:
                if time.monotonic() + delay > deadline:
                    raise RuntimeError(
                        f"PostgreSQL at {redact_url(url)} is unreachable: {exc}"
                    ) from exc
                log.warning("PostgreSQL not reachable yet (%s); retrying", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _acquire(self) -> asyncpg.Connection:
        try:
            if self.pool.get_idle_size():
                # An idle connection is handed over without waiting; no timer is needed.
                return await self.pool.acquire()
            async with asyncio.timeout(self.timeout):
                return await self.pool.acquire()
        except _UNREACHABLE as exc:
            raise DatabaseUnavailable(f"{type(exc).__name__}: {exc}") from exc

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        conn = await self._acquire()
        try:
            yield conn
        finally:
            await self.pool.release(conn)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[asyncpg.Connection]:
        async with self.connection() as conn, conn.transaction():
            yield conn

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async with self.connection() as conn:
            return await conn.fetch(query, *args)

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        async with self.connection() as conn:
            return await conn.fetchrow(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        async with self.connection() as conn:
            return await conn.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        async with self.connection() as conn:
            return await conn.execute(query, *args)

    async def ping(self) -> None:
        async with self.connection() as conn:
            await conn.fetchval("SELECT 1", timeout=self.timeout)

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.pool.close(), timeout=10)
        except TimeoutError:
            self.pool.terminate()
        if self.embedded is not None:
            await asyncio.to_thread(self.embedded.stop)
