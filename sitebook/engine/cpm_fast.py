"""Array CPM kernel for large pure-logic networks: numba-compiled, cached on disk.

`run_passes` takes a network already compiled to integer arrays (activities indexed 0..n-1,
links as parallel arrays, calendars as concatenated interval arrays) and returns early/late
dates in absolute minutes and total/free float in working minutes. It covers logic, the four
link types, positive and negative lags on a per-link calendar, durations and per-activity
calendars; progress and constraints are handled by `sitebook.engine.cpm_core`, which is also
the faster choice below some ten thousand activities (importing numba alone costs ~0.5 s).

numba is imported lazily, and its on-disk cache goes to a per-user directory when the package
directory is not writable.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sitebook.engine.calendars import CompiledCalendar

I64 = npt.NDArray[np.int64]

FS, SS, FF, SF = 0, 1, 2, 3


def _ordinal(starts: Any, ends: Any, cumb: Any, lo: int, hi: int, t: int) -> int:
    k = int(np.searchsorted(starts[lo:hi], t, side="right")) - 1
    if k < 0:
        return 0
    s = starts[lo + k]
    span = ends[lo + k] - s
    off = t - s
    return int(cumb[lo + k] + (off if off < span else span))


def _start_at(starts: Any, cumb: Any, lo: int, hi: int, w: int) -> int:
    k = int(np.searchsorted(cumb[lo:hi], w, side="right")) - 1
    if k < 0:
        k = 0
    return int(starts[lo + k] + (w - cumb[lo + k]))


def _finish_at(starts: Any, cumb: Any, lo: int, hi: int, w: int) -> int:
    k = int(np.searchsorted(cumb[lo:hi], w - 1, side="right")) - 1
    if k < 0:
        k = 0
    return int(starts[lo + k] + (w - cumb[lo + k]))


def _passes(
    n: int,
    dur: Any,
    act_cal: Any,
    l_pred: Any,
    l_succ: Any,
    l_kind: Any,
    l_lag: Any,
    l_cal: Any,
    starts: Any,
    ends: Any,
    cumb: Any,
    cal_lo: Any,
    cal_hi: Any,
    data_date: int,
    out: Any,
) -> int:
    """Forward, backward and float over int arrays; returns -1 on a loop, else 0.

    out columns: 0 early start, 1 early finish, 2 late start, 3 late finish (absolute
    minutes), 4 total float, 5 free float (working minutes), 6 early start ordinal,
    7 early finish ordinal.
    """
    m = l_pred.shape[0]
    # CSR of links by successor and by predecessor.
    in_count = np.zeros(n + 1, np.int64)
    out_count = np.zeros(n + 1, np.int64)
    for j in range(m):
        in_count[l_succ[j] + 1] += 1
        out_count[l_pred[j] + 1] += 1
    for i in range(n):
        in_count[i + 1] += in_count[i]
        out_count[i + 1] += out_count[i]
    in_links = np.empty(m, np.int64)
    out_links = np.empty(m, np.int64)
    fill_in = in_count[:n].copy()
    fill_out = out_count[:n].copy()
    for j in range(m):
        in_links[fill_in[l_succ[j]]] = j
        fill_in[l_succ[j]] += 1
        out_links[fill_out[l_pred[j]]] = j
        fill_out[l_pred[j]] += 1
    # Kahn's topological order.
    indeg = np.empty(n, np.int64)
    for i in range(n):
        indeg[i] = in_count[i + 1] - in_count[i]
    order = np.empty(n, np.int64)
    head = 0
    tail = 0
    for i in range(n):
        if indeg[i] == 0:
            order[tail] = i
            tail += 1
    while head < tail:
        i = order[head]
        head += 1
        for q in range(out_count[i], out_count[i + 1]):
            s = l_succ[out_links[q]]
            indeg[s] -= 1
            if indeg[s] == 0:
                order[tail] = s
                tail += 1
    if tail < n:
        return -1
    es_w = np.empty(n, np.int64)
    ef_w = np.empty(n, np.int64)
    d_start = np.empty(n, np.int64)
    d_finish = np.empty(n, np.int64)
    project_finish = data_date
    for oi in range(n):
        i = order[oi]
        c = act_cal[i]
        lo = cal_lo[c]
        hi = cal_hi[c]
        d = dur[i]
        best = _ordinal(starts, ends, cumb, lo, hi, data_date)
        for q in range(in_count[i], in_count[i + 1]):
            j = in_links[q]
            p = l_pred[j]
            kind = l_kind[j]
            t = d_finish[p] if kind in (FS, FF) else d_start[p]
            if l_lag[j] != 0:
                lc = l_cal[j]
                w = _ordinal(starts, ends, cumb, cal_lo[lc], cal_hi[lc], t) + l_lag[j]
                t = _finish_at(starts, cumb, cal_lo[lc], cal_hi[lc], w)
            w = _ordinal(starts, ends, cumb, lo, hi, t)
            if kind in (FF, SF):
                w -= d
            if w > best:
                best = w
        es_w[i] = best
        ef_w[i] = best + d
        d_start[i] = _start_at(starts, cumb, lo, hi, best)
        d_finish[i] = d_start[i] if d == 0 else _finish_at(starts, cumb, lo, hi, best + d)
        if d_finish[i] > project_finish:
            project_finish = d_finish[i]
    l_start = np.empty(n, np.int64)
    l_finish = np.empty(n, np.int64)
    for oi in range(n - 1, -1, -1):
        i = order[oi]
        c = act_cal[i]
        lo = cal_lo[c]
        hi = cal_hi[c]
        d = dur[i]
        best = _ordinal(starts, ends, cumb, lo, hi, project_finish)
        free = best - ef_w[i]
        for q in range(out_count[i], out_count[i + 1]):
            j = out_links[q]
            s = l_succ[j]
            kind = l_kind[j]
            t = l_start[s] if kind in (FS, SS) else l_finish[s]
            te = d_start[s] if kind in (FS, SS) else d_finish[s]
            if l_lag[j] != 0:
                lc = l_cal[j]
                clo = cal_lo[lc]
                chi = cal_hi[lc]
                t = _start_at(
                    starts, cumb, clo, chi, _ordinal(starts, ends, cumb, clo, chi, t) - l_lag[j]
                )
                te = _start_at(
                    starts, cumb, clo, chi, _ordinal(starts, ends, cumb, clo, chi, te) - l_lag[j]
                )
            w = _ordinal(starts, ends, cumb, lo, hi, t)
            we = _ordinal(starts, ends, cumb, lo, hi, te)
            if kind in (SS, SF):
                w += d
                we += d
            if w < best:
                best = w
            if we - ef_w[i] < free:
                free = we - ef_w[i]
        l_finish[i] = _finish_at(starts, cumb, lo, hi, best)
        l_start[i] = _start_at(starts, cumb, lo, hi, best - d)
        if d == 0:
            l_start[i] = l_finish[i]
        out[i, 0] = d_start[i]
        out[i, 1] = d_finish[i]
        out[i, 2] = l_start[i]
        out[i, 3] = l_finish[i]
        out[i, 4] = best - ef_w[i]
        out[i, 5] = free if free > 0 else 0
        out[i, 6] = es_w[i]
        out[i, 7] = ef_w[i]
    return 0


_compiled: dict[str, Callable[..., int]] = {}


def _ensure_cache_dir() -> None:
    """Point numba's cache at a per-user directory when the package's is not writable."""
    if "NUMBA_CACHE_DIR" in os.environ:
        return
    if not os.access(Path(__file__).parent, os.W_OK):
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        target = Path(base) / "sitebook" / "numba"
        target.mkdir(parents=True, exist_ok=True)
        os.environ["NUMBA_CACHE_DIR"] = str(target)


def kernel(jit: bool = True) -> Callable[..., int]:
    """The passes, compiled with numba (cached on disk) or as plain Python."""
    if not jit:
        return _passes
    found = _compiled.get("passes")
    if found is None:
        _ensure_cache_dir()
        import numba

        global _ordinal, _start_at, _finish_at
        _ordinal = numba.njit(cache=True, inline="always")(_ordinal)
        _start_at = numba.njit(cache=True, inline="always")(_start_at)
        _finish_at = numba.njit(cache=True, inline="always")(_finish_at)
        found = numba.njit(cache=True)(_passes)
        _compiled["passes"] = found
    return found


def stack_calendars(cals: list[CompiledCalendar]) -> tuple[I64, I64, I64, I64, I64]:
    """Concatenate compiled calendars: (starts, ends, cum-before, lo offsets, hi offsets)."""
    starts = np.concatenate([c.starts for c in cals]).astype(np.int64)
    ends = np.concatenate([c.ends for c in cals]).astype(np.int64)
    cumb = np.concatenate([c.cum[:-1] for c in cals]).astype(np.int64)
    sizes = np.array([len(c.starts) for c in cals], dtype=np.int64)
    hi = np.cumsum(sizes).astype(np.int64)
    lo = (hi - sizes).astype(np.int64)
    return starts, ends, cumb, lo, hi


def run_passes(
    dur: I64,
    act_cal: I64,
    l_pred: I64,
    l_succ: I64,
    l_kind: I64,
    l_lag: I64,
    l_cal: I64,
    cals: list[CompiledCalendar],
    data_date: int,
    jit: bool = True,
) -> npt.NDArray[np.int64] | None:
    """Run the passes; an (n, 8) int64 array (see `_passes`), or None if the links loop."""
    starts, ends, cumb, lo, hi = stack_calendars(cals)
    n = int(dur.shape[0])
    out = np.zeros((n, 8), dtype=np.int64)
    status = kernel(jit)(
        n,
        dur,
        act_cal,
        l_pred,
        l_succ,
        l_kind,
        l_lag,
        l_cal,
        starts,
        ends,
        cumb,
        lo,
        hi,
        data_date,
        out,
    )
    return None if status < 0 else out
