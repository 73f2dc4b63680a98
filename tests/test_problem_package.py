"""Kattis / ICPC problem packages: parsed, judged through their own validators, imported."""

from __future__ import annotations

import io
import shutil
import stat
import struct
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from deploy.processes import REPO, sobes_env
from judge.checkers import CheckerSpec, tokens
from judge.limits import MIB
from judge.runner import Judge
from judge.verdicts import Verdict
from server.accounts import organisations
from server.problem_package import (
    PackageError,
    Problem,
    parse_package,
    store_problem,
    tex_to_markdown,
)
from server.storage.migrations import migrate
from server.tasks import load_task
from tests.conftest import connect

PROBLEMS = Path(__file__).resolve().parent / "data" / "problems"
TWOSUM = PROBLEMS / "twosum"
CIRCLES = PROBLEMS / "circlearea"

# finds the pair scanning from the end: right, but not the pair the .ans files hold
LAST_PAIR = """\
n, t = map(int, input().split())
a = list(map(int, input().split()))
seen = {}
for i in range(n - 1, -1, -1):
    if t - a[i] in seen:
        print(i + 1, seen[t - a[i]])
        break
    seen.setdefault(a[i], i + 1)
"""


@pytest.fixture(scope="module")
def judge():
    judge = Judge()
    yield judge
    judge.sandbox.close()


def copy(name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(PROBLEMS / name, tmp_path / name))


def zip_of(folder: Path, top: str | None = None) -> bytes:
    """The package as a zip, built in memory (with its files under ``top/`` if given)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                name = path.relative_to(folder).as_posix()
                archive.writestr(f"{top}/{name}" if top else name, path.read_bytes())
    return buffer.getvalue()


def zip_with(members: dict[str, bytes], base: Path | None = TWOSUM) -> bytes:
    """A zip of the twosum package plus (or with replaced) ``members``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if base is not None:
            for path in sorted(base.rglob("*")):
                name = path.relative_to(base).as_posix()
                if path.is_file() and name not in members:
                    archive.writestr(name, path.read_bytes())
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def problems_of(source: Path | bytes) -> list[str]:
    with pytest.raises(PackageError) as caught:
        parse_package(source)
    assert caught.value.problems, "a PackageError lists its problems"
    return caught.value.problems


def set_yaml(package: Path, text: str) -> None:
    (package / "problem.yaml").write_text(text)


def test_a_legacy_package_with_groups_a_tex_statement_and_a_cpp_validator():
    seen = []
    problem = parse_package(TWOSUM, progress=lambda done, total, name: seen.append((done, total)))
    assert problem.title == "Two Sum"
    assert problem.origin == "kattis:twosum"
    assert (problem.limits.cpu_ms, problem.limits.memory_mb) == (1500, 128)  # .timelimit, yaml
    assert [(g.name, g.points, len(g.tests)) for g in problem.groups] == [
        ("sample", 0, 2),
        ("group1", 40, 3),
        ("group2", 60, 3),
    ]
    assert problem.max_score == 100 and problem.test_count == 8
    sample, group1, _ = problem.groups
    assert all(t.visible for t in sample.tests) and not any(t.visible for t in group1.tests)
    assert [t.name for t in group1.tests] == ["01", "02", "03"]
    assert sample.tests[0].input == "4 9\n2 7 11 15\n" and sample.tests[0].answer == "1 2\n"
    assert group1.tests[2].input == (TWOSUM / "data/secret/group1/03.in").read_text()

    checker = problem.checker
    assert (checker.kind, checker.language, checker.protocol) == ("custom", "cpp", "kattis")
    # the validator's own header travels inside its single source file
    assert '#include "feedback.h"' not in checker.source
    assert "static std::string feedback_dir;" in checker.source
    assert checker.source.index("feedback_dir;") < checker.source.index("int main")

    statement = problem.statement
    assert "## Input" in statement and "## Output" in statement
    assert "find two *different*" in statement and "**any** of them" in statement
    assert "$a_i + a_j = t$" in statement and "$2 \\le n \\le 2\\,000$" in statement
    assert "- both between $1$ and $n$,\n- with $i \\ne j$" in statement
    assert "100% of the marks" in statement
    assert "\\begin" not in statement and "\\section" not in statement and "%" not in statement[:80]
    assert seen[-1] == (problem.files, problem.files) and len(seen) == problem.files


