"""Accepts areas within 1e-6, absolute or relative, of the judge's (the Kattis protocol).

Usage: validate.py input_file answer_file feedback_dir < contestant_output
"""

import math
import sys

TOLERANCE = 1e-6


def verdict(accepted: bool, message: str) -> None:
    with open(sys.argv[3] + "judgemessage.txt", "w") as out:
        out.write(message)
    sys.exit(42 if accepted else 43)


def main() -> None:
    with open(sys.argv[2]) as answer_file:
        expected = [float(token) for token in answer_file.read().split()]
    got = sys.stdin.read().split()
    if len(got) != len(expected):
        verdict(False, f"expected {len(expected)} areas, got {len(got)} tokens")
    for index, (token, want) in enumerate(zip(got, expected, strict=True), 1):
        try:
            value = float(token)
        except ValueError:
            verdict(False, f"area {index}: {token[:20]!r} is not a number")
        if not math.isfinite(value) or not math.isclose(
            value, want, rel_tol=TOLERANCE, abs_tol=TOLERANCE
        ):
            verdict(False, f"area {index}: expected {want}, got {token[:20]}")
    verdict(True, f"all {len(expected)} areas within {TOLERANCE}")


main()
