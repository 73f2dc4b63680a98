"""The `sobes` command as an operator runs it: real processes, real database."""

from __future__ import annotations

import json
import subprocess
import sys

import asyncpg
import pytest

from deploy.processes import REPO, sobes_env
from tests.conftest import unique_email


@pytest.fixture
async def cli_env(scratch_databases, tmp_path):
    url = await scratch_databases("cli")
    return sobes_env(DATABASE_URL=url, SOBES_DATA_DIR=str(tmp_path / "var")), url


def sobes(env, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_migrate_then_create_users(cli_env):
    env, _ = cli_env
    first = sobes(env, "migrate")
    assert first.returncode == 0, first.stderr
    assert "applied migrations: 0001" in first.stdout
    again = sobes(env, "migrate")
    assert again.stdout.strip() == "the database is up to date"

    email = unique_email("cli-admin")
    made = sobes(
        env,
        "create-user",
        "--email",
        email,
        "--password",
        "a long password",
        "--role",
        "admin",
        "--org",
        "Umbrella Corp",
        "--name",
        "Alice",
    )
    assert made.returncode == 0, made.stderr
    user = json.loads(made.stdout)
    assert user["email"] == email
    assert user["role"] == "admin"
    assert user["organisation"]["slug"] == "umbrella-corp"
    assert "password" not in made.stdout.lower().replace("password_hash", "")

    piped = sobes(
        env,
        "create-user",
        "--email",
        unique_email("cli-hr"),
        "--password-stdin",
        "--role",
        "hr",
        "--org",
        "Umbrella Corp",
        stdin="from standard input\n",
    )
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["organisation"]["id"] == user["organisation"]["id"]

    duplicate = sobes(
        env,
        "create-user",
        "--email",
        email,
        "--password",
        "a long password",
        "--role",
        "admin",
        "--org",
        "Umbrella Corp",
    )
    assert duplicate.returncode == 1
    assert "already exists" in duplicate.stderr
    assert "Traceback" not in duplicate.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--email", "nope", "--password", "a long password", "--role", "candidate"],
            "not an e-mail address",
        ),
        (
            ["--email", "a@example.com", "--password", "short", "--role", "candidate"],
            "at least 10 characters",
        ),
        (
            ["--email", "a@example.com", "--password", "a long password", "--role", "hr"],
            "add --org",
        ),
        (
            [
                "--email",
                "a@example.com",
                "--password",
                "a long password",
                "--role",
                "candidate",
                "--org",
                "X",
            ],
            "drop --org",
        ),
        (["--email", "a@example.com", "--role", "candidate"], "--password"),
    ],
)
async def test_create_user_refuses_bad_input_clearly(cli_env, args, message):
    env, _ = cli_env
    result = sobes(env, "create-user", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


async def test_an_unknown_role_is_a_usage_error(cli_env):
    env, _ = cli_env
    result = sobes(
        env,
        "create-user",
        "--email",
        "a@example.com",
        "--password",
        "x" * 12,
        "--role",
        "superuser",
    )
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


async def test_demo_data_is_idempotent(cli_env):
    env, url = cli_env
    first = sobes(env, "demo-data")
    assert first.returncode == 0, first.stderr
    assert "4 accounts, 8 tasks, 3 tracks, 47 questions, 3 vacancies created" in first.stdout, (
        first.stdout
    )
    second = sobes(env, "demo-data")
    assert "nothing changed" in second.stdout
    conn = await asyncpg.connect(url)
    try:
        count = await conn.fetchval(
            "SELECT count(*) FROM users WHERE email LIKE '%@demo.sobes.dev'"
        )
        orgs = await conn.fetchval("SELECT count(*) FROM organisations WHERE slug = 'acme-hiring'")
        tasks = await conn.fetchval("SELECT count(*) FROM tasks WHERE title = 'A + B'")
    finally:
        await conn.close()
    assert (count, orgs, tasks) == (4, 1, 1)


async def test_bad_configuration_is_reported_not_raised(cli_env):
    env, _ = cli_env
    result = sobes({**env, "SOBES_LOGIN_RATE_PER_IP": "lots"}, "migrate")
    assert result.returncode == 2
    assert "bad configuration" in result.stderr
    assert "login_rate_per_ip" in result.stderr
    assert "Traceback" not in result.stderr


async def test_unreachable_database_is_a_clear_error(tmp_path):
    from deploy.processes import free_port

    env = sobes_env(
        DATABASE_URL=f"postgresql://postgres:hunter2@127.0.0.1:{free_port()}/x",
        SOBES_DB_CONNECT_WAIT_S="0.5",
    )
    result = sobes(env, "migrate")
    assert result.returncode == 1
    assert "unreachable" in result.stderr
    assert "hunter2" not in result.stderr  # the password never reaches the output


async def test_set_password_signs_out_and_the_new_password_works(cli_env):
    env, url = cli_env
    email = unique_email("reset")
    made = sobes(
        env,
        "create-user",
        "--email",
        email,
        "--password",
        "the old password",
        "--role",
        "candidate",
    )
    assert made.returncode == 0, made.stderr
    conn = await asyncpg.connect(url)
    try:
        user_id = await conn.fetchval("SELECT id FROM users WHERE email = $1", email)
        await conn.execute(
            "INSERT INTO sessions (token_hash, user_id, expires_at) "
            "VALUES ('\\x01', $1, now() + interval '1 day')",
            user_id,
        )
        changed = sobes(
            env,
            "set-password",
            "--email",
            email.upper(),
            "--password-stdin",
            stdin="the new password\n",
        )
        assert changed.returncode == 0, changed.stderr
        assert "1 session(s) signed out" in changed.stdout
        assert await conn.fetchval("SELECT count(*) FROM sessions WHERE user_id = $1", user_id) == 0
        stored = await conn.fetchval("SELECT password_hash FROM users WHERE id = $1", user_id)
    finally:
        await conn.close()
    from server.accounts.passwords import verify_password

    assert await verify_password(stored, "the new password")
    assert not await verify_password(stored, "the old password")
    missing = sobes(env, "set-password", "--email", unique_email(), "--password", "x" * 12)
    assert missing.returncode == 1
    assert "no account" in missing.stderr


def test_sobes_run_prints_the_verdict_as_json(tmp_path):
    program = tmp_path / "echo.c"
    program.write_text(
        '#include <stdio.h>\nint main(void){int x;scanf("%d",&x);printf("%d\\n",x*3);return x;}\n'
    )
    given = tmp_path / "input.txt"
    given.write_text("14\n")
    env = sobes_env()
    ran = sobes(env, "run", str(program), "--stdin", str(given), "--cpu-ms", "500")
    assert ran.returncode == 0, ran.stderr
    report = json.loads(ran.stdout)
    assert report["verdict"] == "RE" and report["exit_code"] == 14
    assert report["stdout"] == "42\n"
    assert set(report) == {
        "verdict",
        "exit_code",
        "signal",
        "stdout",
        "stderr",
        "compile_output",
        "cpu_ms",
        "wall_ms",
        "memory_kb",
    }
    slow = tmp_path / "slow.py"
    slow.write_text("while True:\n    pass\n")
    tle = json.loads(sobes(env, "run", str(slow), "--cpu-ms", "200").stdout)
    assert tle["verdict"] == "TLE"
    unknown = sobes(env, "run", str(tmp_path / "x.cob"))
    assert unknown.returncode == 2 and "give --language" in unknown.stderr