def test_a_2023_package_with_markdown_a_python_validator_and_one_secret_group():
    problem = parse_package(CIRCLES)
    assert problem.title == "Circle Areas"  # the English of name's languages
    assert (problem.limits.cpu_ms, problem.limits.memory_mb) == (1000, 256)
    assert [(g.name, g.points, len(g.tests)) for g in problem.groups] == [
        ("sample", 0, 1),
        ("secret", 100, 3),
    ]
    assert problem.checker.language == "python3" and problem.checker.protocol == "kattis"
    assert problem.checker.source == (CIRCLES / "output_validator/validate.py").read_text()
    assert problem.statement == (CIRCLES / "statement/problem.en.md").read_text()


def test_the_zip_form_parses_the_same(tmp_path):
    folder = parse_package(TWOSUM)
    assert parse_package(zip_of(TWOSUM, top="twosum")) == folder
    # problem.yaml at the zip's root: the short name is the file's
    (tmp_path / "twosum.zip").write_bytes(zip_of(TWOSUM))
    assert parse_package(tmp_path / "twosum.zip") == folder
    assert parse_package(zip_of(TWOSUM), name="twosum.zip") == folder
    assert parse_package(zip_of(CIRCLES, top="circlearea")) == parse_package(CIRCLES)


def test_titles_fall_back_to_the_tex_statement_then_to_the_folder(tmp_path):
    package = copy("twosum", tmp_path)
    set_yaml(package, "validation: custom\n")
    tex = package / "problem_statement/problem.en.tex"
    tex.write_text(tex.read_text().replace("{Two Sum}", "{Two Sums, $n \\le 2000$}", 1))
    problem = parse_package(package)
    assert problem.title == "Two Sums, $n \\le 2000$"
    assert problem.limits.memory_mb == 256  # Sobes's default without limits.memory
    circles = copy("circlearea", tmp_path)
    set_yaml(circles, "problem_format_version: 2023-07-draft\n")
    assert parse_package(circles).title == "circlearea"
    assert parse_package(circles).limits.cpu_ms == 2000  # no limit given: 2 s


def test_tex_conversion_is_small_and_honest():
    title, text = tex_to_markdown(
        "\\problemname{Hello}\n"
        "% a comment\n"
        "Costs \\$5 and $x^2$, see \\href{https://example.org}{this}.\n"
        "\\begin{enumerate}\n\\item one\n\\begin{itemize}\n\\item inner\n\\end{itemize}\n"
        "\\item two \\texttt{code}\n\\end{enumerate}\n"
        "\\begin{verbatim}\n  kept  % as is {}\n\\end{verbatim}\n"
        "\\begin{Input}\nOne line of {\\bf bold}.\\\\ Next \\[ \\sum a_i \\]\n\\end{Input}\n"
        "Limit: \\constant{max_n}. \\unknownmacro{left alone}\n"
        "\\nextsample\n",
        {"max_n": "1000"},
    )
    assert title == "Hello"
    assert text == (
        "Costs \\$5 and $x^2$, see [this](https://example.org).\n\n"
        "1. one\n    - inner\n1. two `code`\n\n"
        "```\n  kept  % as is {}\n```\n\n"
        "## Input\n\nOne line of **bold**.\\\nNext $$ \\sum a_i $$\n\n"
        "Limit: 1000. \\unknownmacro{left alone}\n"
    )


async def stored_task(conn, problem: Problem):
    org = await organisations.ensure_organisation(conn, f"Packages {uuid.uuid4().hex[:8]}")
    task_id = await store_problem(conn, problem, organisation_id=org["id"])
    task = await load_task(conn, task_id)
    assert task is not None
    return task_id, task


