"""Benchmark the CPM engine's compiled kernel against plain Python and networkx.

Usage: python bench/cpm.py [--quick] [--sizes 10000,100000,1000000]

Each size gets a seeded network (about 1.5 links per activity, all four link types, lags and
leads, three calendars with holidays over 15 years). The timed work is the same for all three:
forward pass, backward pass, total and free float, starting from a network already ordered
("compile": topological order, adjacency lists), which is timed and printed separately.

* engine: `sitebook.engine.cpm_fast` (int64 arrays, numba kernel loaded from its disk cache;
  one warm-up call, then the best of three);
* pure Python: the very same kernel source run by the interpreter over Python lists;
* networkx: the same passes over a `networkx.MultiDiGraph` (`in_edges`/`out_edges` with edge
  data) with the calendars' bisect lookups, ordered by `networkx.topological_sort`.

All three must agree on the project finish and on every total float (checked each run).
The full run also times `sitebook.engine.cpm.schedule()` end to end at 100k (`--end-to-end`):
Project objects in, Schedule out, through the kernel and through cpm_core, results equal.
Above `--python-limit` / `--networkx-limit` activities (default 100k) the two slow ones are
not run but extrapolated linearly from the largest size measured, and the output says so.
--quick runs 100k only. The last line is a one-line summary.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitebook.engine import cpm, cpm_fast  # noqa: E402
from sitebook.engine.calendars import CompiledCalendar, compile_calendar, to_minutes  # noqa: E402
from sitebook.engine.network import (  # noqa: E402
    STANDARD_DAY,
    Activity,
    Calendar,
    DayIntervals,
    Link,
    LinkType,
    Project,
)

DATA_DATE = dt.datetime(2025, 1, 6)
FS, SS, FF, SF = 0, 1, 2, 3
TARGET_1M_S = 0.5
PLAIN_FIELDS = ("st", "in_ptr", "inl", "out_ptr", "outl")


def calendars(years: int) -> list[CompiledCalendar]:
    """Three calendars (5-day, 6-day, 7-day x 10 h) with seeded holidays."""
    rng = np.random.default_rng(7)
    first = DATA_DATE.date() - dt.timedelta(days=30)
    last = first + dt.timedelta(days=366 * years)
    weeks: list[tuple[DayIntervals, ...]] = [
        (STANDARD_DAY,) * 5 + ((), ()),
        (STANDARD_DAY,) * 6 + ((),),
        (((7 * 60, 17 * 60),),) * 7,
    ]
    out = []
    for k, week in enumerate(weeks):
        days = rng.integers(0, (last - first).days, size=12 * years)
        holidays: dict[dt.date, DayIntervals] = {
            first + dt.timedelta(days=int(d)): () for d in days
        }
        cal = Calendar(id=str(k), week=week, exceptions=holidays)
        out.append(compile_calendar(cal, first, last))
    return out


def network(n: int, seed: int = 1) -> tuple[np.ndarray, ...]:
    """n activities, ~1.5 links each (all four types), lags and leads, three calendars.

    Returns (duration, calendar, start-milestone flag, pred, succ, type, lag, lag calendar).
    """
    rng = np.random.default_rng(seed)
    dur = rng.integers(0, 10, size=n).astype(np.int64) * 480
    act_cal = rng.integers(0, 3, size=n).astype(np.int64)
    start_ms = np.zeros(n, dtype=np.int64)
    m = int(n * 1.5)
    succ = rng.integers(1, n, size=m).astype(np.int64)
    back = rng.integers(1, max(50, n // 100), size=m)  # keeps the longest path a few years
    pred = np.maximum(succ - back, 0).astype(np.int64)
    kind = rng.choice(4, size=m, p=[0.7, 0.15, 0.1, 0.05]).astype(np.int64)
    lag = np.where(rng.random(m) < 0.2, rng.integers(-16, 40, size=m) * 60, 0).astype(np.int64)
    lag_cal = act_cal[pred]
    return dur, act_cal, start_ms, pred, succ, kind, lag, lag_cal


def networkx_passes(
    net: tuple[np.ndarray, ...], cals: list[CompiledCalendar], dd: int
) -> tuple[float, float, int, dict[int, int]]:
    """The passes over a networkx graph: (compile seconds, passes seconds, finish, floats)."""
    import networkx as nx

    dur, act_cal, start_ms, pred, succ, kind, lag, lag_cal = (a.tolist() for a in net)
    t0 = time.perf_counter()
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(len(dur)))
    g.add_edges_from(
        (p, s, {"kind": k, "lag": lg, "cal": cals[lc]})
        for p, s, k, lg, lc in zip(pred, succ, kind, lag, lag_cal, strict=True)
    )
    order = list(nx.topological_sort(g))
    t1 = time.perf_counter()
    ds: dict[int, int] = {}
    df: dict[int, int] = {}
    ef: dict[int, int] = {}
    es: dict[int, int] = {}
    for i in order:
        c = cals[act_cal[i]]
        d = dur[i]
        best_w = c.ordinal(dd)
        best_m = c.start_at(best_w)
        fin_w, fin_m = -(1 << 60), 0
        for p, _, e in g.in_edges(i, data=True):
            t = df[p] if e["kind"] in (FS, FF) else ds[p]
            if e["lag"]:
                lc = e["cal"]
                w = lc.ordinal(t) + e["lag"]
                t = lc.finish_at(w) if e["lag"] > 0 else lc.start_at(w)
            w = c.ordinal(t)
            t = c.normalize(t)
            if e["kind"] in (FS, SS):
                if (w, t) > (best_w, best_m):
                    best_w, best_m = w, t
            elif (w, t) > (fin_w, fin_m):
                fin_w, fin_m = w, t
        if (fin_w - d, fin_m) > (best_w, best_m):
            start = fin_w - d
            df[i] = fin_m
            ds[i] = fin_m if d == 0 else c.start_at(start)
        else:
            start = best_w
            ds[i] = best_m if d == 0 else c.start_at(start)
            df[i] = best_m if d == 0 else c.finish_at(start + d)
        es[i], ef[i] = start, start + d
    finish = max(df.values())
    ls: dict[int, int] = {}
    lf: dict[int, int] = {}
    # The late moments predecessors read (cpm_core's read_start / read_finish).
    rs: dict[int, int] = {}
    rf: dict[int, int] = {}
    tf: dict[int, int] = {}
    ff: dict[int, int] = {}
    for i in reversed(order):
        c = cals[act_cal[i]]
        d = dur[i]
        bw, bm = (c.ordinal(finish), finish) if g.out_degree(i) == 0 else (1 << 60, 0)
        bfin = g.out_degree(i) == 0  # the binding bound is on the finish side
        sw, sm = 1 << 60, 0
        slack = c.ordinal(finish) if g.out_degree(i) == 0 else 1 << 60
        for _, s, e in g.out_edges(i, data=True):
            t, te = (rs[s], ds[s]) if e["kind"] in (FS, SS) else (rf[s], df[s])
            if e["lag"]:
                lc = e["cal"]
                t = lc.start_at(lc.ordinal(t) - e["lag"])
                te = lc.start_at(lc.ordinal(te) - e["lag"])
            w, we = c.ordinal(t), c.ordinal(te)
            if e["kind"] in (SS, SF):
                if (w, t) < (sw, sm):
                    sw, sm = w, t
                w, we = w + d, we + d
                if (w, t) < (bw, bm):
                    bw, bm, bfin = w, t, False
            elif (w, t) < (bw, bm):
                bw, bm, bfin = w, t, True
            slack = min(slack, we)
        if d == 0:
            ls[i] = lf[i] = c.normalize_back(bm) if start_ms[i] else c.finish_at(bw)
            rs[i] = rf[i] = bm
        else:
            ls[i] = c.start_at(bw - d)
            if sw == bw - d:
                ls[i] = min(ls[i], c.normalize_back(sm))
            lf[i] = c.finish_at(bw)
            rs[i] = ls[i]
            rf[i] = bm if bfin else c.start_at(bw)
        tf[i] = bw - ef[i]
        ff[i] = max(0, slack - ef[i])
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, finish, tf


def as_project(net: tuple[np.ndarray, ...], cals: list[CompiledCalendar]) -> Project:
    """The same network as a `Project` of `Activity` and `Link` objects."""
    dur, act_cal, _start_ms, pred, succ, kind, lag, _lag_cal = (a.tolist() for a in net)
    types = [LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF]
    return Project(
        code="BENCH",
        data_date=DATA_DATE,
        default_calendar_id="0",
        calendars={c.calendar.id: c.calendar for c in cals},
        activities=[
            Activity(
                id=str(i),
                code=str(i),
                calendar_id=str(c),
                original_duration=d,
                remaining_duration=d,
            )
            for i, (d, c) in enumerate(zip(dur, act_cal, strict=True))
        ],  # fmt: skip
        links=[
            Link(str(p), str(s), types[k], lg)
            for p, s, k, lg in zip(pred, succ, kind, lag, strict=True)
        ],
    )


def end_to_end(n: int, cals: list[CompiledCalendar]) -> str:
    """`cpm.schedule()` from Project objects to a Schedule: kernel vs cpm_core."""
    project = as_project(network(n), cals)
    os.environ[cpm_fast.KERNEL_ENV] = "always"
    fast_t, fast = best_of(1, cpm.schedule, project)
    os.environ[cpm_fast.KERNEL_ENV] = "never"
    core_t, core = best_of(1, cpm.schedule, project)
    del os.environ[cpm_fast.KERNEL_ENV]
    assert fast == core, "kernel and cpm_core disagree"
    return (
        f"schedule() end to end at {n:,} (Project objects in, Schedule out, results equal): "
        f"kernel {fmt_s(fast_t)}, cpm_core {fmt_s(core_t)} ({core_t / fast_t:.1f}x)"
    )


def best_of(k: int, fn: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """The best wall time of `k` calls, and the last result."""
    best = float("inf")
    out = None
    for _ in range(k):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return best, out


def fmt_s(seconds: float) -> str:
    """Milliseconds below one second, else seconds."""
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> int:  # noqa: C901 - one report
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k only")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--python-limit", type=int, default=100_000)
    parser.add_argument("--networkx-limit", type=int, default=100_000)
    parser.add_argument(
        "--end-to-end", type=int, default=100_000, help="size of the schedule() run (0: none)"
    )
    args = parser.parse_args()
    sizes = [100_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    dd = to_minutes(DATA_DATE)
    t0 = time.perf_counter()
    cals = calendars(years=15)
    blob = cpm_fast.stack_calendars(cals)
    cpm_fast.kernel()  # import numba and load the cached machine code
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"setup: calendars + numba import/cache load {fmt_s(time.perf_counter() - t0)}; "
        f"load average {load:.1f} on {os.cpu_count()} CPUs; times are forward+backward+float "
        "(engine: best of 3); 'compile' = topological order + adjacency lists",
        flush=True,
    )
    engine_at: dict[int, float] = {}
    py_rate = nx_rate = None  # seconds per activity at the largest size measured
    ratios: dict[int, tuple[float | None, float | None, bool]] = {}
    for n in sizes:
        net = network(n)
        per_act, per_link = net[:3], net[3:]
        cpm_fast.compile_network(*per_act, *per_link)  # warm-up
        comp, cnet = best_of(3, cpm_fast.compile_network, *per_act, *per_link)
        cpm_fast.run_passes(cnet, blob, dd)  # warm-up
        eng, res = best_of(3, cpm_fast.run_passes, cnet, blob, dd)
        assert not res.horizon_error
        engine_at[n] = eng
        line = f"n={n:>9,} links={len(net[3]):>9,}  engine {fmt_s(eng):>9} (compile {fmt_s(comp)})"
        tf = np.empty(n, np.int64)
        tf[cnet.order] = res.tf
        extrapolated = False
        if n <= args.python_limit:
            # The same compiled network as Python lists (compiling it in plain Python too
            # would only lengthen the run; the passes are what is compared).
            pnet = dataclasses.replace(
                cnet, **{f: np.asarray(getattr(cnet, f)).tolist() for f in PLAIN_FIELDS}
            )
            py, pres = best_of(1, cpm_fast.run_passes, pnet, blob, dd, jit=False)
            assert pres.finish == res.finish and np.array_equal(pres.tf, res.tf)
            py_rate = py / n
            line += f" | pure Python {fmt_s(py):>8} ({py / eng:4.0f}x)"
        elif py_rate is not None:
            py = py_rate * n
            extrapolated = True
            line += f" | pure Python ~{fmt_s(py)} ({py / eng:4.0f}x, extrapolated)"
        else:
            py = None
            line += " | pure Python skipped"
        if n <= args.networkx_limit:
            nx_comp, nx_t, nx_finish, nx_tf = networkx_passes(net, cals, dd)
            assert nx_finish == res.finish
            assert all(nx_tf[i] == tf[i] for i in range(n))
            nx_rate = nx_t / n
            line += f" | networkx {fmt_s(nx_t):>8} ({nx_t / eng:4.0f}x; graph {fmt_s(nx_comp)})"
        elif nx_rate is not None:
            nx_t = nx_rate * n
            extrapolated = True
            line += f" | networkx ~{fmt_s(nx_t)} ({nx_t / eng:4.0f}x, extrapolated)"
        else:
            nx_t = None
            line += " | networkx skipped"
        ratios[n] = (nx_t / eng if nx_t else None, py / eng if py else None, extrapolated)
        print(line, flush=True)
    if args.end_to_end and not args.quick:
        print(end_to_end(args.end_to_end, cals), flush=True)

    def label(n: int) -> str:
        return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"

    ref = 100_000 if 100_000 in ratios else sizes[-1]
    nx_x, py_x, extra = ratios[ref]
    vs = []
    if nx_x is not None:
        vs.append(f"{nx_x:.0f}x networkx")
    if py_x is not None:
        vs.append(f"{py_x:.0f}x pure python")
    tail = (" (" + label(ref) + ", extrapolated)" if extra else "") if vs else ""
    if args.quick:
        summary = f"cpm-bench quick: {label(ref)} engine {engine_at[ref] * 1000:.1f} ms, "
        summary += ", ".join(vs) + tail
    else:
        times = ", ".join(f"{label(n)} {fmt_s(engine_at[n])}" for n in sizes)
        summary = f"cpm-bench: engine {times}"
        if 1_000_000 in engine_at:
            ok = "met" if engine_at[1_000_000] < TARGET_1M_S else "MISSED"
            summary += f" (1M target < {TARGET_1M_S} s: {ok})"
        if vs:
            summary += f"; at {label(ref)} " + ", ".join(vs) + tail
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
