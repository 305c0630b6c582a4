"""Monte Carlo schedule risk: three-point durations sampled over a network, vectorised.

`simulate(project, durations, ...)` samples every uncertain duration for all iterations at
once (an array of iterations x activities), then runs one forward and one backward pass over
the network in topological order in which each activity's dates are NumPy arrays over the
iterations. It answers the project finish distribution, the deterministic finish and where it
falls in that distribution, and per activity its criticality index and P80 finish.

The model (what it keeps of `sitebook.engine.cpm` and what it simplifies; `RiskResult.notes`
says which of the simplifications touched the project at hand):

* ONE calendar: every duration and lag is counted in working minutes of the project's default
  calendar, and dates appear only at the end (`CompiledCalendar.finish_at`). Activities on
  other calendars and lags counted on other calendars keep their minutes on this one; elapsed
  lags become working minutes at the calendar's hours per day. On a network whose activities
  and lags are all on the default calendar the passes are cpm_core's: with every duration
  fixed the finish is `cpm.schedule`'s finish exactly (tests/engine/test_risk.py).
* The four link types with lags and leads; percentage lags follow the sampled duration.
* Progress: completed activities are fixed at their actual dates (up to the data date),
  unless unfinished predecessors push them past it (out-of-sequence progress, as cpm_core);
  started ones keep their actual start and sample only their remaining share (the sample
  times remaining / original duration); nothing starts before the data date (or a resume).
* Start and finish "on or after" / "on" constraints are lower bounds, mandatory dates pin;
  an expected finish is a finish lower bound (unstarted) or fixes the remaining work (started).
  Upper-bound constraints, as-late-as-possible and the must-finish-by date are not used:
  total float in an iteration is measured against that iteration's own finish.
* Level-of-effort and WBS-summary activities are not sampled and never drive a predecessor's
  late dates (as in cpm_core).
* Criticality: an activity is critical in an iteration when its total float there (late
  finish - early finish, from a backward pass over the same arrays) is zero or less.

Durations are rounded to whole working minutes. Memory: the per-activity finishes are kept
as int32 for the P80s, 4 bytes x activities x iterations (2,000 x 1,000: 8 MB); the passes
run over chunks of iterations of at most `CHUNK_VALUES` values per array.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from sitebook.engine import cpm
from sitebook.engine.calendars import (
    CompiledCalendar,
    HorizonError,
    compile_calendar,
    from_minutes,
    to_minutes,
)
from sitebook.engine.cpm_core import horizon
from sitebook.engine.errors import NetworkError
from sitebook.engine.network import (
    Activity,
    Calendar,
    Project,
    Schedule,
)
from sitebook.engine.risk_passes import (
    MILESTONES,
    NONE,
    NOT_DRIVING,
    NOT_SAMPLED,
    RiskNetwork,
    critical_counts,
    forward,
    note,
    prepare,
)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

PERCENTILES = (10, 50, 80, 90)
#: Iterations per chunk are limited so that one array of the passes holds at most this many.
CHUNK_VALUES = 4_000_000
DEFAULT_ITERATIONS = 1000
PERT_LAMBDA = 4.0


class Distribution(StrEnum):
    """How a three-point duration is sampled."""

    TRIANGULAR = "triangular"
    #: PERT-beta with lambda 4: mean (a + 4m + b) / 6.
    PERT = "pert"


@dataclass(frozen=True)
class ThreePoint:
    """Optimistic <= most likely <= pessimistic duration, in working minutes."""

    optimistic: int
    most_likely: int
    pessimistic: int

    def __post_init__(self) -> None:
        if not 0 <= self.optimistic <= self.most_likely <= self.pessimistic:
            raise ValueError(f"three-point durations out of order: {self}")


@dataclass(frozen=True)
class HistogramBin:
    """Iterations whose finish falls in [start, end) (the last bin includes its end)."""

    start: dt.datetime
    end: dt.datetime
    count: int


@dataclass(frozen=True)
class ActivityRisk:
    """One activity's share of iterations on the critical path and its P80 finish."""

    id: str
    code: str
    sampled: bool
    criticality: float
    p80_finish: dt.datetime


