"""Verdicts and how a run's usage maps onto them."""

from __future__ import annotations

from enum import StrEnum

from judge.limits import Limits, Usage


class Verdict(StrEnum):
    AC = "AC"  # accepted
    WA = "WA"  # wrong answer
    TLE = "TLE"  # CPU time limit exceeded
    WLE = "WLE"  # wall-clock limit exceeded while not using the CPU (sleeping, blocked)
    MLE = "MLE"  # memory limit exceeded
    RE = "RE"  # runtime error: non-zero exit or a signal
    OLE = "OLE"  # output limit exceeded
    CE = "CE"  # compilation error
    SE = "SE"  # system error: the judge failed, not the candidate


DESCRIPTIONS = {
    Verdict.AC: "accepted",
    Verdict.WA: "wrong answer",
    Verdict.TLE: "time limit exceeded",
    Verdict.WLE: "wall-clock limit exceeded (the program waited instead of computing)",
    Verdict.MLE: "memory limit exceeded",
    Verdict.RE: "runtime error",
    Verdict.OLE: "output limit exceeded",
    Verdict.CE: "compilation error",
    Verdict.SE: "judge error; this is not the candidate's fault",
}


def classify(usage: Usage, limits: Limits) -> Verdict | None:
    """The verdict a run earns by how it ended, or None when it ended normally (exit 0)."""
    if usage.limit_hit == "memory":
        return Verdict.MLE
    if usage.limit_hit == "output":
        return Verdict.OLE
    if usage.limit_hit == "cpu" or usage.cpu_ms > limits.cpu_ms or usage.signal == "SIGXCPU":
        return Verdict.TLE
    if usage.limit_hit == "wall":
        return Verdict.WLE
    if usage.signal == "SIGXFSZ":
        return Verdict.OLE
    if usage.signal is not None or usage.exit_code != 0:
        return Verdict.RE
    return None
