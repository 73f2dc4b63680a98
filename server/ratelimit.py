"""Fixed-window rate limits kept on the bus, so every node counts the same attempts."""

from __future__ import annotations

from server.bus import Bus
from server.errors import ApiError
from server.settings import RatePolicy


def _too_many(retry_after_s: int) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        f"too many attempts; try again in {retry_after_s} s",
        headers={"Retry-After": str(retry_after_s)},
    )


async def spend(bus: Bus, key: str, policy: RatePolicy) -> None:
    """Count one attempt under ``key``; 429 once the window's budget is spent."""
    window = await bus.hit(key, policy.window_s)
    if window.count > policy.count:
        raise _too_many(window.resets_in_s)


async def ensure_budget(bus: Bus, key: str, policy: RatePolicy) -> None:
    """429 if ``key`` has no attempts left, without counting this one."""
    window = await bus.peek(key)
    if window.count >= policy.count:
        raise _too_many(window.resets_in_s)


async def count_failure(bus: Bus, key: str, policy: RatePolicy) -> None:
    await bus.hit(key, policy.window_s)
