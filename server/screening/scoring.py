"""Scoring: quiz answers with partial credit, task scores, and the weighted total.

Pure functions of stored data, so a score can always be recomputed from what is kept.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

QUESTION_KINDS = ("single", "multiple", "text", "numeric")
MAX_OPTIONS = 12
MAX_PATTERN = 500


class AnswerKeyError(ValueError):
    """A question's answer key (or options) does not fit its kind."""


class AnswerError(ValueError):
    """A candidate's answer does not fit the question's kind."""


def check_question(kind: str, options: list[str], key: dict[str, Any]) -> None:
    """Refuse an answer key that could not be scored; the message names what is wrong."""
    if kind not in QUESTION_KINDS:
        raise AnswerKeyError(f"kind must be one of {', '.join(QUESTION_KINDS)}")
    if kind in ("single", "multiple"):
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise AnswerKeyError(f"a choice question needs 2 to {MAX_OPTIONS} options")
        if any(not isinstance(o, str) or not o.strip() for o in options):
            raise AnswerKeyError("every option needs text")
        correct = key.get("correct")
        if kind == "single":
            if not _is_int(correct) or not 0 <= correct < len(options):
                raise AnswerKeyError("answer_key.correct must be the index of one option")
        else:
            if (
                not isinstance(correct, list)
                or not correct
                or len(set(correct)) != len(correct)
                or any(not _is_int(c) or not 0 <= c < len(options) for c in correct)
            ):
                raise AnswerKeyError("answer_key.correct must list distinct option indices")
        return
    if options:
        raise AnswerKeyError(f"a {kind} question has no options")
    if kind == "text":
        accepted = key.get("accepted", [])
        pattern = key.get("pattern")
        if not isinstance(accepted, list) or any(not isinstance(a, str) for a in accepted):
            raise AnswerKeyError("answer_key.accepted must be a list of strings")
        if pattern is not None:
            if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
                raise AnswerKeyError(
                    f"answer_key.pattern must be a regular expression ≤ {MAX_PATTERN}"
                )
            try:
                re.compile(pattern)
            except re.error as exc:
                raise AnswerKeyError(
                    f"answer_key.pattern is not a valid regular expression: {exc}"
                ) from None
        if not accepted and not pattern:
            raise AnswerKeyError("a text question needs accepted answers or a pattern")
        if not isinstance(key.get("case_sensitive", False), bool):
            raise AnswerKeyError("answer_key.case_sensitive must be true or false")
        return
    value, tolerance = key.get("value"), key.get("tolerance", 0)
    if not _is_number(value) or not _is_number(tolerance) or tolerance < 0:
        raise AnswerKeyError("answer_key needs a numeric value and a tolerance ≥ 0")


def check_answer(kind: str, options: list[str], answer: dict[str, Any]) -> None:
    """Refuse an answer that does not fit the question (422 in the API)."""
    if kind == "single":
        choice = answer.get("choice")
        if set(answer) != {"choice"} or not _is_int(choice) or not 0 <= choice < len(options):
            raise AnswerError('answer must be {"choice": <index of one option>}')
    elif kind == "multiple":
        choices = answer.get("choices")
        if (
            set(answer) != {"choices"}
            or not isinstance(choices, list)
            or len(set(choices)) != len(choices)
            or any(not _is_int(c) or not 0 <= c < len(options) for c in choices)
        ):
            raise AnswerError('answer must be {"choices": [distinct option indices]}')
    elif kind == "text":
        text = answer.get("text")
        if set(answer) != {"text"} or not isinstance(text, str) or len(text) > 1000:
            raise AnswerError('answer must be {"text": <up to 1000 characters>}')
    else:
        value = answer.get("value")
        if set(answer) != {"value"} or not _is_number(value):
            raise AnswerError('answer must be {"value": <a number>}')


def answer_credit(kind: str, key: dict[str, Any], answer: dict[str, Any] | None) -> float:
    """The share (0..1) of a question's points this answer earns."""
    if answer is None:
        return 0.0
    if kind == "single":
        return 1.0 if answer.get("choice") == key["correct"] else 0.0
    if kind == "multiple":
        correct = set(key["correct"])
        picked = set(answer.get("choices", []))
        # right picks minus wrong picks, over the number of right options; never below 0
        return max(0.0, (len(picked & correct) - len(picked - correct)) / len(correct))
    if kind == "text":
        given = " ".join(str(answer.get("text", "")).split())
        sensitive = bool(key.get("case_sensitive", False))
        fold = (lambda s: s) if sensitive else str.casefold
        if any(fold(given) == fold(" ".join(a.split())) for a in key.get("accepted", [])):
            return 1.0
        pattern = key.get("pattern")
        if pattern:
            flags = 0 if sensitive else re.IGNORECASE
            return 1.0 if re.fullmatch(pattern, given, flags) else 0.0
        return 0.0
    value = answer.get("value")
    if not _is_number(value):
        return 0.0
    return 1.0 if abs(float(value) - float(key["value"])) <= float(key.get("tolerance", 0)) else 0.0


@dataclass(frozen=True)
class TaskScore:
    task_id: str
    title: str
    score: int
    max_score: int
    weight: int


@dataclass(frozen=True)
class QuestionScore:
    position: int
    earned: float
    points: int


def total_percent(tasks: list[TaskScore], quiz: list[QuestionScore], quiz_weight: int) -> float:
    """Weighted total in percent: each task by its weight, the quiz as one part by its weight.

    A part with nothing to earn (no tests with points, no questions) is left out rather than
    counted as zero.
    """
    parts: list[tuple[float, int]] = []
    for task in tasks:
        if task.max_score > 0:
            parts.append((task.score / task.max_score, task.weight))
    quiz_max = sum(q.points for q in quiz)
    if quiz_max > 0 and quiz_weight > 0:
        parts.append((sum(q.earned for q in quiz) / quiz_max, quiz_weight))
    weights = sum(w for _, w in parts)
    if weights == 0:
        return 0.0
    return round(100 * sum(share * w for share, w in parts) / weights, 2)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )
