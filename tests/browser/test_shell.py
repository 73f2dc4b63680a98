"""The web client in Debian's Chromium, driven by Playwright, against `sobes serve`.

A new person registers, signs out and in again, sees their home page with a live
Socket.IO connection, switches the interface to Russian (remembered across a reload),
and an admin sees their team. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import serve
from tests.conftest import ARTIFACTS


@pytest.fixture
def server(database_url, redis_url, tmp_path):
    yield from serve(tmp_path, DATABASE_URL=database_url, REDIS_URL=redis_url)


async def test_register_sign_in_and_switch_language(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-GB")
    page = await context.new_page()
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"

    await page.goto(server.url + "/")
    await expect(page).to_have_url(re.compile(r"/login$"))
    await page.get_by_role("link", name="Register").click()
    await expect(page).to_have_url(re.compile(r"/register$"))

    await page.get_by_label("Full name").fill("Ada Lovelace")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("short")
    await page.get_by_role("button", name="Create account").click()
    password_error = page.locator("#register-password-error")
    await expect(password_error).to_contain_text("at least 10 characters")
    await expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Password")).to_be_focused()
    await page.screenshot(path=str(ARTIFACTS / "register-error-en.png"))

    await page.get_by_label("Password").fill("analytical engine")
    await page.get_by_label("Password").press("Enter")
    heading = page.get_by_test_id("home-heading")
    await expect(heading).to_have_text("Welcome, Ada Lovelace")
    await expect(page.get_by_test_id("account-email")).to_have_text(email)
    socket_state = page.get_by_test_id("socket-state")
    await expect(socket_state).to_have_attribute("data-state", "connected")
    await expect(socket_state).to_have_attribute("title", re.compile("browser-node"))
    await expect(page.get_by_test_id("session-item")).to_have_count(1)

    await page.get_by_test_id("sign-out").click()
    await expect(page).to_have_url(re.compile(r"/login$"))
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("wrong password")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("wrong")
    await page.get_by_label("Password").fill("analytical engine")
    await page.get_by_role("button", name="Sign in").click()
    await expect(heading).to_have_text("Welcome, Ada Lovelace")
    await expect(socket_state).to_have_attribute("data-state", "connected")
    activity = page.get_by_test_id("activity-item")
    await expect(activity.first).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "candidate-home-en.png"), full_page=True)

    await page.get_by_test_id("language-select").select_option("ru")
    await expect(heading).to_have_text("Здравствуйте, Ada Lovelace")
    await expect(page.locator("html")).to_have_attribute("lang", "ru")
    await expect(page.get_by_test_id("sign-out")).to_have_text("Выйти")
    await page.reload()
    await expect(heading).to_have_text("Здравствуйте, Ada Lovelace")
    await expect(socket_state).to_have_attribute("data-state", "connected")
    await page.screenshot(path=str(ARTIFACTS / "candidate-home-ru.png"), full_page=True)

    # the choice is stored on the account too: a fresh browser gets Russian after signing in
    fresh = await browser.new_context(locale="en-GB")
    other = await fresh.new_page()
    await other.goto(server.url + "/login")
    await other.get_by_label("Email").fill(email)
    await other.get_by_label("Password").fill("analytical engine")
    await other.get_by_role("button", name="Sign in").click()
    await expect(other.get_by_test_id("home-heading")).to_have_text("Здравствуйте, Ada Lovelace")
    await fresh.close()

    # that second sign-in shows up here as another session, which can be ended
    await page.reload()
    await expect(page.get_by_test_id("session-item")).to_have_count(2)
    await context.close()


async def test_admin_sees_the_team_and_adds_a_member(server, browser, make_account):
    from server.accounts.roles import Role

    admin = await make_account(Role.ADMIN, organisation="Browser Org")
    await make_account(Role.HR, organisation="Browser Org")
    context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    await page.goto(server.url + "/login")
    await page.get_by_label("Email").fill(admin.email)
    await page.get_by_label("Password").fill(admin.password)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("home-admin")).to_be_visible()
    await expect(page.get_by_test_id("organisation-name")).to_have_text("Browser Org")
    await expect(page.get_by_test_id("member-row")).to_have_count(2)

    form = page.get_by_test_id("add-member-form")
    new_email = f"iv-{uuid.uuid4().hex[:8]}@example.com"
    await form.get_by_label("Full name").fill("Ivan Petrov")
    await form.get_by_label("Email").fill(new_email)
    await form.get_by_label("Role", exact=True).select_option("interviewer")
    await form.get_by_label("Initial password").fill("interviews all day")
    await form.get_by_role("button", name="Add member").click()
    await expect(page.get_by_test_id("member-row")).to_have_count(3)
    row = page.locator(f'[data-testid="member-row"][data-email="{new_email}"]')
    await expect(row).to_have_attribute("data-role", "interviewer")
    await expect(
        page.locator('[data-testid="audit-row"][data-action="member.added"]')
    ).to_have_count(1)
    await page.evaluate("window.scrollTo(0, 0)")
    await page.screenshot(path=str(ARTIFACTS / "admin-home-en.png"), full_page=True)
    await context.close()


async def test_unknown_client_route_shows_the_404_page(server, browser):
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(server.url + "/no/such/page")
    await expect(page.get_by_test_id("not-found")).to_be_visible()
    await context.close()