@dataclass
class RiskResult:
    """What `simulate` answers (dates on the default calendar, finish form)."""

    iterations: int
    distribution: Distribution
    seed: int
    calendar_id: str
    mean_finish: dt.datetime
    percentiles: dict[int, dt.datetime]
    #: `cpm.schedule(project).finish` and the share of iterations finishing by then (0..1).
    deterministic_finish: dt.datetime
    deterministic_percentile: float
    #: The risk model's own finish with every duration at its planned remaining value; it
    #: differs from `deterministic_finish` only through the simplifications in `notes`.
    model_finish: dt.datetime
    histogram: list[HistogramBin]
    activities: list[ActivityRisk]
    sampled: list[str]
    #: simplification kind (`risk_passes.OTHER_CALENDAR`, ...) -> activities or links touched
    notes: dict[str, int] = field(default_factory=dict)


def simulate(
    project: Project,
    durations: dict[str, ThreePoint],
    *,
    distribution: Distribution = Distribution.TRIANGULAR,
    iterations: int = DEFAULT_ITERATIONS,
    seed: int | None = None,
    bins: int = 20,
) -> RiskResult:
    """Run the Monte Carlo analysis (see the module docstring for the model).

    `durations` maps activity ids to their three-point durations; completed activities and
    the ids of unknown activities are ignored (never sampled), milestones too. Without `seed`
    one is drawn and reported, so any run can be repeated.
    """
    if iterations < 1:
        raise ValueError("iterations must be at least 1")
    if project.data_date is None:
        raise NetworkError(f"project {project.code!r} has no data date or planned start")
    if seed is None:
        seed = int(np.random.default_rng().integers(0, 2**31 - 1))
    deterministic = cpm.schedule(project)
    extra = 0
    for _ in range(6):
        try:
            return _simulate(
                project, durations, distribution, iterations, seed, bins, extra, deterministic
            )
        except HorizonError:
            extra = extra * 4 + 3650
    raise NetworkError("risk analysis runs beyond any calendar horizon")


