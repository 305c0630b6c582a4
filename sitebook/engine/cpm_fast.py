"""Compiled CPM for large logic networks: NumPy index arrays and a numba kernel cached on disk.

`schedule(project)` gives exactly what `sitebook.engine.cpm_core.schedule` gives (the property
tests in `tests/engine/test_properties.py` hold the two to it) for the networks the kernel
covers, and None for the others, which `sitebook.engine.cpm.schedule` then hands to cpm_core.

What the kernel covers (`unsupported_reason` names the first thing it does not):

* tasks, start and finish milestones, with original/remaining durations;
* the four link types with positive and negative lags counted in working minutes (on the
  predecessor's, the successor's, the project default or a 24-hour calendar, or the link's own
  lag calendar), elapsed minutes, or a percentage of the predecessor's duration;
* a calendar per activity, the project's must-finish-by date, finish/start/smallest total
  float, free float, the total-float critical flag, and MS Project's late finish bounded by
  the project finish.

What it leaves to cpm_core: progress (actual dates, suspend/resume, expected finish),
constraints (including as-late-as-possible), level-of-effort and WBS-summary activities,
manually scheduled tasks, float measured on another calendar (`float_calendar_id`), the
longest-path critical definition, and any option or activity
field it does not know (so a semantic added to cpm_core later never silently differs here).

How: the network is compiled once into int64 arrays renumbered in topological order (CSR
lists of predecessors and successors with link type, lag and lag calendar per entry; one
64-byte state row per activity), and the calendars into one flat table: moment -> working
ordinal is `day_cum[day] + pattern[minute of day]` (no search), ordinal -> moment a bucket
lookup plus a step or two (see `sitebook.engine._kernel`). A duration or lag is integer
addition on a calendar's ordinal axis; moving between calendars goes through absolute minutes
since 1970; a link without lag between activities on the same calendar needs no lookup.

Dispatch thresholds (`worth_it`), measured on the 2-core development machine with random
unprogressed networks of ~1.5 links per activity on three calendars:

* a process that has not loaded the kernel yet pays ~0.45 s to import numba and ~0.1-0.2 s
  to load the cached machine code. Whole `schedule()` call including that, vs cpm_core:
  10k activities 0.67 s vs 0.42 s, 20k 0.78 s vs 0.71 s, 40k 0.79 s vs 1.23 s, 60k 1.12 s
  vs 2.03 s. So `KERNEL_MIN_ACTIVITIES` = 25 000: a CLI call on a 4 000-activity XER
  (HS2: ~0.6 s as a whole process) never imports numba;
* once loaded (a server after its first large schedule), the kernel wins from a few hundred
  activities: 100 activities 6.7 ms vs 3.8 ms, 300 14 ms vs 10.5 ms, 1 000 15 ms vs 33 ms,
  3 000 20 ms vs 87 ms. So `KERNEL_MIN_ACTIVITIES_WARM` = 500.

Above ~10k activities the time is in building Python objects (reading `Activity`s, creating
`ActivityResult`s), not in the passes: 100k activities take ~15 ms of passes and ~1 s in all.
numba's compiled code is cached on disk (`cache=True`), in a per-user directory when the
package directory is not writable, so only the very first call compiles (~10 s).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from sitebook.engine import _kernel
from sitebook.engine.calendars import EPOCH, CompiledCalendar, compile_calendar, to_minutes
from sitebook.engine.network import (
    Activity,
    ActivityResult,
    ActivityType,
    Calendar,
    CriticalDefinition,
    LagCalendarRule,
    LagUnit,
    Link,
    LinkType,
    Project,
    Schedule,
    ScheduleOptions,
    calendar_24h,
)

I64 = npt.NDArray[np.int64]

#: Below this many activities a process that has not loaded the kernel yet stays on cpm_core
#: (see the module docstring for the measurements behind both thresholds).
KERNEL_MIN_ACTIVITIES = 25_000
#: Once the kernel is loaded in this process (a server after its first large schedule), it
#: pays from this size on.
KERNEL_MIN_ACTIVITIES_WARM = 500
#: Environment override: "auto" (default, the size rule), "always" or "never".
KERNEL_ENV = "SITEBOOK_CPM_KERNEL"

FS, SS, FF, SF = _kernel.FS, _kernel.SS, _kernel.FF, _kernel.SF
_KIND = {LinkType.FS: FS, LinkType.SS: SS, LinkType.FF: FF, LinkType.SF: SF}
_MILESTONES = {ActivityType.START_MILESTONE, ActivityType.FINISH_MILESTONE}
_COVERED_TYPES = {ActivityType.TASK, *_MILESTONES}

# Fields whose meaning the kernel implements (or which cannot matter without progress,
# constraints and summaries; the property tests vary them all); any other field must hold its
# default for the kernel to be used (e.g. `open_ends_to_project_finish`, which cpm_core does
# not read today).
_OPTION_FIELDS = {
    "progress_override",
    "lag_calendar",
    "float_type",
    "use_expected_finish",
    "critical",
    "critical_float_minutes",
    "ss_lag_from_actual_start",
    "float_on_completed",
    "late_finish_by_project_finish",
    "actual_dates_as_early_dates",
    "roll_up_wbs_summaries",
    "dates_on_completed",
    "alap_float_from_block_pass",  # acts on as-late-as-possible constraints only
}
_ACTIVITY_FIELDS = {
    "id",
    "code",
    "name",
    "type",
    "calendar_id",
    "original_duration",
    "remaining_duration",
    "primary_constraint",
    "secondary_constraint",
    "actual_start",
    "actual_finish",
    "suspend",
    "resume",
    "expected_finish",
    "percent_complete",
    "wbs_id",
    "manually_scheduled",
}
_LINK_FIELDS = {"pred_id", "succ_id", "type", "lag", "lag_unit", "lag_calendar_id"}
_PROJECT_FIELDS = {
    "code",
    "name",
    "data_date",
    "planned_start",
    "must_finish_by",
    "default_calendar_id",
    "options",
    "calendars",
    "activities",
    "links",
    "wbs_parent",
}


def worth_it(n_activities: int) -> bool:
    """Whether `sitebook.engine.cpm.schedule` should try the kernel for this many activities.

    Honours `SITEBOOK_CPM_KERNEL` ("always" / "never"); otherwise the size rule: at least
    `KERNEL_MIN_ACTIVITIES` in a process that would first have to import numba, at least
    `KERNEL_MIN_ACTIVITIES_WARM` once the kernel is loaded.
    """
    mode = os.environ.get(KERNEL_ENV, "auto").lower()
    if mode == "always":
        return True
    if mode == "never":
        return False
    warm = True in _loaded
    return n_activities >= (KERNEL_MIN_ACTIVITIES_WARM if warm else KERNEL_MIN_ACTIVITIES)


# -- loading the kernel ----------------------------------------------------------------------


def _ensure_cache_dir() -> None:
    """Point numba's cache at a per-user directory when the package's is not writable."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    if not os.access(Path(__file__).parent, os.W_OK):
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        target = Path(base) / "sitebook" / "numba"
        target.mkdir(parents=True, exist_ok=True)
        os.environ["NUMBA_CACHE_DIR"] = str(target)


_loaded: dict[bool, ModuleType] = {}
_HELPERS = (
    "day_row",
    "ordinal",
    "on_working_time",
    "normalize_back",
    "holding",
    "start_at",
    "finish_at",
)


def kernel(jit: bool = True) -> ModuleType:
    """The kernel module: its `build` and `passes` compiled by numba, or a plain-Python copy.

    The compiled functions are cached on disk, so after the first run a new process only
    loads machine code. The plain copy is a second instance of `_kernel` that numba never
    touches (the benchmark's pure-Python baseline and a fallback when numba is missing).
    """
    found = _loaded.get(jit)
    if found is not None:
        return found
    with _loading:
        found = _loaded.get(jit)
        if found is None:
            found = _load(jit)
            _loaded[jit] = found
    return found


_loading = threading.Lock()


def _load(jit: bool) -> ModuleType:
    if jit:
        try:
            _ensure_cache_dir()
            import numba
        except ImportError:
            return _load(jit=False)
        for name in _HELPERS:
            setattr(_kernel, name, numba.njit(cache=True, inline="always")(getattr(_kernel, name)))
        _kernel.build = numba.njit(cache=True)(_kernel.build)
        _kernel.passes = numba.njit(cache=True)(_kernel.passes)
        found = _kernel
    else:
        spec = importlib.util.spec_from_file_location(
            "sitebook.engine._kernel_plain", _kernel.__file__
        )
        assert spec is not None and spec.loader is not None
        found = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = found
        spec.loader.exec_module(found)
    return found


# -- calendars ---------------------------------------------------------------------------------


def stack_calendars(cals: list[CompiledCalendar]) -> I64:
    """Stack compiled calendars (same first and last day) into the kernel's calendar blob.

    Calendar `c` of the blob is `cals[c]`; see `sitebook.engine._kernel` for the layout. The
    day patterns come from each calendar's definition (week and exceptions), one Python step
    per day, as `compile_calendar` itself does.
    """
    first = cals[0]
    h0 = first.horizon_start
    if any(c.horizon_start != h0 or c.horizon_end != first.horizon_end for c in cals):
        raise ValueError("calendars must share one horizon")
    ndays = (first.horizon_end - h0) // 1440
    keys = (
        _kernel.STARTS,
        _kernel.CUMB,
        _kernel.LO,
        _kernel.HI,
        _kernel.TOTAL,
        _kernel.WK_HINT,
        _kernel.WBASE,
        _kernel.DAY_CUM,
        _kernel.DAY_PAT,
        _kernel.PAT,
    )
    tables: dict[int, list[Any]] = {key: [] for key in keys}
    patterns: dict[tuple[tuple[int, int], ...], int] = {}
    offset = 0
    woffset = 0
    shift = _kernel.WK_SHIFT
    one = dt.timedelta(days=1)
    for c in cals:
        k = len(c.starts)
        cumb = c.cum[:-1]
        buckets = np.arange((int(c.total) >> shift) + 1, dtype=np.int64) << shift
        tables[_kernel.STARTS].append(c.starts)
        tables[_kernel.CUMB].append(cumb)
        tables[_kernel.LO].append([offset])
        tables[_kernel.HI].append([offset + k])
        tables[_kernel.TOTAL].append([int(c.total)])
        tables[_kernel.WK_HINT].append(offset + np.searchsorted(cumb, buckets, "right") - 1)
        tables[_kernel.WBASE].append([woffset])
        woffset += len(buckets)
        offset += k
        day_pat = [0] * ndays
        day_len = [0] * ndays
        day = c.first_day
        for d in range(ndays):
            key = tuple((s, e) for s, e in c.calendar.intervals_on(day) if s < e)
            found = patterns.get(key)
            if found is None:
                found = patterns[key] = len(patterns)
            day_pat[d] = found * _kernel.PAT_ROW
            day_len[d] = sum(e - s for s, e in key)
            day += one
        tables[_kernel.DAY_PAT].append(day_pat)
        tables[_kernel.DAY_CUM].append(np.concatenate([[0], np.cumsum(day_len)]))
    for pattern in patterns:
        mask = np.zeros(1440, dtype=np.int64)
        for s, e in pattern:
            mask[s:e] = 1
        tables[_kernel.PAT].append(np.concatenate([[0], np.cumsum(mask)]))
    header = np.zeros(_kernel.HEADER, dtype=np.int64)
    header[_kernel.H0] = h0
    header[_kernel.NDAYS] = ndays
    header[_kernel.NCAL] = len(cals)
    parts = [header]
    at = _kernel.HEADER
    for slot, chunks in tables.items():
        flat = np.concatenate([np.asarray(x, dtype=np.int64) for x in chunks])
        header[slot] = at
        at += len(flat)
        parts.append(flat)
    return np.ascontiguousarray(np.concatenate(parts), dtype=np.int64)


