"""Benchmark the Monte Carlo schedule risk engine against a plain per-iteration Python loop.

Usage: python bench/risk.py [--activities 2000] [--iterations 1000] [--python-iterations 20]

A seeded network (about 1.5 links per activity, all four link types, lags and leads, the
standard calendar with holidays, 80 % of activities with three-point durations 0.8 / 1 / 1.6
times their duration) goes through `sitebook.engine.risk.simulate` (best of three; sampling,
forward and backward passes, percentiles, criticality, the deterministic `cpm.schedule`
included). The baseline runs the same forward and backward passes one iteration at a time
over Python lists, for `--python-iterations` iterations drawn by the engine's own sampler
(its sampling is not timed, which favours the baseline), and is scaled to the engine's
iteration count. Both must agree on every finish and critical flag of those iterations
(checked each run). The last line is the one-line summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sitebook.engine import risk, risk_passes  # noqa: E402
from sitebook.engine.calendars import compile_calendar  # noqa: E402
from sitebook.engine.network import Activity, Calendar, Link, LinkType, Project  # noqa: E402

DATA_DATE = dt.datetime(2025, 1, 6, 8, 0)
TYPES = [LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF]


def network(n: int, seed: int = 1) -> tuple[Project, dict[str, risk.ThreePoint]]:
    """A seeded project of `n` activities and its three-point durations."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 3000, size=30)
    holidays = {(DATA_DATE + dt.timedelta(days=int(d))).date(): () for d in days}
    cal = Calendar(id="std", exceptions=holidays)  # type: ignore[arg-type]
    dur = rng.integers(1, 10, size=n) * 480
    acts = [
        Activity(id=str(i), code=f"A{i}", calendar_id="std", original_duration=int(d),
                 remaining_duration=int(d))
        for i, d in enumerate(dur)
    ]  # fmt: skip
    m = int(n * 1.5)
    succ = rng.integers(1, n, size=m)
    pred = np.maximum(succ - rng.integers(1, max(50, n // 100), size=m), 0)
    kind = rng.choice(4, size=m, p=[0.7, 0.15, 0.1, 0.05])
    lag = np.where(rng.random(m) < 0.2, rng.integers(-16, 40, size=m) * 60, 0)
    links = [
        Link(str(p), str(s), TYPES[k], int(g))
        for p, s, k, g in zip(pred, succ, kind, lag, strict=True)
    ]
    points = {
        a.id: risk.ThreePoint(
            a.remaining_duration * 4 // 5, a.remaining_duration, a.remaining_duration * 8 // 5
        )
        for a in acts
        if rng.random() < 0.8
    }
    project = Project(
        code="BENCH",
        data_date=DATA_DATE,
        default_calendar_id="std",
        calendars={"std": cal},
        activities=acts,
        links=links,
    )
    return project, points


def python_passes(net: risk_passes.RiskNetwork, dur: list[int]) -> tuple[int, list[bool]]:
    """One iteration's forward and backward pass over lists: (finish, critical flags)."""
    n = len(dur)
    es, ef = [0] * n, [0] * n
    for i in net.order:
        start, finish_lb = net.floor[i], net.finish_floor[i]
        for p, kind, lag, _percent in net.preds[i]:
            if kind == risk_passes.FS:
                start = max(start, ef[p] + lag)
            elif kind == risk_passes.SS:
                start = max(start, es[p] + lag)
            elif kind == risk_passes.FF:
                finish_lb = max(finish_lb, ef[p] + lag)
            else:
                finish_lb = max(finish_lb, es[p] + lag)
        start = max(start, finish_lb - dur[i])
        es[i], ef[i] = start, start + dur[i]
    finish = max(ef)
    ls, lf = [finish] * n, [finish] * n
    for i in reversed(net.order):
        bound = finish
        for s, kind, lag, _percent in net.succs[i]:
            if kind == risk_passes.FS:
                bound = min(bound, ls[s] - lag)
            elif kind == risk_passes.FF:
                bound = min(bound, lf[s] - lag)
            elif kind == risk_passes.SS:
                bound = min(bound, ls[s] - lag + dur[i])
            else:
                bound = min(bound, lf[s] - lag + dur[i])
        lf[i], ls[i] = bound, bound - dur[i]
    return finish, [lf[i] - ef[i] <= 0 for i in range(n)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--python-iterations", type=int, default=20)
    args = parser.parse_args()
    project, points = network(args.activities)
    best = float("inf")
    result = None
    for _ in range(3):
        t0 = time.perf_counter()
        result = risk.simulate(project, points, iterations=args.iterations, seed=7)
        best = min(best, time.perf_counter() - t0)
    assert result is not None

    # The baseline: the same passes, one iteration at a time, on the engine's own samples.
    cal = compile_calendar(project.calendars["std"], dt.date(2024, 1, 1), dt.date(2045, 1, 1))
    net = risk_passes.prepare(project, cal, {})
    acts = project.activities
    sampled = [i for i, a in enumerate(acts) if a.id in points]
    k = args.python_iterations
    three = [points[acts[i].id] for i in sampled]
    rows = np.array([(t.optimistic, t.most_likely, t.pessimistic) for t in three], np.float64)
    draws = risk._sample(np.random.default_rng(3), risk.Distribution.TRIANGULAR, rows, k)
    dur = [np.full(k, net.base[i], dtype=np.int64) for i in range(len(acts))]
    for col, i in enumerate(sampled):
        dur[i] = np.rint(draws[:, col]).astype(np.int64)
    es, ef = risk_passes.forward(net, dur, k)
    finish = np.max(np.stack(ef), axis=0)
    counts = risk_passes.critical_counts(net, dur, es, ef, finish)
    full = risk._sample(
        np.random.default_rng(3), risk.Distribution.TRIANGULAR, rows, args.iterations
    )
    many = [np.full(args.iterations, net.base[i], dtype=np.int64) for i in range(len(acts))]
    for col, i in enumerate(sampled):
        many[i] = np.rint(full[:, col]).astype(np.int64)
    t1 = time.perf_counter()
    es_all, ef_all = risk_passes.forward(net, many, args.iterations)
    risk_passes.critical_counts(net, many, es_all, ef_all, np.max(np.stack(ef_all), axis=0))
    passes = time.perf_counter() - t1
    t0 = time.perf_counter()
    loop = [python_passes(net, [int(d[j]) for d in dur]) for j in range(k)]
    py = (time.perf_counter() - t0) / k * args.iterations
    assert [f for f, _ in loop] == finish.tolist(), "finishes differ from the plain loop"
    plain_counts = [sum(flags[i] for _, flags in loop) for i in range(len(acts))]
    assert plain_counts == counts.tolist(), "criticality differs from the plain loop"
    p = result.percentiles
    print(
        f"risk-bench: {args.activities} activities x {args.iterations} iterations "
        f"{best * 1000:.0f} ms ({best / args.iterations * 1e6:.0f} us/iteration), "
        f"{py / best:.0f}x a plain Python loop ({k} iterations measured, "
        f"~{py:.1f} s scaled); the passes alone {passes * 1000:.0f} ms, {py / passes:.0f}x; "
        f"P50 {p[50]:%Y-%m-%d}, P90 {p[90]:%Y-%m-%d}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