async def test_twosum_is_judged_through_its_kattis_validator(database_url, judge):
    conn = await connect(database_url)
    try:
        _, task = await stored_task(conn, parse_package(TWOSUM))
    finally:
        await conn.close()
    # what the database gives back is what was parsed: the checker's protocol included
    assert task.checker == parse_package(TWOSUM).checker
    assert [(g.name, g.points, len(g.tests)) for g in task.groups] == [
        ("sample", 0, 2),
        ("group1", 40, 3),
        ("group2", 60, 3),
    ]
    assert task.limits.cpu_ms == 1500

    accepted = (TWOSUM / "submissions/accepted/hashing.py").read_text()
    right = judge.judge(task, "python3", accepted)
    assert right.verdict is Verdict.AC, [t.to_json() for t in right.tests]
    assert (right.score, right.max_score) == (100, 100)

    # other right pairs than the answer files' are accepted too (tokens would not)
    other = judge.judge(task, "python3", LAST_PAIR)
    assert other.verdict is Verdict.AC and other.score == 100
    outputs = [
        judge.run_program("python3", LAST_PAIR, test.input).stdout
        for group in task.groups
        for test in group.tests
    ]
    answers = [test.answer for group in task.groups for test in group.tests]
    assert any(not tokens(out.encode(), ans).ok for out, ans in zip(outputs, answers, strict=True))

    first_ten = (TWOSUM / "submissions/wrong_answer/first_ten.py").read_text()
    partial = judge.judge(task, "python3", first_ten)
    assert partial.verdict is Verdict.WA
    assert partial.score == 40
    assert [(g.name, g.earned, g.verdict) for g in partial.groups] == [
        ("sample", 0, Verdict.AC),
        ("group1", 40, Verdict.AC),
        ("group2", 0, Verdict.WA),
    ]

    wrong = judge.judge(task, "python3", "input()\ninput()\nprint(1, 1)\n")
    assert wrong.verdict is Verdict.WA and wrong.score == 0
    # the validator's judgemessage.txt is a visible test's message
    assert wrong.tests[0].message == "the two positions must differ, got 1 twice"
    garbage = judge.judge(task, "python3", "print('1 2 3')\n")
    assert garbage.tests[0].message == "unexpected output after the pair: 3"


async def test_circle_areas_are_judged_within_the_validators_tolerance(database_url, judge):
    conn = await connect(database_url)
    try:
        _, task = await stored_task(conn, parse_package(zip_of(CIRCLES, top="circlearea")))
    finally:
        await conn.close()
    accepted = (CIRCLES / "submissions/accepted/areas.py").read_text()
    right = judge.judge(task, "python3", accepted)
    assert right.verdict is Verdict.AC, [t.to_json() for t in right.tests]
    assert right.score == 100
    assert right.tests[0].message == "all 2 areas within 1e-06"
    # six decimals where the answers have ten: not byte for byte, yet right
    assert right.tests[0].stdout != (CIRCLES / "data/sample/1.ans").read_text()
    rough = accepted.replace("math.pi", "3.14")
    wrong = judge.judge(task, "python3", rough)
    assert wrong.verdict is Verdict.WA and wrong.score == 0
    assert wrong.tests[0].message.startswith("area 1: expected 3.1415926536, got 3.14")


# --- broken packages ---------------------------------------------------------------------


def test_a_missing_problem_yaml(tmp_path):
    package = copy("twosum", tmp_path)
    (package / "problem.yaml").unlink()
    assert "problem.yaml is missing (the package's root must hold it)" in problems_of(package)


def test_unreadable_yaml(tmp_path):
    package = copy("twosum", tmp_path)
    set_yaml(package, "name: [Two Sum\nvalidation: custom\n")
    (problem,) = problems_of(package)
    assert problem.startswith("problem.yaml is not valid YAML: ")
    assert problem.endswith("at line 2, column 11")
    (package / "data/secret/group1/testdata.yaml").write_text("accept_score: 40\n  oops: [\n")
    set_yaml(package, "- a list\n")
    found = problems_of(package)
    assert "problem.yaml must be a mapping of keys to values" in found
    assert any(p.startswith("data/secret/group1/testdata.yaml is not valid YAML") for p in found)


def test_no_tests_at_all(tmp_path):
    package = copy("twosum", tmp_path)
    shutil.rmtree(package / "data")
    assert problems_of(package) == [
        "the package has no tests: data/sample and data/secret hold no .in/.ans pairs"
    ]
    circles = copy("circlearea", tmp_path)
    for test in (circles / "data/secret").iterdir():
        test.unlink()
    assert problems_of(circles) == [
        "data/secret has no tests (the sample tests are worth no points)"
    ]


def test_inputs_without_answers_and_answers_without_inputs(tmp_path):
    package = copy("twosum", tmp_path)
    (package / "data/secret/group2/02.ans").unlink()
    (package / "data/secret/group1/03.in").unlink()
    (package / "data/sample/3.ans").write_text("1 2\n")
    assert sorted(problems_of(package)) == [
        "data/sample/3.ans has no matching 3.in",
        "data/secret/group1/03.ans has no matching 03.in",
        "data/secret/group2/02.in has no matching 02.ans",
    ]


def test_a_statement_that_is_not_utf8(tmp_path):
    package = copy("twosum", tmp_path)
    (package / "problem_statement/problem.en.tex").write_bytes("Caf\xe9 $n$".encode("latin-1"))
    assert problems_of(package) == [
        "problem_statement/problem.en.tex is not UTF-8 text (a statement must be UTF-8)"
    ]
    circles = copy("circlearea", tmp_path)
    shutil.rmtree(circles / "statement")
    assert problems_of(circles) == [
        "there is no problem statement: expected statement/problem.en.md or "
        "problem_statement/problem.en.tex (or problem.md, problem.tex)"
    ]


@pytest.mark.parametrize(
    ("limits", "timelimit", "expected"),
    [
        (
            "limits: {time_limit: -1}",
            None,
            ["problem.yaml: limits.time_limit: the time limit must be from 0.01 to 60 seconds, "
             "not -1"],
        ),
        (
            "limits: {time_limit: 0.5, memory: 1.5}",
            None,
            ["problem.yaml: limits.memory must be a whole number of MiB from 16 to 4,096, not 1.5"],
        ),
        (
            "limits: {memory: 100000, time_limit: yes}",
            None,
            [
                "problem.yaml: limits.time_limit: the time limit must be from 0.01 to 60 "
                "seconds, not True",
                "problem.yaml: limits.memory must be a whole number of MiB from 16 to 4,096, "
                "not 100000",
            ],
        ),
        (
            "limits: 3",
            "fast\n",
            [
                "problem.yaml: limits must be a mapping (time_limit, memory, ...)",
                ".timelimit: the time limit must be from 0.01 to 60 seconds, not 'fast'",
            ],
        ),
    ],
)  # fmt: skip
def test_bad_limits(tmp_path, limits, timelimit, expected):
    package = copy("twosum", tmp_path)
    set_yaml(package, f"name: Two Sum\nvalidation: custom\n{limits}\n")
    if timelimit is not None:
        (package / ".timelimit").write_text(timelimit)
    assert problems_of(package) == expected


def test_custom_validation_without_a_validator(tmp_path):
    package = copy("twosum", tmp_path)
    shutil.rmtree(package / "output_validators")
    assert problems_of(package) == [
        "problem.yaml sets validation: custom, but the package has no output validator "
        "(output_validators/<name>/ or output_validator/)"
    ]


def test_validators_sobes_cannot_run(tmp_path):
    package = copy("twosum", tmp_path)
    (package / "output_validators/pairs/second.cpp").write_text("int main() { return 42; }\n")
    assert problems_of(package) == [
        "output_validators/pairs has several source files (second.cpp, validator.cpp); "
        "only one is supported"
    ]
    (package / "output_validators/pairs/second.cpp").unlink()
    (package / "output_validators/pairs/build").write_text("#!/bin/sh\nmake\n")
    assert "has a build or run script" in problems_of(package)[0]
    set_yaml(package, "name: Two Sum\nvalidation: custom interactive\n")
    assert "interactive problems (validation: custom interactive) are not supported" in (
        problems_of(package)
    )


def test_every_problem_is_listed_at_once(tmp_path):
    package = copy("twosum", tmp_path)
    set_yaml(package, "name: Two Sum\nvalidation: custom\nlimits: {memory: 8}\n")
    shutil.rmtree(package / "output_validators")
    (package / "data/secret/group2/01.ans").unlink()
    (package / "problem_statement/problem.en.tex").write_bytes(b"\xff\xfe")
    (package / "data/secret/group1/testdata.yaml").write_text("accept_score: [\n")
    found = problems_of(package)
    assert len(found) == 5, found
    assert (
        found[0] == "problem_statement/problem.en.tex is not UTF-8 text (a statement must be UTF-8)"
    )
    assert (
        "problem.yaml: limits.memory must be a whole number of MiB from 16 to 4,096, not 8" in found
    )
    assert "data/secret/group2/01.in has no matching 01.ans" in found
    assert any(p.startswith("problem.yaml sets validation: custom") for p in found)
    assert any(p.startswith("data/secret/group1/testdata.yaml is not valid YAML") for p in found)


