"""The screening demo content: real tasks judged by the real judge, sound quiz keys, a loader
that creates it all once.

The tasks are judged as ``sobes demo-data`` stores them: loaded into a database of this
module's own, then read back with ``server.tasks.load_task``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from judge.checkers import CheckerSpec
from judge.languages import LANGUAGES
from judge.limits import Limits
from judge.runner import Judge, Judgement, TaskSpec
from judge.verdicts import Verdict
from server.demo import DEMO_ACCOUNTS, DEMO_ORGANISATION, DEMO_TASK_TITLE, load_demo_data
from server.demo_content import QUESTIONS, TASKS, TRACKS, VACANCIES, task_groups
from server.screening.scoring import answer_credit, check_question
from server.storage.migrations import migrate
from server.tasks import load_task
from tests.conftest import connect

TITLES = [task["title"] for task in TASKS]
STARTER_LANGUAGES = ("python3", "javascript", "cpp", "java")
TABLES = (
    "organisations",
    "users",
    "tracks",
    "tasks",
    "task_groups",
    "task_tests",
    "quiz_questions",
    "vacancies",
    "vacancy_tasks",
)


def by_title(title: str) -> dict[str, Any]:
    return next(task for task in TASKS if task["title"] == title)


# -- the database and the judge's verdicts, computed once for the module ----------------------


@pytest.fixture(scope="module")
async def demo_database(scratch_databases: Any) -> tuple[str, list[str]]:
    """A database of its own (the board of the shared one stays as other tests expect it)."""
    url = await scratch_databases("demo")
    conn = await connect(url)
    try:
        await migrate(conn)
        first = await load_demo_data(conn)
    finally:
        await conn.close()
    return url, first


@pytest.fixture(scope="module")
async def stored_tasks(demo_database: tuple[str, list[str]]) -> dict[str, TaskSpec]:
    url, _ = demo_database
    conn = await connect(url)
    try:
        rows = await conn.fetch("SELECT id, title FROM tasks WHERE title = ANY($1::text[])", TITLES)
        specs = {row["title"]: await load_task(conn, row["id"]) for row in rows}
    finally:
        await conn.close()
    assert set(specs) == set(TITLES)
    return {title: spec for title, spec in specs.items() if spec is not None}


@pytest.fixture(scope="module")
def judgements(stored_tasks: dict[str, TaskSpec]) -> dict[tuple[str, str], Judgement]:
    """Every program of every task, judged in the sandbox, two at a time."""
    jobs: dict[tuple[str, str], tuple[TaskSpec, str, str]] = {}
    for task in TASKS:
        title = task["title"]
        spec = stored_tasks[title]
        large = tuple(group for group in spec.groups if group.name == "large")
        # the slow program only on the large tests, stopping at its first failure
        jobs[title, "slow"] = (
            dataclasses.replace(spec, groups=large, stop_on_first_failure=True),
            "python3",
            task["slow_solution"],
        )
        jobs[title, "solution"] = (spec, "python3", task["solution"])
        jobs[title, "wrong"] = (spec, "python3", task["wrong_solution"])
        samples = dataclasses.replace(spec, groups=spec.groups[:1])
        for language, code in task["starter_code"].items():
            jobs[title, f"starter:{language}"] = (samples, language, code)
    judge = Judge()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {key: pool.submit(judge.judge, *job) for key, job in jobs.items()}
            return {key: future.result() for key, future in futures.items()}
    finally:
        judge.sandbox.close()


def failures(judgement: Judgement) -> list[str]:
    return [
        f"{t.name}: {t.verdict.value} {t.cpu_ms} ms {t.message}"
        for t in judgement.tests
        if t.verdict is not Verdict.AC
    ]


# -- (a) the programs, through the real judge --------------------------------------------------


@pytest.mark.parametrize("title", TITLES)
def test_the_reference_solution_scores_full_marks(judgements, title):
    judgement = judgements[title, "solution"]
    assert (judgement.verdict, judgement.score, judgement.max_score) == (Verdict.AC, 100, 100), (
        judgement.compile_output,
        failures(judgement),
    )
    # How much room the limit leaves depends on the machine: bench/judge.py prints it (e).


@pytest.mark.parametrize("title", TITLES)
def test_the_wrong_solution_earns_part_of_the_points(judgements, title):
    judgement = judgements[title, "wrong"]
    assert judgement.verdict not in (Verdict.CE, Verdict.SE), judgement.compile_output
    assert 0 < judgement.score < judgement.max_score == 100, [
        (g.name, g.earned, g.verdict.value) for g in judgement.groups
    ]


@pytest.mark.parametrize("title", TITLES)
def test_a_too_slow_solution_runs_out_of_time_on_the_large_tests(judgements, title):
    judgement = judgements[title, "slow"]
    (large,) = judgement.groups
    assert (large.name, large.earned) == ("large", 0)
    # out of CPU time, or of wall time when the machine is busy enough to starve it
    assert large.verdict in (Verdict.TLE, Verdict.WLE), failures(judgement)


@pytest.mark.parametrize("language", STARTER_LANGUAGES)
@pytest.mark.parametrize("title", TITLES)
def test_starter_code_reads_the_input_and_leaves_the_solving_to_the_candidate(
    judgements, title, language
):
    judgement = judgements[title, f"starter:{language}"]
    assert judgement.verdict is not Verdict.CE, judgement.compile_output
    # it runs to its end on every example (no crash, no timeout) and answers none of them
    assert judgement.tests
    assert [t.verdict for t in judgement.tests] == [Verdict.WA] * len(judgement.tests), [
        (t.name, t.verdict.value, t.stderr) for t in judgement.tests
    ]


def test_every_task_has_starter_code_for_the_four_languages():
    for task in TASKS:
        assert set(task["starter_code"]) == set(STARTER_LANGUAGES), task["title"]
        assert all(code.strip() and "TODO" in code for code in task["starter_code"].values())


# -- (b) statements and their examples ---------------------------------------------------------

EXAMPLE_SECTION = re.compile(r"^## Examples?\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)
EXAMPLE_BLOCK = re.compile(r"^(Input|Output):\n\n```text\n(.*?)```\n", re.MULTILINE | re.DOTALL)


def examples_of(statement: str) -> list[tuple[str, str]]:
    (section,) = EXAMPLE_SECTION.findall(statement)
    blocks = EXAMPLE_BLOCK.findall(section)
    assert [label for label, _ in blocks] == ["Input", "Output"] * (len(blocks) // 2)
    return [(blocks[i][1], blocks[i + 1][1]) for i in range(0, len(blocks), 2)]


@pytest.mark.parametrize("title", TITLES)
def test_the_examples_in_the_statement_are_the_visible_tests(title):
    task = by_title(title)
    statement = task["statement"]
    for heading in ("## Input", "## Output", "## Constraints"):
        assert f"\n{heading}\n" in statement, heading
    examples = examples_of(statement)
    visible = [
        (test["input"], test["answer"])
        for group in task_groups(task)
        for test in group["tests"]
        if test["visible"]
    ]
    assert examples, "the statement shows no example"
    assert examples == visible


def test_examples_are_read_from_the_statement_exactly():
    """The parser above really compares: a changed example no longer matches."""
    task = by_title("Merge intervals")
    altered = task["statement"].replace("15 18\n```", "15 19\n```")
    assert altered != task["statement"]
    visible = [(t["input"], t["answer"]) for t in task_groups(task)[0]["tests"]]
    assert examples_of(altered) != visible


@pytest.mark.parametrize("title", TITLES)
def test_groups_samples_first_then_hidden_tests_worth_one_hundred(title):
    task = by_title(title)
    groups = task_groups(task)
    samples, hidden = groups[0], groups[1:]
    assert (samples["name"], samples["points"]) == ("samples", 0)
    assert samples["tests"] and all(test["visible"] for test in samples["tests"])
    assert sum(group["points"] for group in hidden) == 100
    assert all(group["points"] > 0 and group["tests"] for group in hidden)
    assert not any(test["visible"] for group in hidden for test in group["tests"])
    assert "large" in [group["name"] for group in hidden]
    names = [test["name"] for group in groups for test in group["tests"]]
    assert len(names) == len(set(names))
    assert 10 <= len(names) <= 25
    assert all(test["input"].endswith("\n") for group in groups for test in group["tests"])
    Limits(**task["limits"])
    CheckerSpec(**task["checker"])
    assert task["track"] in {track["slug"] for track in TRACKS}


DIGEST = """
import hashlib, json
from server.demo_content import TASKS, task_groups
print(hashlib.sha256(json.dumps([task_groups(task) for task in TASKS]).encode()).hexdigest())
"""


def test_tests_are_generated_the_same_in_every_process():
    """Fixed seeds, and nothing that hangs on hash order (another PYTHONHASHSEED there)."""
    here = hashlib.sha256(json.dumps([task_groups(task) for task in TASKS]).encode()).hexdigest()
    there = subprocess.run(
        [sys.executable, "-c", DIGEST],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert there.stdout.strip() == here


# What each statement's Constraints section promises, checked on every test of the task.


def words_input(text: str) -> None:
    first, _, rest = text.partition("\n")
    assert 1 <= int(first) <= 10**5
    assert rest.isascii() and len(rest) <= 2 * 10**6


def brackets_input(text: str) -> None:
    lines = text.split("\n")
    n = int(lines[0])
    assert 1 <= n <= 10**5 and len(lines) == n + 2 and lines[-1] == ""
    body = lines[1:-1]
    assert sum(map(len, body)) <= 10**6
    assert all(line.isascii() and line.isprintable() and line == line.strip() for line in body)


def debounce_input(text: str) -> None:
    lines = text.split("\n")
    n, d = map(int, lines[0].split())
    assert 1 <= n <= 2 * 10**5 and 1 <= d <= 10**9 and len(lines) == n + 2
    events = [line.split() for line in lines[1:-1]]
    times = [int(t) for t, _ in events]
    assert times == sorted(times) and times[0] >= 0 and times[-1] <= 10**12
    assert all(re.fullmatch("[a-z]{1,20}", query) for _, query in events)


def intervals_input(text: str) -> None:
    numbers = list(map(int, text.split()))
    n = numbers[0]
    assert 1 <= n <= 2 * 10**5 and len(numbers) == 2 * n + 1
    pairs = zip(numbers[1::2], numbers[2::2], strict=True)
    assert all(-(10**9) <= left <= right <= 10**9 for left, right in pairs)


def maze_input(text: str) -> None:
    lines = text.split("\n")
    n, m = map(int, lines[0].split())
    assert 1 <= n <= 500 and 1 <= m <= 500 and n * m >= 2 and len(lines) == n + 2
    grid = "".join(lines[1:-1])
    assert all(len(row) == m for row in lines[1:-1]) and set(grid) <= set(".#SE")
    assert grid.count("S") == grid.count("E") == 1


def lru_input(text: str) -> None:
    lines = text.split("\n")
    c, q = map(int, lines[0].split())
    assert 1 <= c <= 10**5 and 1 <= q <= 2 * 10**5 and len(lines) == q + 2
    operations = [line.split() for line in lines[1:-1]]
    assert any(op[0] == "GET" for op in operations)
    for op in operations:
        assert re.fullmatch("[a-z0-9]{1,10}", op[1])
        assert (op[0], len(op)) in (("GET", 2), ("PUT", 3))
        assert op[0] == "GET" or 0 <= int(op[2]) <= 10**9


def log_input(text: str) -> None:
    lines = text.split("\n")
    assert len(lines) - 1 <= 2 * 10**5 and len(text.encode()) <= 16 * 2**20
    for line in lines:
        if line.startswith("{"):
            record = json.loads(line)
            assert re.fullmatch("[a-z][a-z0-9-]{0,31}", record["service"])
            assert type(record["status"]) is int and 0 <= record["ms"] <= 10**6
            assert not re.search(r":\s*[0-9.]+[eE]", line)  # numbers in plain decimals
            strings = [v for v in record.values() if isinstance(v, str)]
            assert not any('"' in v or "\\" in v for v in strings)


CONSTRAINTS = {
    "Word frequency": words_input,
    "Balanced brackets": brackets_input,
    "Debounced search": debounce_input,
    "Merge intervals": intervals_input,
    "Shortest path in a maze": maze_input,
    "LRU cache": lru_input,
    "Service latency report": log_input,
}


@pytest.mark.parametrize("title", TITLES)
def test_every_test_keeps_to_the_statements_constraints(title):
    check = CONSTRAINTS[title]
    for group in task_groups(by_title(title)):
        for test in group["tests"]:
            try:
                check(test["input"])
            except (AssertionError, ValueError) as exc:
                raise AssertionError(f"{test['name']} breaks the constraints") from exc


def test_tasks_rise_in_difficulty_and_one_is_checked_with_a_tolerance():
    order = ["easy", "medium", "hard"]
    ranks = [order.index(task["difficulty"]) for task in TASKS]
    assert ranks == sorted(ranks)
    assert len(set(TITLES)) == len(TITLES) and DEMO_TASK_TITLE not in TITLES
    assert Counter(task["checker"]["kind"] for task in TASKS)["float"] >= 1


# -- (c) the quiz pool -------------------------------------------------------------------------


def right_answer(question: dict[str, Any]) -> dict[str, Any]:
    key = question["answer_key"]
    return {
        "single": lambda: {"choice": key["correct"]},
        "multiple": lambda: {"choices": key["correct"]},
        "text": lambda: {"text": key["accepted"][0]},
        "numeric": lambda: {"value": key["value"]},
    }[question["kind"]]()


def wrong_answer(question: dict[str, Any]) -> dict[str, Any]:
    key, options = question["answer_key"], question["options"]
    if question["kind"] == "single":
        return {"choice": (key["correct"] + 1) % len(options)}
    if question["kind"] == "multiple":
        extra = next(i for i in range(len(options)) if i not in key["correct"])
        return {"choices": [*key["correct"], extra]}
    if question["kind"] == "text":
        return {"text": "certainly not the answer"}
    return {"value": key["value"] + key["tolerance"] + 1}


@pytest.mark.parametrize("index", range(len(QUESTIONS)))
def test_question_keys_fit_their_kind(index):
    question = QUESTIONS[index]
    kind, options, key = question["kind"], question["options"], question["answer_key"]
    assert question["track"] in {track["slug"] for track in TRACKS}
    assert 1 <= question["points"] <= 3
    assert 0 < len(question["prompt"]) <= 4000
    if kind in ("single", "multiple"):
        assert len(options) >= 2 and len(set(options)) == len(options)
        assert all(isinstance(option, str) and option.strip() for option in options)
        if kind == "single":
            assert set(key) == {"correct"}
            assert type(key["correct"]) is int and 0 <= key["correct"] < len(options)
        else:
            assert set(key) == {"correct"}
            correct = key["correct"]
            assert all(type(i) is int and 0 <= i < len(options) for i in correct)
            assert correct == sorted(set(correct)) and 0 < len(correct) < len(options)
    elif kind == "text":
        assert options == []
        assert set(key) == {"accepted", "pattern", "case_sensitive"}
        assert key["accepted"] and all(isinstance(a, str) and a.strip() for a in key["accepted"])
        assert isinstance(key["case_sensitive"], bool)
        if key["pattern"] is not None:
            flags = 0 if key["case_sensitive"] else re.IGNORECASE
            assert all(re.fullmatch(key["pattern"], a, flags) for a in key["accepted"])
    else:
        assert kind == "numeric" and options == []
        assert set(key) == {"value", "tolerance"}
        assert isinstance(key["value"], int | float) and not isinstance(key["value"], bool)
        assert math.isfinite(key["value"]) and key["tolerance"] >= 0
    # the screening API's own validation and scoring agree
    check_question(kind, options, key)
    assert answer_credit(kind, key, right_answer(question)) == 1.0
    assert answer_credit(kind, key, wrong_answer(question)) < 1.0


def test_the_quiz_pools():
    per_track = Counter(question["track"] for question in QUESTIONS)
    assert per_track["python-backend"] >= 12 and per_track["frontend"] >= 12
    for slug in ("python-backend", "frontend"):
        kinds = {q["kind"] for q in QUESTIONS if q["track"] == slug}
        assert kinds == {"single", "multiple", "text", "numeric"}, slug
    prompts = [(question["track"], question["prompt"]) for question in QUESTIONS]
    assert len(set(prompts)) == len(prompts)


# -- (d) how much there is, and vacancies that hold together -----------------------------------


def test_counts():
    assert len(TRACKS) >= 2
    assert len(TASKS) >= 6
    assert len(QUESTIONS) >= 30
    assert sum(vacancy["status"] == "open" for vacancy in VACANCIES) >= 2


@pytest.mark.parametrize("title", [vacancy["title"] for vacancy in VACANCIES])
def test_vacancies_name_real_tasks_languages_and_enough_questions(title):
    vacancy = next(v for v in VACANCIES if v["title"] == title)
    assert vacancy["track"] in {track["slug"] for track in TRACKS}
    assert vacancy["status"] in ("draft", "open", "closed")
    assert 0 <= vacancy["pass_mark"] <= 100 and 1 <= vacancy["duration_minutes"] <= 1440
    assert 0 <= vacancy["quiz_weight"] <= 1000 and vacancy["description"].strip()
    pool = sum(question["track"] == vacancy["track"] for question in QUESTIONS)
    assert 0 < vacancy["quiz_questions"] <= pool
    assert vacancy["languages"] and set(vacancy["languages"]) <= set(LANGUAGES)
    names = [entry["title"] for entry in vacancy["tasks"]]
    assert names and len(set(names)) == len(names)
    for entry in vacancy["tasks"]:
        assert 1 <= entry["weight"] <= 1000
        task = by_title(entry["title"])  # raises if there is no such task
        # a candidate gets starter code in every language the vacancy offers
        assert set(vacancy["languages"]) <= set(task["starter_code"])


# -- (e) the loader against a real database ----------------------------------------------------


async def row_counts(conn: Any) -> dict[str, int]:
    return {table: await conn.fetchval(f"SELECT count(*) FROM {table}") for table in TABLES}  # noqa: S608


async def test_load_demo_data_creates_it_all_and_then_nothing(demo_database):
    url, first = demo_database
    expected = (
        [account.email for account in DEMO_ACCOUNTS]
        + [f"task: {DEMO_TASK_TITLE}"]
        + [f"track: {track['slug']}" for track in TRACKS]
        + [f"task: {title}" for title in TITLES]
    )
    assert first[: len(expected)] == expected
    assert sum(entry.startswith("question: ") for entry in first) == len(QUESTIONS)
    assert first[-len(VACANCIES) :] == [f"vacancy: {vacancy['title']}" for vacancy in VACANCIES]
    assert len(first) == len(expected) + len(QUESTIONS) + len(VACANCIES)

    conn = await connect(url)
    try:
        organisation = await conn.fetchval(
            "SELECT id FROM organisations WHERE name = $1", DEMO_ORGANISATION
        )
        tracks = {
            row["slug"]: row
            for row in await conn.fetch(
                "SELECT id, slug, name, description FROM tracks WHERE organisation_id = $1",
                organisation,
            )
        }
        assert {slug: (r["name"], r["description"]) for slug, r in tracks.items()} == {
            t["slug"]: (t["name"], t["description"]) for t in TRACKS
        }
        slug_of = {row["id"]: slug for slug, row in tracks.items()}

        for task in TASKS:
            row = await conn.fetchrow(
                "SELECT id, track_id, statement, limits, checker, starter_code FROM tasks "
                "WHERE organisation_id = $1 AND title = $2",
                organisation,
                task["title"],
            )
            assert slug_of[row["track_id"]] == task["track"]
            assert row["statement"] == task["statement"]
            assert row["starter_code"] == task["starter_code"]
            assert Limits(**row["limits"]) == Limits(**task["limits"])
            assert CheckerSpec(**row["checker"]) == CheckerSpec(**task["checker"])
            stored = await conn.fetch(
                "SELECT g.name, g.points, t.name AS test, t.input, t.answer, t.visible "
                "FROM task_groups g JOIN task_tests t "
                "ON t.task_id = g.task_id AND t.group_ordinal = g.ordinal "
                "WHERE g.task_id = $1 ORDER BY g.ordinal, t.ordinal",
                row["id"],
            )
            assert [
                (r["name"], r["points"], r["test"], bytes(r["input"]).decode(), r["visible"])
                for r in stored
            ] == [
                (g["name"], g["points"], t["name"], t["input"], t["visible"])
                for g in task_groups(task)
                for t in g["tests"]
            ]
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM tasks WHERE organisation_id = $1 AND title = $2",
                organisation,
                DEMO_TASK_TITLE,
            )
            == 1
        )

        questions = await conn.fetch(
            "SELECT track_id, kind, prompt, options, answer_key, points, is_active "
            "FROM quiz_questions WHERE organisation_id = $1",
            organisation,
        )
        assert sorted(
            (slug_of[q["track_id"]], q["kind"], q["prompt"], q["options"], q["answer_key"],
             q["points"], q["is_active"])
            for q in questions
        ) == sorted(
            (q["track"], q["kind"], q["prompt"], q["options"], q["answer_key"], q["points"], True)
            for q in QUESTIONS
        )  # fmt: skip

        hr = await conn.fetchval(
            "SELECT id FROM users WHERE email = $1",
            next(a.email for a in DEMO_ACCOUNTS if a.role.value == "hr"),
        )
        for vacancy in VACANCIES:
            row = await conn.fetchrow(
                "SELECT * FROM vacancies WHERE organisation_id = $1 AND title = $2",
                organisation,
                vacancy["title"],
            )
            fields = ("description", "status", "pass_mark", "duration_minutes", "quiz_questions")
            assert {f: row[f] for f in (*fields, "quiz_weight", "languages")} == {
                f: vacancy[f] for f in (*fields, "quiz_weight", "languages")
            }
            assert slug_of[row["track_id"]] == vacancy["track"]
            assert row["created_by"] == hr
            links = await conn.fetch(
                "SELECT t.title, vt.weight FROM vacancy_tasks vt JOIN tasks t ON t.id = vt.task_id "
                "WHERE vt.vacancy_id = $1 ORDER BY vt.position",
                row["id"],
            )
            assert [(r["title"], r["weight"]) for r in links] == [
                (entry["title"], entry["weight"]) for entry in vacancy["tasks"]
            ]

        # a second run finds everything in place
        before = await row_counts(conn)
        assert await load_demo_data(conn) == []
        assert await row_counts(conn) == before

        # and only what went missing is made again
        question = QUESTIONS[5]
        await conn.execute(
            "DELETE FROM quiz_questions WHERE track_id = $1 AND prompt = $2",
            tracks[question["track"]]["id"],
            question["prompt"],
        )
        await conn.execute(
            "DELETE FROM vacancies WHERE organisation_id = $1 AND title = $2",
            organisation,
            VACANCIES[1]["title"],
        )
        again = await load_demo_data(conn)
        assert len(again) == 2
        assert again[0].startswith(f"question: {question['track']}: ")
        assert again[1] == f"vacancy: {VACANCIES[1]['title']}"
        assert await row_counts(conn) == before
    finally:
        await conn.close()
