"""Reading generators: how far each period's value falls from what the metric expects, told as a story.

A story is a list of shortfalls, one per period (None: nothing reported). A shortfall `s` is measured in
off-track bands: `s <= 0` meets the expectation, `s` up to the at-risk share of the band is on track, up to 1 is
at risk, above 1 off track. `reading_value` turns it into a value in the metric's unit against the engine's own
expectation, so the statuses the engine computes are the ones the story tells.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from random import Random

from app.demo.specs import MetricSpec, Story
from app.engine import Definition, Direction, ToleranceMode, expected_at
from app.periods import Cadence, Period

Path = list[float | None]

# Stories drawn for metrics the catalogue leaves open: mostly on track, a fair share in trouble.
DRAWN = {
    Story.steady: 44,
    Story.noisy: 24,
    Story.recovering: 10,
    Story.slipping: 6,
    Story.dip: 6,
    Story.stale: 7,
    Story.never: 3,
}
# How many periods a slide off track (or a stretch off track) lasts, by cadence.
_SLIDE = {Cadence.weekly: 12, Cadence.monthly: 6, Cadence.quarterly: 3, Cadence.annual: 2}
_RUN = {Cadence.weekly: 8, Cadence.monthly: 4, Cadence.quarterly: 2, Cadence.annual: 1}
# Weeks are short: a metric stops being overdue-worthy only after several silent ones (grace days).
_SILENCE = {Cadence.weekly: (4, 8), Cadence.monthly: (2, 5), Cadence.quarterly: (2, 4), Cadence.annual: (2, 2)}


def draw(rng: Random) -> Story:
    return rng.choices(list(DRAWN), weights=list(DRAWN.values()))[0]


def story_path(story: Story, spec: MetricSpec, periods: list[Period], rng: Random, on_track_share: float) -> Path:
    """The shortfall of each period, oldest first. `on_track_share` is the at-risk band over the off-track band
    (shortfalls up to it are on track)."""
    if not periods:
        return []
    return _STORIES[story](_Context(spec, periods, rng, on_track_share))


# Period-to-period wobble of a metric on track, in off-track bands: small for short periods, whose trend the
# engine's forecast stretches furthest (a jittery week would "project" a miss years out).
_JITTER = {Cadence.weekly: 0.012, Cadence.monthly: 0.05, Cadence.quarterly: 0.08, Cadence.annual: 0.1}


class _Context:
    def __init__(self, spec: MetricSpec, periods: list[Period], rng: Random, on_track_share: float) -> None:
        self.spec, self.periods, self.rng, self.share = spec, periods, rng, on_track_share
        self.n = len(periods)
        self.level = rng.uniform(-0.45, 0.05)  # where this metric usually sits against its line
        self.jitter = _JITTER[spec.cadence]

    def fine(self) -> float:
        """A period on track, near the metric's usual level."""
        return min(self.level + self.rng.gauss(0, self.jitter), 0.6 * self.share)

    def steady(self) -> Path:
        return [self.fine() for _ in range(self.n)]


def _steady(c: _Context) -> Path:
    return c.steady()


def _noisy(c: _Context) -> Path:
    return [min(1.6, max(-1.0, c.level + c.rng.gauss(0.05, 0.28))) for _ in range(c.n)]


def _recovering(c: _Context) -> Path:
    """Fell off track around the middle of the term, then climbed back: the last periods are on track."""
    centre, width = c.n * 0.55, max(1.0, c.n / 7)
    path: Path = [1.8 * math.exp(-(((t - centre) / width) ** 2)) + c.fine() for t in range(c.n)]
    back = min(3, max(1, c.n // 6))
    path[-back:] = [c.fine() for _ in range(back)]
    return path


def _turnaround(c: _Context) -> Path:
    """Off track for a stretch, back on track in the latest period only (a change the public pages show)."""
    path = c.steady()
    run = min(_RUN[c.spec.cadence], max(0, c.n - 1))
    for t in range(c.n - 1 - run, c.n - 1):
        path[t] = c.rng.uniform(1.3, 1.9)
    path[-1] = c.fine()
    return path


def _slipping(c: _Context) -> Path:
    """On track, then sliding off it, further each period."""
    path = c.steady()
    slide = min(_SLIDE[c.spec.cadence], max(1, c.n // 2))
    final = c.rng.uniform(1.5, 2.2)
    for i in range(slide):
        path[c.n - slide + i] = 0.3 + (final - 0.3) * (i + 1) / slide
    return path


def _dip(c: _Context) -> Path:
    """On track until the latest period, which is at risk."""
    path = c.steady()
    path[-1] = c.share + (1 - c.share) * c.rng.uniform(0.35, 0.75)
    return path


def _stale(c: _Context) -> Path:
    """Reported for a while, then nothing for a few periods."""
    path = _noisy(c) if c.rng.random() < 0.5 else c.steady()
    low, high = _SILENCE[c.spec.cadence]
    silent = min(c.n, c.rng.randint(low, high))
    return path[: c.n - silent] + [None] * silent


def _never(c: _Context) -> Path:
    return [None] * c.n


def _seasonal(c: _Context) -> Path:
    """Best half a year away from `worst_month`, at risk around it."""
    path: Path = []
    for period in c.periods:
        middle = period.start.month + (period.end.month - period.start.month) % 12 / 2
        season = math.cos(2 * math.pi * (middle - c.spec.worst_month) / 12)
        path.append(-0.25 + 0.7 * season + c.rng.gauss(0, c.jitter))
    return path


_STORIES: dict[Story, Callable[[_Context], Path]] = {
    Story.steady: _steady,
    Story.noisy: _noisy,
    Story.recovering: _recovering,
    Story.turnaround: _turnaround,
    Story.slipping: _slipping,
    Story.dip: _dip,
    Story.stale: _stale,
    Story.never: _never,
    Story.seasonal: _seasonal,
}


def reading_value(spec: MetricSpec, definition: Definition, period: Period, shortfall: float) -> Decimal:
    """The value that falls `shortfall` off-track bands short of the expectation, in the metric's bounds and
    rounded to its precision."""
    s = Decimal(str(round(shortfall, 4)))
    band = s * definition.off_track_tolerance
    if definition.direction == Direction.maintain_range:
        low, high = definition.range_min, definition.range_max
        assert low is not None and high is not None
        edge, outward = (high, 1) if spec.breach_high else (low, -1)
        if s <= 0:  # inside the range, up to 90 % of the way across it
            value = edge - outward * min(-s, Decimal(1)) * Decimal("0.9") * (high - low)
        else:
            value = edge + outward * _gap(definition, band, edge)
    else:
        expected = expected_at(definition, period)
        assert expected is not None
        gap = _gap(definition, band, expected)
        value = expected - gap if definition.direction == Direction.increase else expected + gap
    low_bound, high_bound = spec.valid
    if low_bound is not None:
        value = max(value, low_bound)
    if high_bound is not None:
        value = min(value, high_bound)
    return value.quantize(Decimal(1).scaleb(-spec.decimals), rounding=ROUND_HALF_EVEN)


def _gap(definition: Definition, band: Decimal, bound: Decimal) -> Decimal:
    """A shortfall measured in the tolerance mode (unit or percent of the bound), in the metric's unit."""
    if definition.tolerance_mode == ToleranceMode.absolute:
        return band
    return band / 100 * abs(bound)