# -- the network -------------------------------------------------------------------------------


@dataclasses.dataclass
class CompiledNetwork:
    """A network renumbered in topological order: position k holds activity `order[k]`.

    `st` is the kernel's state, one row of `_kernel.ROW` integers per position (calendar and
    duration filled in; the passes write the rest in place). The links are stored twice in
    CSR form, as rows of `_kernel.LROW` integers (other end, type, lag, lag calendar): into
    each position (`in_ptr`, `inl`) and out of each (`out_ptr`, `outl`).
    """

    n: int
    order: I64
    st: Any
    in_ptr: Any
    inl: Any
    out_ptr: Any
    outl: Any

    def args(self) -> tuple[Any, ...]:
        """The network in the order `_kernel.passes` takes it."""
        return (
            self.n,
            self.st,
            self.in_ptr,
            self.inl,
            self.out_ptr,
            self.outl,
        )


def compile_network(
    dur: I64,
    cal: I64,
    start_ms: I64,
    pred: I64,
    succ: I64,
    kind: I64,
    lag: I64,
    lag_cal: I64,
    jit: bool = True,
) -> CompiledNetwork | None:
    """Renumber activities in topological order and build both CSR lists; None on a loop.

    Inputs are per activity (duration in working minutes, calendar index, start-milestone flag)
    and per link (predecessor and successor index, type code, lag in working minutes of the
    lag calendar, lag calendar index). With `jit=False` the plain-Python kernel runs over lists.
    """
    n = int(len(dur))
    m = int(len(pred))
    k = kernel(jit)

    def new(size: int) -> Any:
        return np.empty(size, np.int64) if jit else [0] * size

    def conv(a: Any) -> Any:
        return np.ascontiguousarray(a, dtype=np.int64) if jit else np.asarray(a).tolist()

    order, rank, indeg, ptr, slot = new(n), new(n), new(n), new(n + 1), new(m)
    csr = [new(n + 1), new(m * _kernel.LROW), new(n + 1), new(m * _kernel.LROW)]
    done = k.build(n, *(conv(a) for a in (pred, succ, kind, lag, lag_cal)), order, rank, indeg,
                   ptr, slot, *csr)  # fmt: skip
    if done < n:
        return None
    order_a = np.asarray(order, dtype=np.int64)
    st = np.zeros((n, _kernel.ROW), dtype=np.int64)
    st[:, _kernel.CAL] = np.asarray(cal, dtype=np.int64)[order_a] * 2
    st[:, _kernel.CAL] += np.asarray(start_ms, dtype=np.int64)[order_a] != 0
    st[:, _kernel.DUR] = np.asarray(dur, dtype=np.int64)[order_a]
    flat: Any = st.reshape(-1) if jit else st.reshape(-1).tolist()
    return CompiledNetwork(n, order_a, flat, *csr)


@dataclasses.dataclass
class PassResult:
    """Kernel output per topological position (see `_kernel.passes`): ordinals on each
    activity's calendar (`es`, `ef`, `lw` = late finish), moments in absolute minutes
    (`ds`, `df` early, `ls`, `lf` the late dates shown), floats in working minutes, the
    project finish."""

    finish: int
    es: I64
    ef: I64
    ds: I64
    df: I64
    ls: I64
    lf: I64
    lw: I64
    tf: I64
    ff: I64
    horizon_error: bool


