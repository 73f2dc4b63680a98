"""The four roles and which of them are an organisation's staff."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CANDIDATE = "candidate"
    INTERVIEWER = "interviewer"
    HR = "hr"
    ADMIN = "admin"


STAFF: frozenset[Role] = frozenset({Role.INTERVIEWER, Role.HR, Role.ADMIN})
EVERYONE: frozenset[Role] = frozenset(Role)