def test_zip_members_outside_the_package_and_links_are_refused():
    link = zipfile.ZipInfo("data/secret/group1/04.in")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO(zip_with({}))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("../../outside.in", "1\n")
        archive.writestr("/etc/cron.d/evil", "* * * * * root sh\n")
        archive.writestr("data/..\\..\\evil.ans", "1\n")
        archive.writestr(link, "/etc/passwd")
    assert problems_of(buffer.getvalue()) == [
        "zip member ../../outside.in points outside the package (..)",
        "zip member /etc/cron.d/evil has an absolute path",
        "zip member data/..\\..\\evil.ans points outside the package (..)",
        "zip member data/secret/group1/04.in is a symbolic link; a package may not contain links",
    ]


def test_links_in_a_folder_are_refused(tmp_path):
    package = copy("twosum", tmp_path)
    (package / "data/secret/group1/04.in").symlink_to("/etc/passwd")
    (package / "data/secret/group1/04.ans").write_text("1 2\n")
    (package / "data/linked").symlink_to(package / "data/secret")
    assert problems_of(package) == [
        "data/linked is a symbolic link; a package may not contain links",
        "data/secret/group1/04.in is a symbolic link; a package may not contain links",
    ]


def test_oversized_packages_are_refused(tmp_path):
    big = b"1\n" * (8 * MIB + 1)  # 16 MiB and two bytes
    oversized = {"data/secret/group2/big.in": big, "data/secret/group2/big.ans": b"1\n"}
    assert problems_of(zip_with(oversized)) == [
        "data/secret/group2/big.in is larger than 16 MiB (16,777,218 bytes); no file may be"
    ]
    many = {f"data/secret/group2/{i:02}.in": b"\0" * (14 * MIB) for i in range(5)}
    assert problems_of(zip_with(many, base=None)) == [
        "the package holds 70 MiB uncompressed; at most 64 MiB are allowed"
    ]
    files = {f"data/secret/group2/x{i}.in": b"1\n" for i in range(2_001)}
    assert problems_of(zip_with(files)) == ["the package has more than 2,000 files"]
    # the same limits hold for folders
    package = copy("twosum", tmp_path)
    (package / "data/secret/group2/big.in").write_bytes(big)
    (package / "data/secret/group2/big.ans").write_text("1\n")
    assert problems_of(package) == [
        "data/secret/group2/big.in is larger than 16 MiB (16,777,218 bytes); no file may be"
    ]


def test_a_zip_that_understates_its_sizes_is_refused():
    name = b"data/secret/group2/04.in"
    data = bytearray(
        zip_with({name.decode(): b"7\n" * (9 * MIB), "data/secret/group2/04.ans": b"1"})
    )
    for signature, size_at, name_length_at, name_at in ((b"PK\x03\x04", 22, 26, 30),
                                                        (b"PK\x01\x02", 24, 28, 46)):  # fmt: skip
        at = data.find(signature)
        while at != -1:
            (length,) = struct.unpack_from("<H", data, at + name_length_at)
            if data[at + name_at : at + name_at + length] == name:
                struct.pack_into("<I", data, at + size_at, 10)  # "10 bytes", it says
            at = data.find(signature, at + 4)
    (problem,) = problems_of(bytes(data))
    assert problem.startswith("zip member data/secret/group2/04.in cannot be read (Bad CRC-32")


def test_what_is_not_a_package(tmp_path):
    (tmp_path / "notes.zip").write_text("not a zip")
    assert problems_of(tmp_path / "notes.zip") == [
        "notes.zip is not a readable zip file (File is not a zip file)"
    ]
    assert problems_of(tmp_path / "missing") == [
        f"{tmp_path / 'missing'} is neither a folder nor a zip file"
    ]


# --- the default validator's flags and test data groups' points ---------------------------


