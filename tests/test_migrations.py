"""Migrations: applied once, in order, under an advisory lock, and never silently changed."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from server.storage.migrations import Migration, MigrationError, discover, migrate


async def connect(url):
    return await asyncpg.connect(url)


async def test_fresh_database_gets_every_table(scratch_databases):
    url = await scratch_databases("fresh")
    conn = await connect(url)
    try:
        applied = await migrate(conn)
        assert applied == [m.version for m in discover()]
        tables = {
            row["tablename"]
            for row in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        }
        assert {"organisations", "roles", "users", "sessions", "audit_log"} <= tables
        roles = await conn.fetch("SELECT name FROM roles ORDER BY name")
        assert [r["name"] for r in roles] == ["admin", "candidate", "hr", "interviewer"]
        assert await migrate(conn) == []
    finally:
        await conn.close()


async def test_nodes_starting_together_migrate_once(scratch_databases):
    url = await scratch_databases("race")
    conns = [await connect(url) for _ in range(4)]
    try:
        results = await asyncio.gather(*(migrate(conn) for conn in conns))
        applied = [r for r in results if r]
        assert len(applied) == 1
        count = await conns[0].fetchval("SELECT count(*) FROM schema_migrations")
        assert count == len(discover())
    finally:
        for conn in conns:
            await conn.close()


async def test_a_failing_migration_leaves_nothing_half_done(scratch_databases):
    url = await scratch_databases("broken")
    conn = await connect(url)
    try:
        good = Migration(1, "good", "CREATE TABLE kept (id int)")
        bad = Migration(2, "bad", "CREATE TABLE lost (id int); SELECT no_such_function()")
        with pytest.raises(asyncpg.exceptions.UndefinedFunctionError):
            await migrate(conn, [good, bad])
        assert await conn.fetchval("SELECT to_regclass('kept') IS NOT NULL")
        assert await conn.fetchval("SELECT to_regclass('lost') IS NULL")
        assert await conn.fetchval("SELECT max(version) FROM schema_migrations") == 1
        # the lock was released: another run can proceed
        assert await migrate(conn, [good]) == []
    finally:
        await conn.close()


async def test_an_edited_or_unknown_migration_is_refused(scratch_databases):
    url = await scratch_databases("edited")
    conn = await connect(url)
    try:
        await migrate(conn, [Migration(1, "first", "CREATE TABLE a (id int)")])
        with pytest.raises(MigrationError, match="changed after it was applied"):
            await migrate(conn, [Migration(1, "first", "CREATE TABLE a (id bigint)")])
        with pytest.raises(MigrationError, match="newer version"):
            await migrate(conn, [])
    finally:
        await conn.close()
