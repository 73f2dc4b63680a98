"""The ``sobes`` command: serve, migrate, create-user, demo-data."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import EmailStr, TypeAdapter, ValidationError

from server import __version__
from server.settings import Settings

log = logging.getLogger("sobes.cli")
EXIT_USAGE = 2


class CliError(Exception):
    """A problem the operator must fix; printed without a traceback."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def load_settings(overrides: dict[str, Any] | None = None) -> Settings:
    try:
        base = Settings()
        if overrides:
            return Settings.model_validate({**base.model_dump(), **overrides})
        return base
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'settings'}: {error['msg']}"
            for error in exc.errors()
        )
        raise CliError(f"bad configuration: {problems}", EXIT_USAGE) from None


async def _with_database(
    settings: Settings, work: Callable[[Any], Awaitable[Any]], *, run_migrations: bool = True
) -> Any:
    from server.storage.database import Database

    try:
        database = await Database.open(settings, run_migrations=run_migrations)
    except RuntimeError as exc:
        raise CliError(str(exc)) from None
    try:
        async with database.connection() as conn:
            return await work(conn)
    finally:
        await database.close()


def uvicorn_config(app: Any, host: str, port: int, forwarded_allow_ips: str) -> Any:
    """How a Sobes node is served (the HTTP benchmark serves its baseline the same way)."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
        # Longer than the load balancer's idle timeout (60 s in deploy/), so the node is never
        # the side closing an idle connection just as a proxy or client reuses it.
        timeout_keep_alive=75,
        # No permessage-deflate: for the editor's small updates it costs more (about 60 KiB
        # of zlib state per connection, and a compression per recipient) than it saves.
        ws_per_message_deflate=False,
        ws_max_size=2 * 1024 * 1024,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app
    from server.observability import configure_logging

    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    settings = load_settings(overrides)
    configure_logging(settings)
    app = create_app(settings)
    config = uvicorn_config(app, settings.host, settings.port, settings.forwarded_allow_ips)
    server = uvicorn.Server(config)

    async def run() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():  # noqa: ASYNC110 (uvicorn offers no event)
            await asyncio.sleep(0.05)
        if server.started:
            await _print_banner(app, settings)
        await serving

    # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the handler
    # that was there before it; a no-op handler makes that graceful stop exit with status 0.
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        # The same event loop uvicorn would pick itself (uvloop when installed).
        with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
            runner.run(run())
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if server.started else 1


async def _print_banner(app: Any, settings: Settings) -> None:
    from server.demo import present_demo_accounts

    rt = app.extensions["sobes"]
    async with rt.db.connection() as conn:
        accounts = await present_demo_accounts(conn)
    database = f"embedded PostgreSQL in {settings.data_dir}" if rt.db.embedded else "external"
    lines = [
        "",
        f"  Sobes {__version__} is running at {settings.base_url}",
        f"  database: {database} · bus: {rt.bus.kind}",
    ]
    if accounts:
        lines.append("  demo logins (e-mail / password):")
        lines += [f"    {a.role.value:<12} {a.email} / {a.password}" for a in accounts]
    lines.append("  press Ctrl+C to stop")
    print("\n".join(lines) + "\n", flush=True)


def cmd_migrate(args: argparse.Namespace) -> int:
    from server.storage.migrations import MigrationError, migrate

    settings = load_settings()

    async def work(conn: Any) -> list[int]:
        return await migrate(conn)

    try:
        applied = asyncio.run(_with_database(settings, work, run_migrations=False))
    except MigrationError as exc:
        raise CliError(f"migration failed: {exc}") from None
    if applied:
        print("applied migrations: " + ", ".join(f"{v:04d}" for v in applied))
    else:
        print("the database is up to date")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if args.password is None:
        raise CliError("give --password P or --password-stdin", EXIT_USAGE)
    return args.password


def cmd_create_user(args: argparse.Namespace) -> int:
    from server import audit
    from server.accounts import organisations, passwords, users
    from server.accounts.roles import Role

    settings = load_settings()
    try:
        email = str(TypeAdapter(EmailStr).validate_python(args.email)).lower()
    except ValidationError:
        raise CliError(f"not an e-mail address: {args.email!r}", EXIT_USAGE) from None
    password = _read_password(args)
    if len(password) < settings.password_min_length:
        raise CliError(
            f"the password needs at least {settings.password_min_length} characters", EXIT_USAGE
        )
    role = Role(args.role)
    if role is Role.CANDIDATE and args.org:
        raise CliError("candidates do not belong to an organisation; drop --org", EXIT_USAGE)
    if role is not Role.CANDIDATE and not args.org:
        raise CliError(f"a {role.value} belongs to an organisation: add --org NAME", EXIT_USAGE)
    full_name = (args.name or email.split("@")[0]).strip()[:200]

    async def work(conn: Any) -> dict[str, Any]:
        password_hash = await passwords.hash_password(password)
        async with conn.transaction():
            organisation_id = None
            if args.org:
                organisation_id = (await organisations.ensure_organisation(conn, args.org))["id"]
            try:
                user = await users.create_user(
                    conn,
                    email=email,
                    password_hash=password_hash,
                    full_name=full_name,
                    role=role,
                    organisation_id=organisation_id,
                )
            except users.EmailTaken:
                raise CliError(f"an account with e-mail {email} already exists") from None
            await audit.record(
                conn,
                "user.created",
                subject_id=user.id,
                organisation_id=organisation_id,
                details={"by": "sobes create-user", "role": role.value},
            )
        return user.to_json()

    print(json.dumps(asyncio.run(_with_database(settings, work)), indent=2))
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    from server import audit
    from server.accounts import passwords, sessions, users

    settings = load_settings()
    password = _read_password(args)
    if len(password) < settings.password_min_length:
        raise CliError(
            f"the password needs at least {settings.password_min_length} characters", EXIT_USAGE
        )

    async def work(conn: Any) -> int:
        credentials = await users.find_credentials(conn, args.email)
        if credentials is None:
            raise CliError(f"no account with e-mail {args.email.strip().lower()}")
        password_hash = await passwords.hash_password(password)
        async with conn.transaction():
            await users.set_password_hash(conn, credentials["id"], password_hash)
            ended = await sessions.revoke_all(conn, credentials["id"])
            await audit.record(
                conn,
                "user.password_set",
                subject_id=credentials["id"],
                details={"by": "sobes set-password", "sessions_ended": len(ended)},
            )
        return len(ended)

    ended = asyncio.run(_with_database(settings, work))
    print(f"password changed; {ended} session(s) signed out")
    return 0


SOURCE_SUFFIXES = {
    ".py": "python3",
    ".c": "c",
    ".cpp": "cpp",
    ".cc": "cpp",
    ".cxx": "cpp",
    ".java": "java",
    ".js": "javascript",
    ".mjs": "javascript",
    ".rs": "rust",
}


def cmd_run(args: argparse.Namespace) -> int:
    from judge.languages import LANGUAGES
    from judge.limits import Limits
    from judge.runner import Judge, UnknownLanguage
    from judge.sandbox import SandboxError

    path = Path(args.file)
    language = args.language or SOURCE_SUFFIXES.get(path.suffix.lower())
    if language is None:
        raise CliError(
            f"cannot tell the language of {path.name}; give --language ({', '.join(LANGUAGES)})",
            EXIT_USAGE,
        )
    try:
        source = path.read_text(encoding="utf-8")
        stdin = Path(args.stdin).read_bytes() if args.stdin else b""
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read the input: {exc}", EXIT_USAGE) from None
    try:
        limits = Limits().with_overrides(
            cpu_ms=args.cpu_ms, wall_ms=args.wall_ms, memory_mb=args.memory_mb
        )
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    try:
        judge = Judge()
        report = judge.run_program(language, source, stdin, limits)
    except UnknownLanguage:
        raise CliError(
            f"language {language!r} is not available here; known: {', '.join(LANGUAGES)}",
            EXIT_USAGE,
        ) from None
    except SandboxError as exc:
        raise CliError(str(exc)) from None
    print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run judge workers: take jobs from the Redis queue until SIGTERM, then finish and stop."""
    import socketio

    from server.judging import JudgeWorkers, open_queue
    from server.observability import configure_logging
    from server.storage.database import Database

    settings = load_settings()
    if not settings.redis_url:
        raise CliError(
            "sobes worker takes its jobs from Redis: set REDIS_URL (without Redis, "
            "`sobes serve` runs the judge workers in-process)",
            EXIT_USAGE,
        )
    configure_logging(settings)
    slots = args.concurrency or os.cpu_count() or 1

    async def work() -> None:
        try:
            database = await Database.open(settings)
        except RuntimeError as exc:
            raise CliError(str(exc)) from None
        queue = open_queue(settings)
        emitter = socketio.AsyncRedisManager(
            settings.redis_url, channel=f"{settings.redis_prefix}socketio", write_only=True
        )

        async def notify(room: str, payload: dict[str, Any]) -> None:
            event = payload.pop("event")
            await emitter.emit(event, payload, room=room, namespace="/")

        workers = JudgeWorkers(settings, database, queue, notify, slots)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        workers.start()
        assert workers.task is not None
        await asyncio.wait(
            {workers.task, asyncio.create_task(stop.wait())}, return_when=asyncio.FIRST_COMPLETED
        )
        await workers.close()
        await queue.close()
        if emitter.redis is not None:
            await emitter.redis.aclose()
        await database.close()

    asyncio.run(work())
    return 0