def run_passes(
    net: CompiledNetwork,
    blob: I64,
    data_date: int,
    anchor: int = -1,
    bound_all: bool = False,
    jit: bool = True,
) -> PassResult:
    """Forward, backward and float over a compiled network (times in absolute minutes).

    The passes write into `net.st` (one network, one run at a time); the result's arrays are
    views of it until the next run.
    """
    k = kernel(jit)
    n = net.n
    b: Any = blob.copy()
    b[_kernel.ERR] = 0
    work: Any
    if jit:
        tf: Any = np.empty(n, np.int64)
        ff: Any = np.empty(n, np.int64)
        late_s: Any = np.empty(n, np.int64)
        late_f: Any = np.empty(n, np.int64)
        work = np.empty(2 * int(b[_kernel.NCAL]), np.int64)
    else:
        tf, ff, late_s, late_f = [0] * n, [0] * n, [0] * n, [0] * n
        work = [0] * (2 * int(b[_kernel.NCAL]))
        b = b.tolist()
    finish = k.passes(
        *net.args(), b, data_date, anchor, int(bound_all), tf, ff, late_s, late_f, work
    )
    st = np.asarray(net.st, dtype=np.int64).reshape(n, _kernel.ROW)
    ef = st[:, _kernel.EF]
    return PassResult(
        int(finish),
        ef - st[:, _kernel.DUR],
        ef,
        st[:, _kernel.DS],
        st[:, _kernel.DF],
        np.asarray(late_s, dtype=np.int64),
        np.asarray(late_f, dtype=np.int64),
        st[:, _kernel.LW],
        np.asarray(tf, dtype=np.int64),
        np.asarray(ff, dtype=np.int64),
        horizon_error=bool(b[_kernel.ERR]),
    )


# -- from a Project ----------------------------------------------------------------------------


def _off_default(obj: object, known: set[str]) -> str | None:
    """The first dataclass field of `obj` outside `known` that does not hold its default."""
    for f in dataclasses.fields(obj):  # type: ignore[arg-type]
        if f.name in known:
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            return f.name
        if getattr(obj, f.name) != default:
            return f.name
    return None


def _unknown_fields(cls: type, known: set[str]) -> bool:
    return any(f.name not in known for f in dataclasses.fields(cls))


def unsupported_reason(project: Project) -> str | None:
    """Why the kernel cannot schedule `project` exactly as cpm_core would, or None if it can."""
    if project.data_date is None:
        return "no data date"
    if not project.activities:
        return "no activities"
    options = project.options
    if options.critical is not CriticalDefinition.TOTAL_FLOAT:
        return "longest-path critical definition"
    if _unknown_fields(ScheduleOptions, _OPTION_FIELDS):
        name = _off_default(options, _OPTION_FIELDS)
        if name:
            return f"option {name}"
    if _unknown_fields(Project, _PROJECT_FIELDS):
        name = _off_default(project, _PROJECT_FIELDS)
        if name:
            return f"project field {name}"
    acts = project.activities
    bad = next(
        (
            a
            for a in acts
            if a.type not in _COVERED_TYPES
            or a.primary_constraint is not None
            or a.secondary_constraint is not None
            or a.actual_start is not None
            or a.actual_finish is not None
            or a.suspend is not None
            or a.resume is not None
            or a.expected_finish is not None
            or a.manually_scheduled
            or a.original_duration < 0
            or a.remaining_duration < 0
        ),
        None,
    )
    if bad is not None:
        if bad.type not in _COVERED_TYPES:
            return f"activity {bad.code}: {bad.type.value}"
        if bad.primary_constraint is not None or bad.secondary_constraint is not None:
            return f"activity {bad.code}: constraint"
        if bad.manually_scheduled:
            return f"activity {bad.code}: manually scheduled"
        if bad.original_duration < 0 or bad.remaining_duration < 0:
            return f"activity {bad.code}: negative duration"
        return f"activity {bad.code}: progress"
    if _unknown_fields(Activity, _ACTIVITY_FIELDS):
        for a in acts:
            name = _off_default(a, _ACTIVITY_FIELDS)
            if name:
                return f"activity {a.code}: field {name}"
    ids = {a.id for a in acts}
    if len(ids) != len(acts):
        return "duplicate activity ids"
    links = project.links
    if any(k.pred_id not in ids or k.succ_id not in ids for k in links):
        return "link to an unknown activity"
    if _unknown_fields(Link, _LINK_FIELDS):
        for k in links:
            name = _off_default(k, _LINK_FIELDS)
            if name:
                return f"link field {name}"
    return None


