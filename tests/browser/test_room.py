"""A live interview room in Debian's Chromium, driven by Playwright, against `sobes serve`.

An interviewer creates an instant room (with the demo task) on the hiring dashboard and
copies the candidate's link; a new candidate opens it in a second browser context, registers
and lands in the room. Both type into the one shared file (CodeMirror bound to Yjs over the
y-websocket endpoint) and see each other's text and named cursor; a recruiter sees on the
dashboard who is connected. The interviewer writes a private note: the candidate's page never
shows it, never asks for notes or scorecards, and none of its websocket frames (Socket.IO and
y-websocket) ever carry the note's text. The candidate reads the task's statement and sample
in the room (never a hidden test). The candidate chats and runs the code on stdin, the
interviewer on the room's task's tests; both see the output and the verdicts. The
interviewer locks the editor (the candidate's typing goes nowhere), unlocks it, pastes a
block, saves a scorecard and ends the interview; the candidate's page turns read-only, and
their home page lists the interview as ended, with the way back into its room. The replay
plays to the end at 32x and shows the final text, one track per person, the paste
flagged and the idle pause skipped. Screenshots go to tests/artifacts/
(docs/screenshots/room-*.png and candidate-interviews.png are copies of them).
"""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import pytest
from playwright.async_api import Page, WebSocket, expect

from server.demo import DEMO_ORGANISATION, DEMO_TASK_TITLE
from tests.browser.conftest import sign_in
from tests.conftest import ARTIFACTS

INTERVIEWER = ("interviewer@demo.sobes.dev", "demo-interviewer-pass", "Ivan Interviewer")
HR = ("hr@demo.sobes.dev", "demo-hr-pass")
JUDGED = 90_000  # ms: a run's output, with the sandbox starting cold
LIVE = 10_000  # ms: an edit, a cursor, an event reaching the other side

CANDIDATE_CODE = "a, b = map(int, input().split())\nprint(a + b)\n"
INTERVIEWER_LINE = "# reads two numbers, prints their sum\n"
PASTED = "def check():\n    assert 2 + 3 == 5, 'the sum is wrong'\n"
FINAL_TEXT = CANDIDATE_CODE + INTERVIEWER_LINE + PASTED


@pytest.fixture
def server(demo_server):
    return demo_server


def editor(page: Page) -> Any:
    return page.locator('[data-testid="room-editor"][data-file="main.py"]')


async def wait_synced(page: Page) -> None:
    await expect(page.get_by_test_id("editor-state")).to_have_attribute(
        "data-state", "synced", timeout=LIVE
    )


async def new_instant_room(
    browser: Any, base: str, title: str, task: str | None = None
) -> tuple[Any, Page]:
    """The demo interviewer, signed in in a context of their own, makes an instant room with
    one Python file (main.py) on the hiring dashboard; the form has just been sent."""
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    await sign_in(page, base, INTERVIEWER[0], INTERVIEWER[1])
    await page.get_by_test_id("nav-hr").click()
    await page.get_by_test_id("new-room").click()
    form = page.get_by_test_id("new-room-form")
    await form.get_by_test_id("room-title-input").fill(title)
    await form.get_by_test_id("room-language-input").select_option("python3")
    await expect(form.get_by_test_id("room-file-input")).to_have_value("main.py")
    if task is not None:
        await form.get_by_test_id("room-task-input").select_option(label=task)
    await form.get_by_test_id("create-room").click()
    return context, page


class Recorder:
    """Everything the candidate's page received or sent over websockets, and its requests."""

    def __init__(self, page: Page) -> None:
        self.frames: list[tuple[str, str]] = []
        self.sockets: list[str] = []
        self.requests: list[str] = []
        page.on("websocket", self._socket)
        page.on("request", lambda request: self.requests.append(request.url))

    def _socket(self, ws: WebSocket) -> None:
        self.sockets.append(ws.url)
        ws.on("framereceived", lambda payload: self._frame(ws.url, payload))
        ws.on("framesent", lambda payload: self._frame(ws.url, payload))

    def _frame(self, url: str, payload: str | bytes) -> None:
        text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
        self.frames.append((url, text))

    def carried(self, needle: str) -> list[str]:
        return [url for url, text in self.frames if needle in text]


