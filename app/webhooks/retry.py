"""When to try a failed delivery again: exponential back-off with jitter over about three days.

Nominal waits after each failed attempt; each actual wait is drawn uniformly between half the nominal wait and
all of it ("equal jitter"), so receivers that failed together are not hit again together, yet a wait never
shrinks to nothing (plain full jitter could retry a minute after a 20-hour back-off). Eleven attempts span
about 50 to 100 hours (on average a little over three days).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

BACKOFF: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
RETRY_AFTER_CAP = timedelta(hours=24)


def backoff(failed_attempts: int, rng: random.Random | None = None) -> timedelta | None:
    """The wait after the `failed_attempts`-th failure, or None when that was the last attempt."""
    if failed_attempts < 1 or failed_attempts >= MAX_ATTEMPTS:
        return None
    nominal = BACKOFF[failed_attempts - 1].total_seconds()
    draw = (rng or random).uniform(nominal / 2, nominal)
    return timedelta(seconds=draw)


def retry_after(value: str | None, *, now: datetime) -> timedelta | None:
    """The receiver's `Retry-After` (delay-seconds or an HTTP date), capped at a day; None if absent or invalid."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        wait = timedelta(seconds=int(text[:9]))
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        wait = when - now
    return max(timedelta(0), min(wait, RETRY_AFTER_CAP))


def next_wait(
    failed_attempts: int, retry_after_wait: timedelta | None, rng: random.Random | None = None
) -> timedelta | None:
    """Back-off, but never sooner than the receiver asked; None when no attempt is left."""
    wait = backoff(failed_attempts, rng)
    if wait is None:
        return None
    return max(wait, retry_after_wait) if retry_after_wait is not None else wait
