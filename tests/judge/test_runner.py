"""Compile once, run many: groups and partial scores, checkers, what candidates may see."""

from __future__ import annotations

import uuid

import pytest

from judge.checkers import CheckerSpec, floats, tokens
from judge.limits import Limits
from judge.runner import GroupSpec, TaskSpec, TestSpec
from judge.verdicts import Verdict

# prints n*n for n on stdin, but gets n >= 100 wrong
SQUARE = "n = int(input())\nprint(n * n if n < 100 else n)\n"


def square_task(**options) -> TaskSpec:
    def case(name: str, n: int, visible: bool = False) -> TestSpec:
        return TestSpec(name, f"{n}\n".encode(), f"{n * n}\n".encode(), visible)

    groups = (
        GroupSpec("samples", 0, (case("s1", 3, visible=True),)),
        GroupSpec("small", 40, tuple(case(f"small{i}", i) for i in range(1, 6))),
        GroupSpec("large", 60, (case("large1", 7), case("large2", 150), case("large3", 9))),
    )
    return TaskSpec(groups=groups, limits=Limits(cpu_ms=2000), **options)


def test_groups_score_partially_and_hidden_tests_show_no_data(judge):
    result = judge.judge(square_task(), "python3", SQUARE)
    assert result.verdict is Verdict.WA
    assert (result.score, result.max_score) == (40, 100)
    assert [(g.name, g.earned, g.verdict) for g in result.groups] == [
        ("samples", 0, Verdict.AC),
        ("small", 40, Verdict.AC),
        ("large", 0, Verdict.WA),
    ]
    assert len(result.tests) == 9  # every test ran
    sample = result.tests[0]
    assert sample.stdout == "9\n"
    hidden = next(t for t in result.tests if t.name == "large2")
    assert hidden.verdict is Verdict.WA
    assert hidden.stdout is None and hidden.message == ""
    assert "stdout" not in hidden.to_json()


def test_stop_at_first_failure(judge):
    result = judge.judge(square_task(stop_on_first_failure=True), "python3", SQUARE)
    assert [t.name for t in result.tests][-1] == "large2"
    assert len(result.tests) == 8
    assert result.groups[-1].skipped is True
    assert result.score == 40


def test_compiles_once_for_all_tests(judge, monkeypatch):
    compiled = []
    original = judge.compile
    monkeypatch.setattr(judge, "compile", lambda *a: compiled.append(a) or original(*a))
    result = judge.judge(
        square_task(),
        "c",
        '#include <stdio.h>\nint main(void){long n;scanf("%ld",&n);printf("%ld\\n",n*n);}\n',
    )
    assert result.verdict is Verdict.AC and result.score == 100
    assert len(compiled) == 1
    assert len(result.tests) == 9


def test_the_same_source_compiles_once_across_submissions(judge, monkeypatch):
    compiles = []
    original = judge._compile
    monkeypatch.setattr(judge, "_compile", lambda *a: compiles.append(a) or original(*a))
    tag = uuid.uuid4().hex
    source = (
        f"// {tag}\n#include <stdio.h>\n"
        'int main(void){long n;scanf("%ld",&n);printf("%ld\\n",n*n);}\n'
    )
    first = judge.judge(square_task(), "c", source)
    again = judge.judge(square_task(), "c", source)
    assert first.score == again.score == 100
    assert len(compiles) == 1  # the second submission of the same code reused the binary
    judge.judge(square_task(), "c", source.replace(tag, tag[::-1]))
    assert len(compiles) == 2  # other code compiles anew
    broken = f"// {tag}\nint main(void) {{ return }}\n"
    for _ in range(2):
        assert judge.judge(square_task(), "c", broken).verdict is Verdict.CE
    assert len(compiles) == 4  # failures are never kept


def test_tokens_checker_ignores_whitespace_but_not_content():
    assert tokens(b"1  2\n3\n\n", b"1 2 3").ok
    assert not tokens(b"1 2", b"1 2 3").ok
    assert "token 2" in tokens(b"1 5 3", b"1 2 3").message


def test_float_checker_tolerances():
    assert floats(b"3.1415927", b"3.14159265", 1e-6, 1e-6).ok
    assert not floats(b"3.1416", b"3.14159265", 1e-6, 1e-6).ok
    assert floats(b"1000001", b"1000000", 0, 1e-6).ok
    assert floats(b"nan yes", b"nan yes", 1e-9, 0).ok
    assert not floats(b"1.0 no", b"1.0 yes", 1e-9, 0).ok