def cmd_languages(args: argparse.Namespace) -> int:
    from judge.runner import Judge
    from judge.sandbox import SandboxError
    from judge.selftest import self_test

    try:
        statuses = self_test(Judge())
    except SandboxError as exc:
        raise CliError(str(exc)) from None
    for status in statuses.values():
        state = status.version if status.available else f"NOT AVAILABLE: {status.problem}"
        print(f"{status.id:<11} {status.name:<22} {state}")
    return 0 if any(s.available for s in statuses.values()) else 1


def cmd_demo_data(args: argparse.Namespace) -> int:
    from server.demo import DEMO_ACCOUNTS, load_demo_data

    settings = load_settings()
    created = asyncio.run(_with_database(settings, load_demo_data))
    if created:
        # entries are e-mails (accounts) or "<kind>: <name>" (task, track, question, vacancy)
        accounts = sum(": " not in item for item in created)
        kinds = Counter(item.split(": ", 1)[0] for item in created if ": " in item)
        plural = {"vacancy": "vacancies"}
        made = "".join(
            f", {n} {kind if n == 1 else plural.get(kind, kind + 's')}" for kind, n in kinds.items()
        )
        print(f"demo data loaded: {accounts} accounts{made} created")
    else:
        print("demo data already present; nothing changed")
    for account in DEMO_ACCOUNTS:
        print(f"  {account.role.value:<12} {account.email} / {account.password}")
    return 0


