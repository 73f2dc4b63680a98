"""The screening funnel in Debian's Chromium, driven by Playwright, against `sobes serve`.

A new candidate finds the demo back-end vacancy on the board, starts its assessment, types
the reference solutions of two tasks into the CodeMirror editor (running the first on its
samples, then submitting both until they are accepted), answers the quiz from the answer
keys, finishes and sees the score. Meanwhile a recruiter keeps that vacancy's dashboard open
in a second browser context: the candidate appears and moves to `passed` there without a
reload. The recruiter then reads the candidate's report and moves them on with a reason.
Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.async_api import Page, expect

from server.demo_content import QUESTIONS, TASKS
from tests.browser.conftest import sign_in
from tests.conftest import ARTIFACTS

VACANCY = "Python back-end developer"
TRACK = "Python back end"
HR = ("hr@demo.sobes.dev", "demo-hr-pass")
SOLUTIONS = {task["title"]: task["solution"] for task in TASKS}
KEYS = {question["prompt"]: question["answer_key"] for question in QUESTIONS}
JUDGED = 90_000  # ms: a verdict, with the sandbox starting cold


@pytest.fixture
def server(demo_server):
    return demo_server


async def open_task(page: Page, title: str) -> Any:
    """Switch to the task's tab; returns its panel."""
    await page.locator('[data-testid="attempt-tab"][data-kind="task"]', has_text=title).click()
    panel = page.locator('[data-testid="task-panel"]:not([hidden])')
    await expect(panel.get_by_test_id("task-title")).to_have_attribute("data-title", title)
    return panel


async def type_solution(page: Page, panel: Any, source: str) -> None:
    """Replace the editor's text with `source`, as typing (through the DOM) would."""
    await panel.get_by_test_id("language-choice").select_option("python3")
    await expect(panel.get_by_test_id("code-editor")).to_have_attribute("data-language", "python3")
    content = panel.locator(".cm-content")
    await content.click()
    await page.keyboard.press("Control+A")
    await page.keyboard.press("Delete")
    await content.fill(source)
    # the draft is saved on the server after a short pause in typing
    await expect(panel.get_by_test_id("draft-state")).to_have_attribute(
        "data-state", "saved", timeout=10_000
    )