async def test_interviewer_and_candidate_in_a_live_room(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    base = server.url
    email = f"kate-{uuid.uuid4().hex[:8]}@example.com"
    candidate_name = "Kate Candidate"
    note = f"private: strong on basics, probe recursion {uuid.uuid4().hex[:6]}"

    # -- the interviewer makes an instant room on the hiring dashboard ------------------------
    iv_context, iv = await new_instant_room(
        browser, base, "Pair programming: sums", task=DEMO_TASK_TITLE
    )
    link = await iv.get_by_test_id("join-link").input_value()
    assert re.fullmatch(re.escape(base) + r"/rooms/[0-9a-f-]{36}/join\?invite=\S+", link), link
    room_id = link.split("/rooms/")[1].split("/")[0]
    await expect(iv.locator(f'[data-testid="room-row"][data-room-id="{room_id}"]')).to_be_visible()
    await iv.get_by_test_id("open-room").click()
    await expect(iv.get_by_test_id("room-page")).to_have_attribute("data-role", "interviewer")
    await expect(iv.get_by_test_id("room-channel")).to_have_attribute("data-state", "entered")
    await wait_synced(iv)

    # -- a new candidate follows the link: register, and straight back into the room ----------
    cand_context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    cand = await cand_context.new_page()
    seen = Recorder(cand)
    await cand.goto(link)
    await expect(cand.get_by_test_id("join-sign-in")).to_be_visible()
    await cand.get_by_test_id("join-register").click()
    await expect(cand).to_have_url(re.compile(r"/register$"))
    await cand.get_by_label("Full name").fill(candidate_name)
    await cand.get_by_label("Email").fill(email)
    await cand.get_by_label("Password").fill("pair programming is fun")
    await cand.get_by_role("button", name="Create account").click()
    await expect(cand).to_have_url(re.compile(rf"/rooms/{room_id}(\?.*)?$"), timeout=LIVE)
    await expect(cand.get_by_test_id("room-page")).to_have_attribute("data-role", "candidate")
    await expect(cand.get_by_test_id("room-channel")).to_have_attribute("data-state", "entered")
    await wait_synced(cand)
    await expect(cand.get_by_test_id("notes-panel")).to_have_count(0)
    await expect(cand.get_by_test_id("scorecards")).to_have_count(0)
    # the room's task, for the candidate too: the statement and its sample, never a hidden test
    task_panel = cand.get_by_test_id("room-task-panel")
    await expect(task_panel.get_by_test_id("room-task-title")).to_contain_text(DEMO_TASK_TITLE)
    await expect(task_panel.get_by_test_id("task-statement")).to_contain_text("print a + b")
    await expect(task_panel.get_by_test_id("task-sample")).to_have_count(1)
    assert "100 250" not in await cand.content()
    await task_panel.get_by_test_id("room-task-toggle").click()
    await expect(task_panel).to_have_attribute("data-open", "false")

    # both are connected, on both pages
    for page in (iv, cand):
        online = page.locator('[data-testid="presence-item"][data-online="true"]')
        await expect(online).to_have_count(2, timeout=LIVE)
    await expect(iv.get_by_test_id("presence-list")).to_contain_text(candidate_name)

    # a recruiter's dashboard lists the room with who is in it
    hr_context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    hr = await hr_context.new_page()
    await sign_in(hr, base, *HR)
    await hr.goto(base + "/hr")
    row = hr.locator(f'[data-testid="room-row"][data-room-id="{room_id}"]')
    await expect(row.get_by_test_id("room-presence")).to_contain_text(candidate_name, timeout=LIVE)
    await expect(row.get_by_test_id("room-presence")).to_contain_text(INTERVIEWER[2])
    await expect(row).to_contain_text(candidate_name)  # the seated candidate
    await hr_context.close()

    # -- both type into the one file and see each other's text and cursor ---------------------
    await editor(cand).locator(".cm-content").click()
    await cand.keyboard.type(CANDIDATE_CODE)
    await expect(editor(iv).locator(".cm-content")).to_contain_text("print(a + b)", timeout=LIVE)
    await asyncio.sleep(2.5)  # a pause: the replay skips it as idle
    await editor(iv).locator(".cm-content").click()
    await iv.keyboard.press("Control+End")
    await iv.keyboard.type(INTERVIEWER_LINE)
    await expect(editor(cand).locator(".cm-content")).to_contain_text(
        INTERVIEWER_LINE.strip(), timeout=LIVE
    )
    # y-codemirror draws the other person's caret with their name
    await expect(editor(iv).locator(".cm-ySelectionInfo")).to_have_text(
        candidate_name, timeout=LIVE
    )
    await expect(editor(cand).locator(".cm-ySelectionInfo")).to_have_text(
        INTERVIEWER[2], timeout=LIVE
    )
    await iv.screenshot(path=str(ARTIFACTS / "room-two-cursors.png"))

    # -- the interviewer's private note stays with the staff ----------------------------------
    await iv.get_by_test_id("note-input").fill(note)
    await iv.get_by_test_id("note-send").click()
    await expect(iv.get_by_test_id("note-message")).to_have_text(re.compile(re.escape(note)))

    # -- chat, both ways ----------------------------------------------------------------------
    await cand.get_by_test_id("chat-input").fill("Shall I run it?")
    await cand.get_by_test_id("chat-input").press("Enter")
    await expect(iv.get_by_test_id("chat-message")).to_contain_text("Shall I run it?", timeout=LIVE)
    await iv.get_by_test_id("chat-input").fill("Yes, on 2 3 please")
    await iv.get_by_test_id("chat-send").click()
    await expect(cand.get_by_test_id("chat-message").last).to_contain_text("Yes, on 2 3 please")

    # -- the candidate runs the file; both see the output ---------------------------------------
    await cand.get_by_test_id("run-stdin").fill("2 3\n")
    await cand.get_by_test_id("run-code").click()
    for page in (cand, iv):
        output = page.get_by_test_id("run-output")
        await expect(output).to_have_attribute("data-state", "done", timeout=JUDGED)
        await expect(output).to_have_attribute("data-verdict", "AC")
        await expect(page.get_by_test_id("run-stdout")).to_have_text("5")
        await expect(output).to_contain_text(candidate_name)
        await expect(page.get_by_test_id("run-time")).to_be_visible()
        await expect(page.get_by_test_id("run-memory")).to_be_visible()
    await cand.get_by_test_id("run-panel").scroll_into_view_if_needed()
    await cand.screenshot(path=str(ARTIFACTS / "room-run-output.png"))
    # the interviewer's whole room: the candidate's cursor, chat, the private note, the output
    await expect(editor(iv).locator(".cm-ySelectionInfo")).to_have_text(candidate_name)
    await iv.evaluate("window.scrollTo(0, 0)")
    await iv.screenshot(path=str(ARTIFACTS / "room-interviewer.png"), full_page=True)

    # ... and on the room's task's tests (the interviewer this time); both see the verdicts
    await iv.get_by_test_id("run-tests").click()
    for page in (iv, cand):
        output = page.get_by_test_id("run-output")
        await expect(output).to_have_attribute("data-kind", "tests", timeout=JUDGED)
        await expect(output).to_have_attribute("data-verdict", "AC")
        await expect(output).to_contain_text(INTERVIEWER[2])
        await expect(page.get_by_test_id("verdict-row").first).to_be_visible()

    # -- locked: the candidate reads, and their typing goes nowhere ---------------------------
    await iv.get_by_test_id("lock-editor").click()
    await expect(cand.get_by_test_id("editor-locked")).to_be_visible(timeout=LIVE)
    await expect(editor(cand)).to_have_attribute("data-readonly", "true")
    await wait_synced(cand)  # reconnected with a read-only token
    await editor(cand).locator(".cm-content").click()
    await cand.keyboard.type("oops")
    await iv.get_by_test_id("lock-editor").click()
    await expect(editor(cand)).to_have_attribute("data-readonly", "false", timeout=LIVE)
    await wait_synced(cand)
    for page in (iv, cand):
        await expect(editor(page).locator(".cm-content")).not_to_contain_text("oops")

    # -- the interviewer pastes a block (a paste on the replay), scores, and ends -------------
    await editor(iv).locator(".cm-content").click()
    await iv.keyboard.press("Control+End")
    await iv.keyboard.insert_text(PASTED)
    await expect(editor(cand).locator(".cm-content")).to_contain_text(
        "the sum is wrong", timeout=LIVE
    )

    scorecard = iv.get_by_test_id("scorecard-form")
    for index, rating in enumerate((3, 4, 3)):
        criterion = scorecard.get_by_test_id("criterion-row").nth(index)
        await criterion.get_by_test_id("criterion-rating").nth(rating - 1).check()
    await scorecard.get_by_test_id("scorecard-decision").select_option("hire")
    await scorecard.get_by_test_id("scorecard-summary").fill("Clear, tested code.")
    await scorecard.get_by_test_id("scorecard-save").click()
    await expect(iv.get_by_test_id("scorecard-state")).to_have_attribute("data-state", "draft")

    await iv.get_by_test_id("end-interview").click()
    await iv.get_by_test_id("end-confirm").click()
    for page in (iv, cand):
        await expect(page.get_by_test_id("room-ended")).to_be_visible(timeout=LIVE)
        await expect(page.get_by_test_id("room-page")).to_have_attribute("data-status", "ended")
        await expect(editor(page)).to_have_attribute("data-readonly", "true")
    await expect(cand.get_by_test_id("run-code")).to_have_count(0)

    # -- the note never reached the candidate: not on the page, not over any websocket --------
    assert note not in await cand.content()
    assert seen.sockets, "the candidate's page opened no websockets"
    assert any("/socket.io/" in url for url in seen.sockets), seen.sockets
    assert any(f"/yjs/{room_id}/main.py" in url for url in seen.sockets), seen.sockets
    assert any("Shall I run it?" in text for _, text in seen.frames), "frames were not recorded"
    assert seen.carried(note) == [], "the private note reached the candidate's websocket"
    assert seen.carried("probe recursion") == []
    asked = [url for url in seen.requests if re.search(r"/rooms/[^/]+/(notes|scorecards?)", url)]
    assert asked == [], asked

    # -- the replay plays to the end and shows the final text ---------------------------------
    await iv.get_by_test_id("open-replay").click()
    await expect(iv.get_by_test_id("replay-page")).to_be_visible()
    await expect(iv.get_by_test_id("replay-file")).to_have_value("main.py")
    tracks = iv.get_by_test_id("replay-track")
    await expect(tracks).to_have_count(2)
    await expect(iv.get_by_test_id("replay-tracks")).to_contain_text(candidate_name)
    await expect(iv.get_by_test_id("replay-tracks")).to_contain_text(INTERVIEWER[2])
    await expect(iv.get_by_test_id("replay-paste-mark")).to_have_count(1)
    await expect(iv.get_by_test_id("replay-idle-mark").first).to_be_attached()
    position = iv.get_by_test_id("replay-position")
    await expect(position).to_have_attribute("data-step", "0")
    await iv.get_by_test_id("replay-speed").select_option("32")
    await iv.get_by_test_id("replay-play").click()
    await expect(iv.get_by_test_id("replay-play")).to_have_attribute("data-playing", "true")
    # passing the paste says so for a moment
    await expect(iv.get_by_test_id("replay-paste-badge")).to_be_visible(timeout=60_000)
    await expect(position).to_have_attribute("data-at-end", "true", timeout=60_000)
    await expect(iv.get_by_test_id("replay-play")).to_have_attribute("data-playing", "false")
    steps = await position.get_attribute("data-steps")
    await expect(position).to_have_attribute("data-step", steps or "")
    replayed = iv.get_by_test_id("replay-editor").locator(".cm-line")
    shown = "\n".join(await replayed.all_text_contents())
    assert shown == FINAL_TEXT, shown
    # back to the paste: it is flagged there
    await iv.get_by_test_id("replay-paste-mark").click()
    await expect(iv.get_by_test_id("replay-paste-badge")).to_contain_text(INTERVIEWER[2])
    await iv.get_by_test_id("replay-play").click()
    await expect(position).to_have_attribute("data-at-end", "true", timeout=60_000)
    await iv.screenshot(path=str(ARTIFACTS / "room-replay.png"))

    # the candidate's home lists the ended interview, and leads back into its room
    await cand.goto(base + "/")
    listed = cand.locator(f'[data-testid="interview-item"][data-room-id="{room_id}"]')
    await expect(listed).to_have_attribute("data-status", "ended")
    await expect(listed).to_contain_text("Pair programming: sums")
    await expect(listed.get_by_test_id("interview-organisation")).to_have_text(DEMO_ORGANISATION)
    await cand.screenshot(path=str(ARTIFACTS / "candidate-interviews.png"))
    await listed.get_by_test_id("interview-open").click()
    await expect(cand.get_by_test_id("room-page")).to_have_attribute("data-status", "ended")

    # the candidate may not open the replay
    await cand.goto(f"{base}/rooms/{room_id}/replay")
    await expect(cand.get_by_test_id("forbidden")).to_be_visible()
    await cand_context.close()
    await iv_context.close()


SLOW_PRINTER = 'import time\nfor i in range(4): print(f"tick {i}", flush=True); time.sleep(0.8)'


async def test_a_runs_output_shows_while_it_runs(server, browser):
    """What a run prints shows in the room as it prints, and the result then replaces it."""
    base = server.url
    context, page = await new_instant_room(browser, base, "Live output")
    await page.get_by_test_id("open-room").click()
    await wait_synced(page)
    await editor(page).locator(".cm-content").click()
    await page.keyboard.insert_text(SLOW_PRINTER)
    await page.get_by_test_id("run-code").click()
    # the first line, while the program is still sleeping through the others
    live = page.get_by_test_id("run-live-stdout")
    await expect(live).to_contain_text("tick 0", timeout=JUDGED)
    output = page.get_by_test_id("run-output")
    assert await output.get_attribute("data-state") == "running"
    await expect(live).to_contain_text("tick 1", timeout=LIVE)
    # then the whole result
    await expect(output).to_have_attribute("data-state", "done", timeout=JUDGED)
    await expect(output).to_have_attribute("data-verdict", "AC")
    await expect(page.get_by_test_id("run-stdout")).to_have_text(
        "tick 0\ntick 1\ntick 2\ntick 3", use_inner_text=True
    )
    await context.close()
