"""What the browser tests share: Debian's Chromium under Playwright, `sobes serve` as a real
process, and the demo data in a database of the test module's own."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, async_playwright, expect

from deploy.processes import REPO, SobesProcess, running_sobes, sobes_env
from server.demo import load_demo_data
from server.storage.migrations import migrate
from tests.conftest import connect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DIST = REPO / "clients" / "web" / "dist"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


def serve(tmp_path: Path, **env: str) -> Iterator[SobesProcess]:
    """`sobes serve` with the built web client, for one test."""
    assert (DIST / "index.html").is_file(), "build the web client first: `make test` does it"
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: `make test` installs it"
    values = {"SOBES_DATA_DIR": str(tmp_path / "var"), "SOBES_NODE_NAME": "browser-node", **env}
    with running_sobes(sobes_env(**values), tmp_path / "serve.log") as running:
        yield running


@pytest.fixture(scope="module")
async def demo_database(scratch_databases: Any, request: pytest.FixtureRequest) -> str:
    """A database of the module's own with the demo organisation, tasks, pools and vacancies."""
    url = await scratch_databases(f"browser_{request.module.__name__.rsplit('.', 1)[-1]}")
    conn = await connect(url)
    try:
        await migrate(conn)
        await load_demo_data(conn)
    finally:
        await conn.close()
    return url


@pytest.fixture
def demo_server(demo_database: str, redis_url: str, tmp_path: Path) -> Iterator[SobesProcess]:
    yield from serve(
        tmp_path,
        DATABASE_URL=demo_database,
        REDIS_URL=redis_url,
        SOBES_REDIS_PREFIX=f"browser-{uuid.uuid4().hex[:8]}:",
        # with Redis the judge runs in `sobes worker` processes; here, inside the node
        SOBES_JUDGE_WORKERS="2",
    )


@pytest.fixture
async def browser() -> Any:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield launched
        finally:
            await launched.close()


async def sign_in(page: Page, base: str, email: str, password: str) -> None:
    await page.goto(base + "/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("home-heading")).to_be_visible()