def cmd_import_problem(args: argparse.Namespace) -> int:
    """Import a Kattis / ICPC problem package (a folder or a zip) as a task."""
    from tqdm import tqdm

    from server.accounts.organisations import slugify
    from server.problem_package import PackageError, parse_package, store_problem

    settings = load_settings()
    path = Path(args.path)
    with tqdm(desc="reading the package", unit="file", file=sys.stderr, leave=False) as bar:

        def progress(done: int, total: int, name: str) -> None:
            if bar.total != total:
                bar.reset(total=total)
            bar.set_postfix_str(name[-40:], refresh=False)
            bar.update(done - bar.n)

        try:
            problem = parse_package(path, progress=progress)
        except PackageError as exc:
            bar.close()
            print(f"{path} is not a valid problem package:", file=sys.stderr)
            for problem_text in exc.problems:
                print(f"  - {problem_text}", file=sys.stderr)
            return EXIT_USAGE

    async def work(conn: Any) -> tuple[Any, str]:
        if args.organisation:
            wanted = args.organisation.strip()
            organisation = await conn.fetchrow(
                """
                SELECT id, name, slug FROM organisations
                WHERE slug = $1 OR slug = $2 OR lower(name) = lower($3)
                ORDER BY slug = $1 DESC LIMIT 1
                """,
                wanted.lower(),
                slugify(wanted),
                wanted,
            )
            if organisation is None:
                raise CliError(f"no organisation with the slug or name {wanted!r}", EXIT_USAGE)
        else:
            found = await conn.fetch("SELECT id, name, slug FROM organisations ORDER BY slug")
            if not found:
                raise CliError(
                    "there is no organisation yet (sobes create-user --org NAME makes one)",
                    EXIT_USAGE,
                )
            if len(found) > 1:
                slugs = ", ".join(row["slug"] for row in found[:10])
                more = f" and {len(found) - 10} more" if len(found) > 10 else ""
                raise CliError(
                    f"there are {len(found)} organisations; choose one with --organisation "
                    f"SLUG ({slugs}{more})",
                    EXIT_USAGE,
                )
            organisation = found[0]
        track_id = None
        if args.track:
            track_id = await conn.fetchval(
                "SELECT id FROM tracks WHERE organisation_id = $1 AND slug = $2",
                organisation["id"],
                args.track,
            )
            if track_id is None:
                raise CliError(
                    f"organisation {organisation['slug']} has no track {args.track!r}", EXIT_USAGE
                )
        task_id = await store_problem(
            conn, problem, organisation_id=organisation["id"], track_id=track_id
        )
        return task_id, organisation["name"]

    task_id, organisation_name = asyncio.run(_with_database(settings, work))
    groups = ", ".join(f"{group.name} {group.points}" for group in problem.groups)
    track = f", track {args.track}" if args.track else ""
    print(task_id)
    print(
        f"imported {problem.title!r} ({problem.origin}) into {organisation_name}{track}: "
        f"{len(problem.groups)} groups ({groups} points), {problem.test_count} tests, "
        f"checker {problem.checker.kind}"
        + (f" ({problem.checker.language}, Kattis protocol)" if problem.checker.language else "")
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sobes", description="Sobes hiring platform: run a node and manage its data."
    )
    parser.add_argument("--version", action="version", version=f"sobes {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the platform (API, Socket.IO, web client)")
    serve.add_argument("--host", help="address to listen on (default SOBES_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default SOBES_PORT or 8000)")
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(handler=cmd_migrate)

    create_user = commands.add_parser("create-user", help="add an account")
    create_user.add_argument("--email", required=True)
    secret = create_user.add_mutually_exclusive_group()
    secret.add_argument("--password", help="the initial password (visible to `ps`)")
    secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create_user.add_argument(
        "--role", required=True, choices=["candidate", "interviewer", "hr", "admin"]
    )
    create_user.add_argument("--org", help="organisation name (created if new); staff only")
    create_user.add_argument("--name", help="full name (default: the e-mail's local part)")
    create_user.set_defaults(handler=cmd_create_user)

    set_password = commands.add_parser(
        "set-password", help="give an account a new password and sign out its sessions"
    )
    set_password.add_argument("--email", required=True)
    new_secret = set_password.add_mutually_exclusive_group()
    new_secret.add_argument("--password", help="the new password (visible to `ps`)")
    new_secret.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    set_password.set_defaults(handler=cmd_set_password)

    run = commands.add_parser(
        "run", help="run one program through the judge's sandbox here and print the result"
    )
    run.add_argument("file", help="the source file")
    run.add_argument("--language", help="python3, c, cpp, java, javascript or rust")
    run.add_argument("--stdin", help="a file to give the program as standard input")
    run.add_argument("--cpu-ms", type=int, help="CPU time limit (default 2000)")
    run.add_argument("--wall-ms", type=int, help="wall-clock limit (default twice CPU + 1 s)")
    run.add_argument("--memory-mb", type=int, help="memory limit (default 256)")
    run.set_defaults(handler=cmd_run)

    worker = commands.add_parser("worker", help="run judge workers that take jobs from Redis")
    worker.add_argument(
        "--concurrency", type=int, help="programs run at once (default: the core count)"
    )
    worker.set_defaults(handler=cmd_worker)

    languages = commands.add_parser(
        "languages", help="self-test every language on this machine and list what is offered"
    )
    languages.set_defaults(handler=cmd_languages)

    demo = commands.add_parser(
        "demo-data", help="load the demo organisation and accounts (idempotent)"
    )
    demo.set_defaults(handler=cmd_demo_data)

    import_problem = commands.add_parser(
        "import-problem",
        help="import a Kattis / ICPC problem package (a folder or a .zip) as a task",
    )
    import_problem.add_argument("path", help="the package: a folder or a .zip file")
    import_problem.add_argument(
        "--organisation",
        help="the organisation's slug or name (default: the only organisation, if just one)",
    )
    import_problem.add_argument("--track", help="the slug of one of the organisation's tracks")
    import_problem.set_defaults(handler=cmd_import_problem)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command != "serve":
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.handler(args)
    except CliError as exc:
        print(f"sobes {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return 130