@pytest.mark.parametrize(
    ("flags", "checker"),
    [
        ("", CheckerSpec("tokens")),
        ("case_sensitive", CheckerSpec("tokens")),
        ("space_change_sensitive", CheckerSpec("exact")),
        ("float_tolerance 1e-6", CheckerSpec("float", abs_tolerance=1e-6, rel_tolerance=1e-6)),
        (
            "float_absolute_tolerance 0.001 case_sensitive",
            CheckerSpec("float", abs_tolerance=1e-3, rel_tolerance=0),
        ),
        (
            "float_relative_tolerance 1e-9 float_absolute_tolerance 1e-7",
            CheckerSpec("float", abs_tolerance=1e-7, rel_tolerance=1e-9),
        ),
    ],
)
def test_default_validator_flags_map_onto_builtin_checkers(tmp_path, flags, checker):
    package = copy("circlearea", tmp_path)
    shutil.rmtree(package / "output_validator")
    set_yaml(package, f"name: Circle Areas\nvalidator_flags: {flags}\n")
    assert parse_package(package).checker == checker


def test_bad_validator_flags(tmp_path):
    package = copy("circlearea", tmp_path)
    shutil.rmtree(package / "output_validator")
    set_yaml(package, "name: C\nvalidator_flags: float_tolerance abc ignore_case\n")
    assert problems_of(package) == [
        "problem.yaml: validator flag float_tolerance needs a tolerance (a number from 0) after "
        "it, not 'abc'",
        "problem.yaml: unknown validator flag 'ignore_case' (the default validator knows "
        "case_sensitive, space_change_sensitive, float_tolerance, float_absolute_tolerance, "
        "float_relative_tolerance)",
    ]


def test_a_custom_validator_gets_the_flags_as_arguments(tmp_path):
    package = copy("twosum", tmp_path)
    set_yaml(package, "name: Two Sum\nvalidation: custom\nvalidator_flags: strict  7\n")
    assert parse_package(package).checker.arguments == ("strict", "7")
    (package / "data/secret/group2/testdata.yaml").write_text(
        "grader_flags: min\naccept_score: 60\noutput_validator_flags: loose\n"
    )
    assert problems_of(package) == [
        "data/secret/group2/testdata.yaml: output_validator_flags for some tests only are not "
        "supported (a Sobes task has one checker; give the arguments in problem.yaml's "
        "validator_flags)"
    ]


def test_group_points(tmp_path):
    package = copy("twosum", tmp_path)
    for group in ("group1", "group2"):
        (package / f"data/secret/{group}/testdata.yaml").unlink()
    shutil.copytree(package / "data/secret/group2", package / "data/secret/group3")
    assert [g.points for g in parse_package(package).groups] == [0, 33, 33, 34]
    # Kattis's default aggregation is a sum over the tests: accept_score is per test
    (package / "data/secret/group1/testdata.yaml").write_text("accept_score: 10\n")
    (package / "data/secret/group2/testdata.yaml").write_text(
        "grader_flags: min\naccept_score: 30\n"
    )
    (package / "data/secret/group3/test_group.yaml").write_text("max_score: 40\n")
    assert [(g.name, g.points) for g in parse_package(package).groups] == [
        ("sample", 0), ("group1", 30), ("group2", 30), ("group3", 40),
    ]  # fmt: skip
    (package / "data/secret/group3/test_group.yaml").unlink()
    assert problems_of(package) == [
        "test data group group3 gives no score while other groups do (accept_score in "
        "testdata.yaml)"
    ]
    (package / "data/secret/group3/test_group.yaml").write_text("max_score: -5\n")
    assert problems_of(package) == [
        "data/secret/group3/test_group.yaml: max_score must be a whole number of points from 0, "
        "not -5"
    ]


# --- sobes import-problem -------------------------------------------------------------------


