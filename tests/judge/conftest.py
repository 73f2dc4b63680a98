"""The judge's tests run real programs in the real sandbox (bubblewrap must be installed)."""

from __future__ import annotations

import pytest

from judge.runner import Judge


@pytest.fixture(scope="session")
def judge() -> Judge:
    return Judge()
