"""Custom checkers in the Kattis protocol: output on stdin, a feedback dir, exit 42 or 43."""

from __future__ import annotations

import pytest

from judge.checkers import CheckerSpec
from judge.runner import GroupSpec, TaskSpec, TestSpec
from judge.verdicts import Verdict

# Accepts any two numbers that add up to the answer; explains itself in judgemessage.txt and
# checks that it was called the Kattis way (input, answer, a writable feedback dir, flags).
PAIR_VALIDATOR = """\
import os, sys
input_file, answer_file, feedback = sys.argv[1:4]
flags = sys.argv[4:]
assert os.path.isdir(feedback) and feedback.endswith("/"), feedback
assert open(input_file).read().split() == open(answer_file).read().split()
want = int(open(answer_file).read())
got = sys.stdin.read().split()
ok = len(got) == 2 and all(t.lstrip("-").isdigit() for t in got) and sum(map(int, got)) == want
with open(feedback + "judgemessage.txt", "w") as out:
    out.write(f"flags={' '.join(flags)}; " + ("pair adds up" if ok else f"{got} is no pair"))
print("noise on stdout is not the message")
sys.exit(42 if ok else 43)
"""

PAIR_VALIDATOR_C = r"""
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    if (argc < 4) return 1;
    FILE *ans = fopen(argv[2], "r");
    long want, a, b;
    if (!ans || fscanf(ans, "%ld", &want) != 1) return 1;
    char path[4096];
    snprintf(path, sizeof path, "%sjudgemessage.txt", argv[3]);
    FILE *msg = fopen(path, "w");
    if (!msg) return 1;
    int ok = scanf("%ld %ld", &a, &b) == 2 && a + b == want;
    fprintf(msg, ok ? "sum matches" : "wrong pair");
    fclose(msg);
    return ok ? 42 : 43;
}
"""


def pair_task(checker: CheckerSpec) -> TaskSpec:
    tests = tuple(
        TestSpec(f"t{i}", f"{i}\n".encode(), f"{i}\n".encode(), visible=True) for i in (3, 10)
    )
    return TaskSpec(groups=(GroupSpec("g", 10, tests),), checker=checker)


def test_a_python_validator_gets_output_on_stdin_and_a_feedback_dir(judge):
    checker = CheckerSpec(
        "custom",
        language="python3",
        source=PAIR_VALIDATOR,
        protocol="kattis",
        arguments=("float_tolerance", "1e-6"),
    )
    right = judge.judge(pair_task(checker), "python3", "n = int(input())\nprint(n - 1, 1)\n")
    assert right.verdict is Verdict.AC, right.tests
    assert right.score == 10
    assert right.tests[0].message == "flags=float_tolerance 1e-6; pair adds up"
    wrong = judge.judge(pair_task(checker), "python3", "n = int(input())\nprint(n, 1)\n")
    assert wrong.verdict is Verdict.WA
    assert wrong.score == 0
    assert "is no pair" in wrong.tests[0].message


def test_a_c_validator_in_the_kattis_protocol(judge):
    checker = CheckerSpec("custom", language="c", source=PAIR_VALIDATOR_C, protocol="kattis")
    right = judge.judge(pair_task(checker), "python3", "n = int(input())\nprint(1, n - 1)\n")
    assert right.verdict is Verdict.AC
    assert right.tests[1].message == "sum matches"
    wrong = judge.judge(pair_task(checker), "python3", "print(1, 1)\n")
    assert [t.verdict for t in wrong.tests] == [Verdict.WA, Verdict.WA]
    assert wrong.tests[0].message == "wrong pair"


@pytest.mark.parametrize("exit_code", [0, 1, 7])
def test_exit_codes_other_than_42_and_43_are_judge_faults(judge, exit_code):
    # 0 and 1 mean accepted and wrong to testlib, but nothing to Kattis
    checker = CheckerSpec(
        "custom",
        language="python3",
        source=f"import sys\nsys.stdin.read()\nsys.exit({exit_code})\n",
        protocol="kattis",
    )
    result = judge.judge(pair_task(checker), "python3", "print(1, 2)\n")
    assert result.verdict is Verdict.SE
    assert result.score == 0


def test_a_testlib_checker_with_the_same_exit_codes_is_not_read_as_kattis(judge):
    checker = CheckerSpec("custom", language="python3", source="raise SystemExit(42)\n")
    result = judge.judge(pair_task(checker), "python3", "print(1, 2)\n")
    assert result.verdict is Verdict.SE


def test_protocol_and_arguments_are_validated():
    with pytest.raises(ValueError, match="protocol"):
        CheckerSpec("custom", language="python3", source="x", protocol="icpc")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="custom checkers only"):
        CheckerSpec("tokens", protocol="kattis")
    # as read back from a JSON column
    stored = CheckerSpec(
        "custom", language="python3", source="x", protocol="kattis", arguments=["a", "b"]
    )  # type: ignore[arg-type]
    assert stored.arguments == ("a", "b")