def sobes(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
async def one_organisation(scratch_databases, tmp_path):
    """A database of its own with exactly one organisation, and the CLI's environment."""
    url = await scratch_databases("import")
    conn = await connect(url)
    try:
        await migrate(conn)
        org = await organisations.ensure_organisation(conn, "Acme Imports")
        await conn.execute(
            "INSERT INTO tracks (organisation_id, slug, name) VALUES ($1, 'algorithms', 'Algo')",
            org["id"],
        )
    finally:
        await conn.close()
    env = sobes_env(DATABASE_URL=url, SOBES_DATA_DIR=str(tmp_path / "var"))
    return env, url, org["id"]


async def test_import_problem_stores_the_task(one_organisation, tmp_path):
    env, url, org_id = one_organisation
    done = sobes(env, "import-problem", str(TWOSUM))
    assert done.returncode == 0, done.stderr
    task_line, summary = done.stdout.strip().splitlines()
    task_id = uuid.UUID(task_line)
    assert summary == (
        "imported 'Two Sum' (kattis:twosum) into Acme Imports: 3 groups (sample 0, group1 40, "
        "group2 60 points), 8 tests, checker custom (cpp, Kattis protocol)"
    )
    assert "reading the package" in done.stderr  # the progress bar, on stderr

    (tmp_path / "circles.zip").write_bytes(zip_of(CIRCLES, top="circlearea"))
    zipped = sobes(
        env, "import-problem", str(tmp_path / "circles.zip"),
        "--organisation", "acme-imports", "--track", "algorithms",
    )  # fmt: skip
    assert zipped.returncode == 0, zipped.stderr
    circles_id = uuid.UUID(zipped.stdout.splitlines()[0])

    conn = await connect(url)
    try:
        task = await conn.fetchrow("SELECT * FROM tasks WHERE id = $1", task_id)
        assert task["organisation_id"] == org_id
        assert (task["title"], task["origin"], task["track_id"]) == (
            "Two Sum",
            "kattis:twosum",
            None,
        )
        assert task["checker"]["protocol"] == "kattis" and task["checker"]["language"] == "cpp"
        assert task["limits"]["cpu_ms"] == 1500
        assert "## Input" in task["statement"]
        tests = await conn.fetch(
            "SELECT group_ordinal, name, visible, input FROM task_tests WHERE task_id = $1 "
            "ORDER BY group_ordinal, ordinal",
            task_id,
        )
        assert [(t["group_ordinal"], t["name"], t["visible"]) for t in tests] == [
            (0, "1", True), (0, "2", True),
            (1, "01", False), (1, "02", False), (1, "03", False),
            (2, "01", False), (2, "02", False), (2, "03", False),
        ]  # fmt: skip
        assert bytes(tests[0]["input"]) == b"4 9\n2 7 11 15\n"
        circles = await conn.fetchrow("SELECT * FROM tasks WHERE id = $1", circles_id)
        track = await conn.fetchval("SELECT id FROM tracks WHERE slug = 'algorithms'")
        assert circles["track_id"] == track and circles["origin"] == "kattis:circlearea"
    finally:
        await conn.close()


async def test_import_problem_refuses_a_broken_package_and_stores_nothing(
    one_organisation, tmp_path
):
    env, url, _ = one_organisation
    package = copy("twosum", tmp_path)
    (package / "data/secret/group1/02.ans").unlink()
    set_yaml(package, "name: Two Sum\nvalidation: custom\nlimits: {time_limit: 100}\n")
    failed = sobes(env, "import-problem", str(package))
    assert failed.returncode == 2
    lines = failed.stderr.splitlines()
    at = lines.index(f"{package} is not a valid problem package:")
    assert lines[at + 1 :] == [
        "  - problem.yaml: limits.time_limit: the time limit must be from 0.01 to 60 seconds, "
        "not 100",
        "  - data/secret/group1/02.in has no matching 02.ans",
    ]
    assert failed.stdout == ""

    wrong_track = sobes(env, "import-problem", str(TWOSUM), "--track", "nope")
    assert wrong_track.returncode == 2
    assert "organisation acme-imports has no track 'nope'" in wrong_track.stderr
    conn = await connect(url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM tasks") == 0
        await organisations.ensure_organisation(conn, "Second Org")
    finally:
        await conn.close()
    ambiguous = sobes(env, "import-problem", str(TWOSUM))
    assert ambiguous.returncode == 2
    assert "there are 2 organisations; choose one with --organisation SLUG" in ambiguous.stderr
    unknown = sobes(env, "import-problem", str(TWOSUM), "--organisation", "Nobody Inc")
    assert unknown.returncode == 2
    assert "no organisation with the slug or name 'Nobody Inc'" in unknown.stderr
    by_name = sobes(env, "import-problem", str(TWOSUM), "--organisation", "Second Org")
    assert by_name.returncode == 0, by_name.stderr
    assert "into Second Org" in by_name.stdout
