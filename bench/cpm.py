"""Benchmark the CPM engine: numba kernel vs plain Python vs networkx on seeded networks.

Usage: python bench/cpm.py [--quick] [--sizes 10000,100000,1000000]
Prints per size the forward+backward+float time of each, with ratios; ends with one summary
line. --quick runs 100k only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitebook.engine.calendars import CompiledCalendar, compile_calendar, to_minutes  # noqa: E402
from sitebook.engine.cpm_fast import run_passes  # noqa: E402
from sitebook.engine.network import STANDARD_DAY, Calendar  # noqa: E402

DATA_DATE = dt.datetime(2025, 1, 6)


def calendars(years: int) -> list[CompiledCalendar]:
    """Three calendars (5-day, 6-day, 7-day x 10 h) with seeded holidays."""
    rng = np.random.default_rng(7)
    first = DATA_DATE.date() - dt.timedelta(days=30)
    last = first + dt.timedelta(days=366 * years)
    out = []
    weeks = [
        (STANDARD_DAY,) * 5 + ((), ()),
        (STANDARD_DAY,) * 6 + ((),),
        (((7 * 60, 17 * 60),),) * 7,
    ]
    for k, week in enumerate(weeks):
        days = rng.integers(0, (last - first).days, size=12 * years)
        holidays = {first + dt.timedelta(days=int(d)): () for d in days}
        cal = Calendar(id=str(k), week=week, exceptions=holidays)  # type: ignore[arg-type]
        out.append(compile_calendar(cal, first, last))
    return out


def network(n: int, seed: int = 1) -> tuple[np.ndarray, ...]:
    """n activities, ~1.5 links each (all four types), lags and leads, three calendars."""
    rng = np.random.default_rng(seed)
    dur = rng.integers(0, 10, size=n).astype(np.int64) * 480
    act_cal = rng.integers(0, 3, size=n).astype(np.int64)
    m = int(n * 1.5)
    succ = rng.integers(1, n, size=m).astype(np.int64)
    back = rng.integers(1, max(50, n // 100), size=m)  # keeps the longest path a few years
    pred = np.maximum(succ - back, 0).astype(np.int64)
    kind = rng.choice(4, size=m, p=[0.7, 0.15, 0.1, 0.05]).astype(np.int64)
    lag = np.where(rng.random(m) < 0.2, rng.integers(-16, 40, size=m) * 60, 0).astype(np.int64)
    lag_cal = act_cal[pred]
    return dur, act_cal, pred, succ, kind, lag, lag_cal


def with_networkx(args: tuple[np.ndarray, ...], cals: list[CompiledCalendar], dd: int) -> float:
    """The same passes written over a networkx DiGraph and the calendars' bisect lookups."""
    import networkx as nx

    dur, act_cal, pred, succ, kind, lag, lag_cal = (a.tolist() for a in args)
    t0 = time.perf_counter()
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(len(dur)))
    for p, s, k, lg, lc in zip(pred, succ, kind, lag, lag_cal, strict=True):
        g.add_edge(p, s, kind=k, lag=lg, cal=lc)
    order = list(nx.topological_sort(g))
    ds: dict[int, int] = {}
    df: dict[int, int] = {}
    ef: dict[int, int] = {}
    finish = dd
    for i in order:
        c = cals[act_cal[i]]
        d = dur[i]
        best = c.ordinal(dd)
        for p, _, e in g.in_edges(i, data=True):
            t = df[p] if e["kind"] in (0, 2) else ds[p]
            if e["lag"]:
                lc = cals[e["cal"]]
                t = lc.finish_at(lc.ordinal(t) + e["lag"])
            w = c.ordinal(t) - (d if e["kind"] in (2, 3) else 0)
            best = max(best, w)
        ef[i] = best + d
        ds[i] = c.start_at(best)
        df[i] = ds[i] if d == 0 else c.finish_at(best + d)
        finish = max(finish, df[i])
    ls: dict[int, int] = {}
    lf: dict[int, int] = {}
    for i in reversed(order):
        c = cals[act_cal[i]]
        d = dur[i]
        best = c.ordinal(finish)
        for _, s, e in g.out_edges(i, data=True):
            t = ls[s] if e["kind"] in (0, 1) else lf[s]
            if e["lag"]:
                lc = cals[e["cal"]]
                t = lc.start_at(lc.ordinal(t) - e["lag"])
            w = c.ordinal(t) + (d if e["kind"] in (1, 3) else 0)
            best = min(best, w)
        lf[i] = c.finish_at(best)
        ls[i] = c.start_at(best - d)
        _ = best - ef[i]
    return time.perf_counter() - t0


def timed(fn: object, *a: object, **k: object) -> tuple[float, object]:
    assert callable(fn)
    t0 = time.perf_counter()
    out = fn(*a, **k)
    return time.perf_counter() - t0, out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--python-limit", type=int, default=1_000_000)
    parser.add_argument("--networkx-limit", type=int, default=100_000)
    args = parser.parse_args()
    sizes = [100_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    dd = to_minutes(DATA_DATE)
    summary = ""
    for n in sizes:
        cals = calendars(years=15)
        net = network(n)
        run_passes(*net[:2], *net[2:], cals=cals, data_date=dd)  # warm-up (JIT / cache load)
        engine = min(timed(run_passes, *net, cals=cals, data_date=dd)[0] for _ in range(3))
        line = f"n={n:>8}  engine {engine * 1000:8.1f} ms"
        py = nx_t = None
        if n <= args.python_limit:
            lists = tuple(np.asarray(a) for a in net)
            py, _ = timed(run_passes, *lists, cals=cals, data_date=dd, jit=False)
            line += f"  pure-python {py:7.2f} s ({py / engine:6.0f}x)"
        else:
            line += "  pure-python skipped"
        if n <= args.networkx_limit:
            nx_t = with_networkx(net, cals, dd)
            line += f"  networkx {nx_t:7.2f} s ({nx_t / engine:6.0f}x)"
        else:
            line += "  networkx skipped (too slow)"
        print(line, flush=True)
        summary = f"cpm bench: n={n} engine {engine * 1000:.1f} ms"
        if nx_t:
            summary += f", {nx_t / engine:.0f}x faster than networkx"
        if py:
            summary += f", {py / engine:.0f}x faster than pure Python"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