async def test_candidate_takes_an_assessment_while_hr_watches_live(server, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    base = server.url
    email = f"grace-{uuid.uuid4().hex[:8]}@example.com"

    # -- a recruiter opens the vacancy's dashboard and keeps it open ---------------------------
    hr_context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    hr = await hr_context.new_page()
    await sign_in(hr, base, *HR)
    await hr.get_by_test_id("nav-hr").click()
    await hr.get_by_test_id("hr-vacancies").get_by_role("link", name=VACANCY).click()
    await expect(hr.get_by_test_id("dashboard-title")).to_have_text(VACANCY)
    await expect(hr.get_by_test_id("funnel")).to_be_visible()
    await expect(hr.get_by_test_id("socket-state")).to_have_attribute("data-state", "connected")
    row = hr.locator(f'[data-testid="candidate-row"][data-email="{email}"]')
    await expect(row).to_have_count(0)
    vacancy_id = hr.url.rsplit("/", 1)[1]

    # someone else gave up at once (through the API): the dashboard shows them too, live
    other = await browser.new_context()
    quitter = f"quitter-{uuid.uuid4().hex[:8]}@example.com"
    answer = await other.request.post(
        base + "/api/v1/auth/register",
        data={"email": quitter, "password": "not my day today", "full_name": "Quentin Quit"},
    )
    assert answer.status == 201, await answer.text()
    answer = await other.request.post(f"{base}/api/v1/vacancies/{vacancy_id}/attempts")
    assert answer.status == 201, await answer.text()
    started = await answer.json()
    answer = await other.request.post(f"{base}/api/v1/attempts/{started['id']}/finish")
    assert (await answer.json())["result"]["passed"] is False
    await other.close()
    quit_row = hr.locator(f'[data-testid="candidate-row"][data-email="{quitter}"]')
    await expect(quit_row.get_by_test_id("stage-cell")).to_have_attribute(
        "data-stage", "not_passed", timeout=15_000
    )

    # -- a new candidate finds the vacancy on the board ----------------------------------------
    context = await browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    page = await context.new_page()
    registered = await context.request.post(
        base + "/api/v1/auth/register",
        data={"email": email, "password": "notes on the engine", "full_name": "Grace Hopper"},
    )
    assert registered.status == 201, await registered.text()
    await page.goto(base + "/")
    await expect(page.get_by_test_id("assessments-card")).to_be_visible()
    await page.get_by_test_id("home-board-link").click()
    await expect(page).to_have_url(re.compile(r"/vacancies$"))
    await page.get_by_test_id("board-track-filter").select_option(label=TRACK)
    await expect(page).to_have_url(re.compile(r"/vacancies\?track="))
    cards = page.get_by_test_id("vacancy-card")
    await expect(cards).to_have_count(1)
    await page.screenshot(path=str(ARTIFACTS / "screening-board.png"))
    await cards.get_by_role("link", name=VACANCY).click()
    await expect(page.get_by_test_id("vacancy-title")).to_have_text(VACANCY)
    await expect(page.get_by_test_id("vacancy-tasks")).to_have_text("3")
    await expect(page.get_by_test_id("vacancy-pass-mark")).to_contain_text("60%")
    await expect(page.get_by_test_id("start-note")).to_contain_text("The timer starts at once")
    await page.get_by_test_id("start-attempt").click()

    # -- the assessment: a count-down from the server's deadline -------------------------------
    await expect(page).to_have_url(re.compile(r"/attempts/[0-9a-f-]{36}"))
    timer = page.get_by_test_id("attempt-timer")
    await expect(timer).to_be_visible()
    remaining = int(await timer.get_attribute("data-remaining") or 0)
    assert 85 * 60 < remaining <= 90 * 60, remaining
    await expect(timer).to_have_attribute("data-warning", "false")
    await expect(page.get_by_test_id("integrity-notice")).to_contain_text("never decide")

    # the recruiter sees the candidate arrive, without a reload
    await expect(row).to_have_count(1, timeout=15_000)
    await expect(row.get_by_test_id("stage-cell")).to_have_attribute("data-stage", "started")

    # the first task: a paste and a lost focus are recorded, then the reference solution
    first = await open_task(page, "Merge intervals")
    await first.locator(".cm-content").click()
    await first.locator(".cm-content").evaluate(
        """(el) => {
            const data = new DataTransfer()
            data.setData('text/plain', 'print("pasted")')
            el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }))
        }"""
    )
    await page.evaluate("() => { window.dispatchEvent(new Event('blur')) }")
    await page.evaluate("() => { window.dispatchEvent(new Event('focus')) }")
    await type_solution(page, first, SOLUTIONS["Merge intervals"])

    await first.get_by_test_id("run-samples").click()
    run = first.get_by_test_id("run-verdict")
    await expect(run).to_have_attribute("data-status", "done", timeout=JUDGED)
    await expect(run).to_have_attribute("data-verdict", "AC")
    await expect(run.get_by_test_id("verdict-row").first).to_have_attribute("data-verdict", "AC")
    await expect(run.get_by_test_id("test-stdout").first).to_contain_text("1 6")
    await expect(run.get_by_test_id("test-expected").first).to_contain_text("1 6")

    await first.get_by_test_id("submit-solution").click()
    verdict = first.get_by_test_id("submission-verdict")
    await expect(verdict).to_have_attribute("data-status", "done", timeout=JUDGED)
    await expect(verdict).to_have_attribute("data-verdict", "AC")
    await expect(verdict.get_by_test_id("submission-score")).to_have_text("100 / 100 points")
    table = verdict.get_by_test_id("verdict-table")
    await expect(
        table.locator('[data-testid="verdict-row"]:not([data-verdict="AC"])')
    ).to_have_count(0)
    await expect(first.get_by_test_id("best-score")).to_have_attribute("data-score", "100")
    # a tall window for the picture: the editor, the sample run and the submission's tests
    await page.set_viewport_size({"width": 1280, "height": 1700})
    await first.locator(".editor-bar").evaluate(
        "(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 150)"
    )
    await page.screenshot(path=str(ARTIFACTS / "screening-editor-verdicts.png"))
    await page.set_viewport_size({"width": 1280, "height": 1000})

    # the second task, straight to a submission
    second = await open_task(page, "LRU cache")
    await type_solution(page, second, SOLUTIONS["LRU cache"])
    await second.get_by_test_id("submit-solution").click()
    await expect(second.get_by_test_id("submission-verdict")).to_have_attribute(
        "data-verdict", "AC", timeout=JUDGED
    )
    await expect(second.get_by_test_id("best-score")).to_have_attribute("data-score", "100")

    # the quiz, answered from the keys; each answer is saved as it changes
    await page.locator('[data-testid="attempt-tab"][data-kind="quiz"]').click()
    attempt_id = page.url.split("/attempts/", 1)[1].split("?", 1)[0]
    answer = await context.request.get(f"{base}/api/v1/attempts/{attempt_id}")
    questions = (await answer.json())["questions"]
    assert questions, "the demo vacancy draws quiz questions"
    for question in questions:
        key = KEYS[question["prompt"]]
        item = page.locator(
            f'[data-testid="quiz-question"][data-position="{question["position"]}"]'
        )
        if question["kind"] == "single":
            await item.get_by_role("radio").nth(key["correct"]).check()
        elif question["kind"] == "multiple":
            for index in key["correct"]:
                await item.get_by_role("checkbox").nth(index).check()
        elif question["kind"] == "text":
            await item.get_by_test_id("quiz-input").fill(key["accepted"][0])
        else:
            await item.get_by_test_id("quiz-input").fill(str(key["value"]))
        await expect(item.get_by_test_id("answer-state")).to_have_attribute("data-state", "saved")
    await expect(page.get_by_test_id("quiz-progress")).to_have_text(
        f"{len(questions)} of {len(questions)} answered"
    )

    # the recruiter's row has counted the integrity signals (neutral marks, no verdict)
    await expect(row.get_by_test_id("integrity-badge")).to_be_visible(timeout=20_000)

    # finish, after the confirmation
    await page.get_by_test_id("finish-attempt").click()
    dialog = page.get_by_test_id("finish-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("1 task has no submission yet")
    await page.get_by_test_id("finish-confirm").click()
    result = page.get_by_test_id("attempt-result")
    await expect(result).to_have_attribute("data-state", "ready")
    # tasks weighted 2, 3, 3 and the quiz 2: (2 + 3 + 2) / 10 of the whole
    await expect(page.get_by_test_id("result-total")).to_have_attribute("data-score", "70")
    await expect(page.get_by_test_id("result-passed")).to_have_attribute("data-passed", "true")
    await expect(page.get_by_test_id("attempt-timer")).to_have_count(0)
    await page.screenshot(path=str(ARTIFACTS / "screening-result.png"))

    # a reload (or another device) shows the same, from the server
    await page.reload()
    await expect(page.get_by_test_id("result-total")).to_have_attribute("data-score", "70")
    await page.goto(base + "/")
    item = page.get_by_test_id("attempt-item")
    await expect(item).to_have_attribute("data-status", "finished")
    await expect(item.get_by_test_id("attempt-item-score")).to_have_text("70%")

    # -- the recruiter's dashboard moved on by itself ------------------------------------------
    await expect(row.get_by_test_id("stage-cell")).to_have_attribute(
        "data-stage", "passed", timeout=15_000
    )
    await expect(row.get_by_test_id("score-cell")).to_have_text("70%")
    passed = hr.locator('[data-testid="funnel-stage"][data-stage="passed"]')
    await expect(passed).to_have_attribute("data-count", re.compile(r"^[1-9]"))
    await expect(hr.get_by_test_id("candidate-row")).to_have_count(2)
    await hr.wait_for_timeout(3_000)  # the highlight of the rows that just changed fades
    await hr.evaluate("window.scrollTo(0, 0)")
    await hr.screenshot(path=str(ARTIFACTS / "screening-hr-dashboard.png"), full_page=True)

    # the report: code with verdicts, quiz against the keys, signals with the server's note
    await row.get_by_role("link", name="Grace Hopper").click()
    await expect(hr.get_by_test_id("report-email")).to_have_text(email)
    await expect(hr.get_by_test_id("report-stage")).to_have_attribute("data-stage", "passed")
    accepted = hr.locator('[data-testid="report-submission"][data-verdict="AC"]')
    await expect(accepted.first).to_be_visible()
    await expect(hr.get_by_test_id("report-code").first).to_contain_text("import sys")
    await expect(
        hr.get_by_test_id("report-verdicts").first.get_by_test_id("verdict-table")
    ).to_be_visible()
    await expect(hr.get_by_test_id("report-question")).to_have_count(len(questions))
    await expect(hr.get_by_test_id("signals-note")).to_contain_text("no ground to reject")
    for kind in ("paste", "focus_lost"):
        signal = hr.locator(f'[data-testid="signal-row"][data-kind="{kind}"]')
        await expect(signal.first).to_be_visible()
    # a tall window rather than a full-page capture, which the editor has no time to lay out for
    await hr.set_viewport_size({"width": 1280, "height": 1900})
    await hr.evaluate("window.scrollTo(0, 0)")
    await hr.wait_for_timeout(300)
    await hr.screenshot(path=str(ARTIFACTS / "screening-report.png"))
    await hr.set_viewport_size({"width": 1280, "height": 1000})

    # a stage change needs a reason, and is shown at once
    await hr.get_by_test_id("stage-select").select_option("interview_scheduled")
    await hr.get_by_test_id("stage-submit").click()
    await expect(hr.locator("#stage-reason-error")).to_be_visible()
    await hr.get_by_test_id("stage-reason").fill(
        "Strong solutions; invite to a technical interview"
    )
    await hr.get_by_test_id("stage-submit").click()
    await expect(hr.get_by_test_id("report-stage")).to_have_attribute(
        "data-stage", "interview_scheduled"
    )
    await context.close()
    await hr_context.close()


# The page's clock runs two hours ahead of the real one: the count-down must not care.
SKEWED_CLOCK = """
(() => {
  const skew = 2 * 3600 * 1000
  const RealDate = Date
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + skew)
      else super(...args)
    }
    static now() {
      return RealDate.now() + skew
    }
  }
  globalThis.Date = SkewedDate
})()
"""


# A page whose monotonic clock runs at half speed: its count-down lags behind the server's.
SLOW_CLOCK = """
(() => {
  const real = performance.now.bind(performance)
  const start = real()
  performance.now = () => start + (real() - start) / 2
})()
"""


async def test_the_server_clock_ends_an_attempt_at_its_deadline(server, browser):
    """A one-minute vacancy made in the authoring form; the candidate's clock is off by two
    hours, yet the timer counts the server's minute, warns, and at zero the page shows the
    result of the attempt the server closed. A second tab whose timer lags (and that has no
    live connection) learns it from the server's 409 on its next answer."""
    ARTIFACTS.mkdir(exist_ok=True)
    base = server.url
    title = f"Speed round {uuid.uuid4().hex[:6]}"

    hr_context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    hr = await hr_context.new_page()
    await sign_in(hr, base, *HR)
    await hr.goto(base + "/hr/vacancies/new")
    form = hr.get_by_test_id("vacancy-form")
    await form.get_by_label("Title").fill(title)
    await form.get_by_label("Description").fill("Two quick questions.")
    await form.get_by_label("Track").select_option(label=TRACK)
    await form.get_by_label("Status").select_option("open")
    await form.get_by_label("Pass mark, %").fill("50")
    await form.get_by_label("Time, minutes").fill("1")
    await form.get_by_label("Quiz questions per attempt").fill("2")
    await form.get_by_label("Quiz weight").fill("1")
    await form.get_by_role("checkbox", name=re.compile(r"^Python 3")).check()
    await form.get_by_test_id("vacancy-form-submit").click()
    await expect(hr.get_by_test_id("dashboard-title")).to_have_text(title)
    vacancy_url = hr.url.replace("/hr/vacancies/", "/vacancies/")
    await hr_context.close()

    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(SKEWED_CLOCK)
    page = await context.new_page()
    registered = await context.request.post(
        base + "/api/v1/auth/register",
        data={
            "email": f"ada-{uuid.uuid4().hex[:8]}@example.com",
            "password": "analytical engine",
            "full_name": "Ada Lovelace",
        },
    )
    assert registered.status == 201, await registered.text()
    await page.goto(vacancy_url)
    await expect(page.get_by_test_id("vacancy-duration")).to_have_text("1 minute")
    await page.get_by_test_id("start-attempt").click()

    timer = page.get_by_test_id("attempt-timer")
    await expect(timer).to_be_visible()
    remaining = int(await timer.get_attribute("data-remaining") or 0)
    assert 45 <= remaining <= 60, remaining
    await expect(timer).to_have_attribute("data-warning", "true")
    await expect(timer).to_have_class(re.compile(r"timer--warn"))
    await page.screenshot(path=str(ARTIFACTS / "screening-timer-warning.png"))

    # the same attempt in a lagging tab with no Socket.IO: it will hear of the end by a 409
    lagging_context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, storage_state=await context.storage_state()
    )
    await lagging_context.add_init_script(SLOW_CLOCK)
    await lagging_context.route("**/socket.io/**", lambda route: route.abort())

    async def silent(ws: Any) -> None:
        """A WebSocket that never reaches the server and never answers."""

    await lagging_context.route_web_socket(re.compile(r"/socket\.io/"), silent)
    lagging = await lagging_context.new_page()
    refused: list[str] = []
    lagging.on("response", lambda r: refused.append(r.url) if r.status == 409 else None)
    await lagging.goto(page.url)
    await expect(lagging.get_by_test_id("attempt-timer")).to_be_visible()

    # the quiz is the whole assessment here; one answer is saved before the time runs out
    quiz = page.get_by_test_id("quiz-panel")
    await expect(quiz).to_be_visible()
    first = quiz.get_by_test_id("quiz-question").first
    if await first.get_attribute("data-kind") in ("single", "multiple"):
        await first.locator("input").first.check()
    else:
        await first.get_by_test_id("quiz-input").fill("42")
    await expect(first.get_by_test_id("answer-state")).to_have_attribute("data-state", "saved")

    # at zero the page asks the server, which has closed the attempt by its own clock
    result = page.get_by_test_id("attempt-result")
    await expect(result).to_have_attribute("data-state", "ready", timeout=90_000)
    await expect(page.get_by_test_id("attempt-page")).to_have_attribute("data-status", "finished")
    await expect(result).to_contain_text("Finished when the time ran out")
    await expect(page.get_by_test_id("attempt-timer")).to_have_count(0)

    # the lagging tab still counts down, till its next request to the server (an answer, or
    # the integrity events it sends every few seconds) is refused: then it shows the result
    late_timer = lagging.get_by_test_id("attempt-timer")
    if await late_timer.count():
        last = lagging.get_by_test_id("quiz-question").last
        if await last.get_attribute("data-kind") in ("single", "multiple"):
            await last.locator("input").first.check()
        else:
            await last.get_by_test_id("quiz-input").fill("7")
            await last.get_by_test_id("quiz-input").blur()
    await expect(lagging.get_by_test_id("attempt-over")).to_contain_text("over")
    await expect(lagging.get_by_test_id("attempt-result")).to_have_attribute("data-state", "ready")
    await expect(late_timer).to_have_count(0)
    assert refused, "the lagging tab learnt of the end from a 409"
    await lagging.screenshot(path=str(ARTIFACTS / "screening-attempt-over.png"))
    await lagging_context.close()
    await context.close()