def _simulate(
    project: Project,
    durations: dict[str, ThreePoint],
    distribution: Distribution,
    iterations: int,
    seed: int,
    bins: int,
    extra_days: int,
    deterministic: Schedule,
) -> RiskResult:
    acts = project.activities
    pessimistic_extra = sum(max(0, t.pessimistic - t.most_likely) for t in durations.values())
    first, last = horizon(project, extra_days + pessimistic_extra * 3 // 1440)
    default_id = project.default_calendar_id
    source = project.calendars.get(default_id) or Calendar(id=default_id)
    cal = compile_calendar(source, first, last)
    notes: dict[str, int] = {}
    net = prepare(project, cal, notes)
    sampled = [
        i
        for i, a in enumerate(acts)
        if a.id in durations and not net.complete[i] and a.type not in MILESTONES
        and a.type not in NOT_DRIVING and net.fixed_finish[i] == NONE
    ]  # fmt: skip
    rng = np.random.default_rng(seed)
    n = len(acts)
    chunk = max(1, min(iterations, CHUNK_VALUES // max(1, n)))
    finishes = np.empty(iterations, dtype=np.int64)
    act_finish = np.empty((n, iterations), dtype=np.int32)
    critical = np.zeros(n, dtype=np.int64)
    points, scale = _sampling_inputs(acts, durations, sampled, net)
    unused = sum(1 for a in acts if a.id in durations) - len(sampled)
    note(notes, NOT_SAMPLED, unused)
    # Durations not sampled are 0-d arrays: they broadcast over the iterations.
    fixed = [np.asarray(net.base[i], dtype=np.int64) for i in range(n)]
    for at in range(0, iterations, chunk):
        size = min(chunk, iterations - at)
        draws = _sample(rng, distribution, points, size)  # iterations x sampled
        dur = list(fixed)
        for col, i in enumerate(sampled):
            dur[i] = np.rint(draws[:, col] * scale[col]).astype(np.int64)
        es, ef = forward(net, dur, size)
        stacked = np.stack(ef) if n else np.full((1, size), net.data_w, np.int64)
        finish = stacked.max(axis=0)
        finishes[at : at + size] = finish
        act_finish[:, at : at + size] = stacked[:n]
        critical += critical_counts(net, dur, es, ef, finish)
    _, model_ef = forward(net, list(fixed), 1)
    model_w = max((int(x[0]) for x in model_ef), default=net.data_w)
    if max(int(finishes.max()), model_w) >= cal.total:
        raise HorizonError("risk finishes past the calendar horizon")
    det_w = cal.ordinal(to_minutes(deterministic.finish))
    chosen = set(sampled)
    # One call for all activities: the smallest finish with 80 % of the iterations by then.
    p80: I64 = np.quantile(act_finish, 0.8, axis=1, method="inverted_cdf").astype(np.int64)
    return RiskResult(
        iterations=iterations,
        distribution=distribution,
        seed=seed,
        calendar_id=default_id,
        mean_finish=_date(cal, round(float(finishes.mean()))),
        percentiles={p: _date(cal, _quantile(finishes, p)) for p in PERCENTILES},
        deterministic_finish=deterministic.finish,
        deterministic_percentile=float(np.count_nonzero(finishes <= det_w)) / iterations,
        model_finish=_date(cal, model_w),
        histogram=_histogram(cal, finishes, bins),
        activities=[
            ActivityRisk(
                id=a.id,
                code=a.code,
                sampled=i in chosen,
                criticality=float(critical[i]) / iterations,
                p80_finish=_date(cal, int(p80[i])),
            )
            for i, a in enumerate(acts)
        ],
        sampled=[acts[i].id for i in sampled],
        notes=notes,
    )


def _date(cal: CompiledCalendar, w: int) -> dt.datetime:
    """Working ordinal `w` as a finish moment on `cal`."""
    return from_minutes(cal.finish_at(w))


def _quantile(values: npt.NDArray[np.int64] | npt.NDArray[np.int32], p: int) -> int:
    """The smallest sampled value with at least p % of the samples at or below it."""
    return int(np.quantile(values, p / 100, method="inverted_cdf"))


def _histogram(cal: CompiledCalendar, finishes: I64, bins: int) -> list[HistogramBin]:
    """`bins` equal bins of whole working minutes from the earliest to the latest finish."""
    lo, hi = int(finishes.min()), int(finishes.max())
    width = max(1, math.ceil((hi - lo + 1) / bins))
    edges = np.arange(lo, lo + width * (bins + 1), width, dtype=np.int64)[: bins + 1]
    counts = np.bincount((finishes - lo) // width, minlength=bins)[:bins]
    return [
        HistogramBin(_date(cal, int(edges[k])), _date(cal, int(edges[k + 1])), int(counts[k]))
        for k in range(bins)
        if edges[k] <= hi
    ]


def _sampling_inputs(
    acts: list[Activity], durations: dict[str, ThreePoint], sampled: list[int], net: RiskNetwork
) -> tuple[F64, F64]:
    """Per sampled activity: a row (optimistic, most likely, pessimistic), and the share
    of the sample that is still to do (remaining / original for started work, else 1)."""
    points = np.array(
        [
            (
                durations[acts[i].id].optimistic,
                durations[acts[i].id].most_likely,
                durations[acts[i].id].pessimistic,
            )
            for i in sampled
        ],
        dtype=np.float64,
    ).reshape(-1, 3)
    scale = np.array([_share(acts[i], net.started[i]) for i in sampled], dtype=np.float64)
    return points, scale


def _share(a: Activity, started: bool) -> float:
    """The part of a sampled duration still to do."""
    if not started:
        return 1.0
    if a.original_duration > 0:
        return a.remaining_duration / a.original_duration
    return max(0.0, 1.0 - a.percent_complete / 100.0)


def _sample(rng: np.random.Generator, distribution: Distribution, points: F64, size: int) -> F64:
    """Durations for `size` iterations: an array of iterations x sampled activities."""
    a, m, b = points[:, 0], points[:, 1], points[:, 2]
    width = b - a
    flat = width <= 0
    safe = np.where(flat, 1.0, width)
    if distribution is Distribution.PERT:
        alpha = np.where(flat, 1.0, 1.0 + PERT_LAMBDA * (m - a) / safe)
        beta = np.where(flat, 1.0, 1.0 + PERT_LAMBDA * (b - m) / safe)
        x = rng.beta(alpha, beta, size=(size, len(a)))
        out: F64 = a + x * width
        return out
    # Triangular by inverting its distribution function (numpy's refuses a == b).
    u = rng.random((size, len(a)))
    cut = np.where(flat, 0.0, (m - a) / safe)
    left = a + np.sqrt(u * width * (m - a))
    right = b - np.sqrt((1.0 - u) * width * (b - m))
    found: F64 = np.where(u < cut, left, right)
    return found