@pytest.mark.parametrize(
    ("checker", "output", "verdict"),
    [
        (CheckerSpec("exact"), "0.50\n", Verdict.WA),
        (CheckerSpec("exact"), "0.5\n", Verdict.AC),
        (CheckerSpec("tokens"), "  0.5  ", Verdict.AC),
        (CheckerSpec("float", abs_tolerance=1e-3), "0.5004", Verdict.AC),
        (CheckerSpec("float", abs_tolerance=1e-3), "0.502", Verdict.WA),
    ],
)
def test_builtin_checkers_in_a_task(judge, checker, output, verdict):
    task = TaskSpec(groups=(GroupSpec("g", 1, (TestSpec("t", b"", b"0.5\n"),)),), checker=checker)
    result = judge.judge(task, "python3", f"print({output!r}, end='')\n")
    assert result.verdict is verdict


def test_custom_checker_is_compiled_once_and_sandboxed(judge):
    # accepts any two numbers whose sum is the answer (several right answers)
    checker = CheckerSpec(
        "custom",
        language="python3",
        source=(
            "import sys\ninp, out, ans = (open(p).read().split() for p in sys.argv[1:4])\n"
            "ok = len(out) == 2 and int(out[0]) + int(out[1]) == int(ans[0])\n"
            "print('sum matches' if ok else 'wrong pair')\nsys.exit(0 if ok else 1)\n"
        ),
    )
    tests = tuple(
        TestSpec(f"t{i}", f"{i}\n".encode(), f"{i}\n".encode(), visible=True) for i in range(3)
    )
    task = TaskSpec(groups=(GroupSpec("g", 10, tests),), checker=checker)
    right = judge.judge(task, "python3", "n = int(input())\nprint(n - 1, 1)\n")
    assert right.verdict is Verdict.AC
    assert right.tests[0].message == "sum matches"
    wrong = judge.judge(task, "python3", "n = int(input())\nprint(n, 1)\n")
    assert wrong.verdict is Verdict.WA
    assert wrong.tests[0].message == "wrong pair"


def test_a_broken_checker_is_a_judge_error_not_the_candidates(judge):
    checker = CheckerSpec("custom", language="python3", source="raise SystemExit(7)\n")
    task = TaskSpec(groups=(GroupSpec("g", 10, (TestSpec("t", b"", b"1"),)),), checker=checker)
    result = judge.judge(task, "python3", "print(1)\n")
    assert result.verdict is Verdict.SE
    assert result.score == 0


def test_compile_errors_are_reported_truncated(judge):
    source = "int main(void){" + "undeclared();" * 2000 + "}\n"
    result = judge.judge(square_task(), "c", source)
    assert result.verdict is Verdict.CE
    assert "undeclared" in result.compile_output
    assert len(result.compile_output) < 20_000
    assert result.tests == []


def test_runs_report_everything_the_api_needs(judge):
    report = judge.run_program(
        "python3",
        "import sys\nprint(input()[::-1])\nprint('warn', file=sys.stderr)\nsys.exit(3)\n",
        b"abc\n",
    )
    body = report.to_json()
    assert body["verdict"] == "RE"
    assert body["exit_code"] == 3 and body["signal"] is None
    assert body["stdout"] == "cba\n" and body["stderr"] == "warn\n"
    assert body["cpu_ms"] >= 0 and body["wall_ms"] > 0 and body["memory_kb"] > 0
    crash = judge.run_program("c", "#include <signal.h>\nint main(void){raise(SIGABRT);}\n")
    assert crash.verdict is Verdict.RE and crash.signal == "SIGABRT" and crash.exit_code is None


@pytest.mark.parametrize("language", ["c", "python3"])
def test_memory_is_measured_within_ten_percent(judge, language):
    programs = {
        "c": (
            "#include <stdlib.h>\n#include <string.h>\n#include <stdio.h>\nint main(void){"
            "volatile char*p=malloc(64<<20);memset((char*)p,1,64<<20);long s=0;"
            'for(long i=0;i<(64<<20);i+=4096)s+=p[i];printf("%ld\\n",s);return 0;}\n'
        ),
        "python3": "b = bytearray(64 << 20)\nfor i in range(0, len(b), 4096):\n    b[i] = 1\nprint(sum(b[::4096]))\n",
    }
    report = judge.run_program(language, programs[language], limits=Limits(memory_mb=256))
    assert report.verdict is Verdict.AC
    baseline = 1024 if language == "c" else 4 * 1024  # the runtime itself
    assert abs(report.memory_kb - baseline - 64 * 1024) <= 0.1 * 64 * 1024, report.memory_kb
