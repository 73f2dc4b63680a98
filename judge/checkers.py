"""Checkers: does a program's output answer the test? Exact, by tokens, by floats, or custom.

A custom checker speaks one of two protocols (``judge.runner`` runs it in the sandbox):

- ``testlib``: ``checker input output answer``; exit 0 accepted, 1 wrong answer, 2
  presentation error (also wrong); its stdout (or stderr) is the message.
- ``kattis`` (the Kattis / ICPC problem package format's output validators):
  ``validator input answer feedback_dir [arguments...]`` with the program's output on standard
  input; exit 42 accepted, 43 wrong answer; ``feedback_dir/judgemessage.txt`` is the message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

CheckerKind = Literal["exact", "tokens", "float", "custom"]
CheckerProtocol = Literal["testlib", "kattis"]
PROTOCOLS = ("testlib", "kattis")


@dataclass(frozen=True)
class CheckerSpec:
    """How a task's outputs are compared; ``custom`` names a checker program (sandboxed)."""

    kind: CheckerKind = "tokens"
    abs_tolerance: float = 1e-6
    rel_tolerance: float = 1e-6
    language: str | None = None
    source: str | None = None
    # how a custom checker is invoked and answers (see the module's docstring)
    protocol: CheckerProtocol = "testlib"
    # extra command-line arguments of a custom checker (a Kattis package's validator_flags)
    arguments: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind == "custom" and not (self.language and self.source):
            raise ValueError("a custom checker needs its language and source")
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"unknown checker protocol {self.protocol!r}")
        # stored as JSON, the arguments come back as a list
        arguments = tuple(self.arguments)
        if not all(isinstance(argument, str) for argument in arguments):
            raise ValueError("checker arguments must be strings")
        object.__setattr__(self, "arguments", arguments)
        if self.kind != "custom" and (self.protocol != "testlib" or arguments):
            raise ValueError("a protocol and arguments apply to custom checkers only")
        if self.abs_tolerance < 0 or self.rel_tolerance < 0:
            raise ValueError("tolerances cannot be negative")


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str = ""


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def exact(output: bytes, expected: bytes) -> Check:
    if output == expected:
        return Check(True)
    return Check(False, "the output differs from the expected output byte for byte")


def tokens(output: bytes, expected: bytes) -> Check:
    got, want = output.split(), expected.split()
    for index, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            return Check(False, f"token {index + 1}: expected {_short(b)}, got {_short(a)}")
    if len(got) != len(want):
        return Check(False, f"expected {len(want)} tokens, got {len(got)}")
    return Check(True)


def floats(output: bytes, expected: bytes, abs_tol: float, rel_tol: float) -> Check:
    got, want = output.split(), expected.split()
    if len(got) != len(want):
        return Check(False, f"expected {len(want)} tokens, got {len(got)}")
    for index, (a, b) in enumerate(zip(got, want, strict=True)):
        try:
            x, y = float(a), float(b)
        except ValueError:
            if a != b:
                return Check(False, f"token {index + 1}: expected {_short(b)}, got {_short(a)}")
            continue
        if math.isnan(y):
            if not math.isnan(x):
                return Check(False, f"token {index + 1}: expected nan, got {_short(a)}")
            continue
        if not math.isclose(x, y, rel_tol=rel_tol, abs_tol=abs_tol):
            return Check(
                False,
                f"token {index + 1}: expected {_short(b)}, got {_short(a)} (beyond tolerance)",
            )
    return Check(True)


def _short(token: bytes) -> str:
    text = _decode(token)
    return repr(text if len(text) <= 40 else text[:37] + "...")


def builtin(spec: CheckerSpec, output: bytes, expected: bytes) -> Check:
    if spec.kind == "exact":
        return exact(output, expected)
    if spec.kind == "float":
        return floats(output, expected, spec.abs_tolerance, spec.rel_tolerance)
    if spec.kind == "tokens":
        return tokens(output, expected)
    raise ValueError(f"{spec.kind} is not a built-in checker")