#: First calendar horizon tried beyond the project's dates, in days; longer schedules retry.
_FIRST_SPAN_DAYS = 3 * 366


def _horizons(project: Project) -> Iterator[tuple[dt.date, dt.date]]:
    """Day ranges to compile calendars over, shortest first: the project's dates plus room for
    the work. The first guess is short because compiling calendars over cpm_core's worst case
    (up to 60 years) costs more than the passes; a run that leaves the horizon retries."""
    moments = [m for m in (project.data_date, project.planned_start, project.must_finish_by) if m]
    total = sum(max(a.original_duration, a.remaining_duration) for a in project.activities)
    lag_total = sum(abs(k.lag) for k in project.links if k.lag_unit is not LagUnit.PERCENT)
    span_days = min((total + lag_total) * 3 // 1440 + 60, 366 * 60)
    spans = [(min(span_days, _FIRST_SPAN_DAYS), 0)] if span_days > _FIRST_SPAN_DAYS else []
    extra = 0
    for _ in range(6):
        spans.append((span_days, extra))
        extra = extra * 4 + 3650
    low, high = min(moments).date(), max(moments).date()
    for span, more in spans:
        try:
            yield low - dt.timedelta(days=400 + more), high + dt.timedelta(days=span + 400 + more)
        except OverflowError:
            return


def _arrays(project: Project) -> tuple[list[Calendar], list[I64]]:
    """The project as kernel arrays: calendars in index order, then the per-activity and
    per-link arrays of `compile_network` (the project must pass `unsupported_reason`)."""
    options = project.options
    calendars: list[Calendar] = []
    cal_index: dict[str, int] = {}

    def calendar_of(cid: str) -> int:
        found = cal_index.get(cid)
        if found is None:
            source = project.calendars.get(cid)
            if source is None:
                source = project.calendars.get(project.default_calendar_id) or Calendar(id=cid)
            found = cal_index[cid] = len(calendars)
            calendars.append(source)
        return found

    acts = project.activities
    index = {a.id: i for i, a in enumerate(acts)}
    for cid in dict.fromkeys(a.calendar_id for a in acts):
        calendar_of(cid)
    act_cal = np.fromiter((cal_index[a.calendar_id] for a in acts), np.int64, len(acts))
    milestones = _MILESTONES
    dur = np.fromiter(
        (0 if a.type in milestones else a.remaining_duration for a in acts), np.int64, len(acts)
    )
    start = ActivityType.START_MILESTONE
    start_ms = np.fromiter((a.type is start for a in acts), np.int64, len(acts))
    h24 = cal_index["\x0024h"] = len(calendars)
    calendars.append(calendar_24h())
    links = project.links
    m = len(links)
    pred = np.fromiter((index[k.pred_id] for k in links), np.int64, m)
    succ = np.fromiter((index[k.succ_id] for k in links), np.int64, m)
    kind = np.fromiter((_KIND[k.type] for k in links), np.int64, m)
    lag = np.fromiter((k.lag for k in links), np.int64, m)
    rule = options.lag_calendar
    if rule is LagCalendarRule.SUCCESSOR:
        lag_cal = act_cal[succ]
    elif rule is LagCalendarRule.TWENTY_FOUR_HOUR:
        lag_cal = np.full(m, h24, np.int64)
    elif rule is LagCalendarRule.PROJECT_DEFAULT:
        lag_cal = np.full(m, calendar_of(project.default_calendar_id), np.int64)
    else:
        lag_cal = act_cal[pred]
    working = LagUnit.WORKING
    special = [j for j, k in enumerate(links) if k.lag_unit is not working or k.lag_calendar_id]
    for j in special:
        k = links[j]
        if k.lag_unit is LagUnit.PERCENT:
            lag[j] = int(dur[pred[j]]) * k.lag // 10000
        if k.lag_unit is LagUnit.ELAPSED:
            lag_cal[j] = h24
        elif k.lag_calendar_id:
            lag_cal[j] = calendar_of(k.lag_calendar_id)
    return calendars, [dur, act_cal, start_ms, pred, succ, kind, lag, lag_cal]


def _datetimes(minutes: I64) -> list[dt.datetime]:
    """Absolute minutes since 1970 as naive datetimes (vectorised)."""
    assert dt.datetime(1970, 1, 1) == EPOCH
    values: list[dt.datetime] = minutes.astype("datetime64[m]").tolist()
    return values


def schedule(project: Project, jit: bool = True) -> Schedule | None:
    """Schedule `project` with the kernel, or None when it uses something the kernel lacks
    (see `unsupported_reason`) or its links loop (cpm_core then names the loop)."""
    if unsupported_reason(project) is not None:
        return None
    assert project.data_date is not None
    calendars, (dur, act_cal, start_ms, pred, succ, kind, lag, lag_cal) = _arrays(project)
    net = compile_network(dur, act_cal, start_ms, pred, succ, kind, lag, lag_cal, jit=jit)
    if net is None:
        return None
    options = project.options
    dd = to_minutes(project.data_date)
    anchor = -1 if project.must_finish_by is None else to_minutes(project.must_finish_by)
    for first, last in _horizons(project):
        blob = stack_calendars([compile_calendar(c, first, last) for c in calendars])
        res = run_passes(net, blob, dd, anchor, options.late_finish_by_project_finish, jit=jit)
        if not res.horizon_error:
            break
    else:
        return None  # cpm_core raises its own horizon error
    return _to_schedule(project, net, res)


_RESULT_ORDER = [f.name for f in dataclasses.fields(ActivityResult)][:10]


def _to_schedule(project: Project, net: CompiledNetwork, res: PassResult) -> Schedule:
    assert project.data_date is not None
    n = net.n
    back = np.empty(n, np.int64)
    back[net.order] = np.arange(n, dtype=np.int64)
    ds = _datetimes(res.ds[back])
    df = _datetimes(res.df[back])
    ls = _datetimes(res.ls[back])
    lf = _datetimes(res.lf[back])
    tf = res.tf[back]
    critical = (tf <= project.options.critical_float_minutes).tolist()
    columns = (ds, df, ls, lf, tf.tolist(), res.ff[back].tolist(), critical, [False] * n, ds, df)
    ids = [a.id for a in project.activities]
    rows: Iterable[ActivityResult]
    if _RESULT_ORDER == _POSITIONAL:
        rows = map(ActivityResult, *columns)  # positional: several times faster than keywords
    else:
        rows = (
            ActivityResult(**dict(zip(_POSITIONAL, r, strict=True)))
            for r in zip(*columns, strict=True)
        )
    return Schedule(
        project_code=project.code,
        data_date=project.data_date,
        finish=_datetimes(np.asarray([res.finish], dtype=np.int64))[0],
        results=dict(zip(ids, rows, strict=True)),
    )


_POSITIONAL = [
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "free_float",
    "critical",
    "longest_path",
    "remaining_start",
    "remaining_finish",
]


__all__ = [
    "KERNEL_MIN_ACTIVITIES",
    "CompiledNetwork",
    "PassResult",
    "compile_network",
    "kernel",
    "run_passes",
    "schedule",
    "stack_calendars",
    "unsupported_reason",
]
