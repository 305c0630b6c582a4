"""The CPM kernel's loops, written so that numba can compile them and plain Python can run them.

Every function here takes only integers and flat integer sequences (NumPy int64 arrays when
compiled, Python lists or arrays when run as plain Python) and allocates nothing: the caller
passes output and work arrays. `sitebook.engine.cpm_fast` compiles them with numba (cached on
disk) and loads a second, never-compiled copy of this module for the plain-Python baseline of
`bench/cpm.py`.

Calendars (see `sitebook.engine.calendars` for the ordinal conventions) travel as one flat
int64 "blob" `b` (a header of offsets, then the tables; see the constants below), so that the
lookup helpers take a single array: numba passes each array argument as a struct and
reference-counts it per call, which made a helper taking ten arrays four times slower than the
same code inlined.

Moment -> working ordinal is pure index arithmetic, no search: a moment `t` falls on horizon
day `D` at minute-of-day `m`; `day_cum[c][D]` counts the working minutes of calendar `c` before
day `D`, `day_pat[c][D]` names that day's pattern of working intervals, and `pat[p][m]` counts
the working minutes of pattern `p` before minute `m` (a calendar has a handful of distinct
day patterns: its week days and its exceptions). So `ordinal(t) = day_cum[c][D] +
pat[day_pat[c][D]][m]`, and minute `t` is working when `pat[..][m + 1] > pat[..][m]`.

Working ordinal -> moment goes through the calendar's intervals: interval `k` of `c`, for
`lo[c] <= k < hi[c]`, starts at `starts[k]` (absolute minutes) with `cumb[k]` working minutes
before it, and `wk_hint[wbase[c] + (w >> WK_SHIFT)]` is the interval holding working minute
`(w >> WK_SHIFT) << WK_SHIFT`, so the interval holding `w` is found by stepping over the few
intervals inside one bucket of 2**WK_SHIFT working minutes.

A moment or working minute outside the horizon sets `b[ERR] = 1` and is clamped; the caller
then retries over a longer horizon, as `sitebook.engine.cpm_core` does on `HorizonError`.
"""

from __future__ import annotations

from typing import Any

WK_SHIFT = 8
# A link row in the CSR lists: the other end's position, type, lag, lag calendar.
LROW = 4
FS, SS, FF, SF = 0, 1, 2, 3
NEG = -(1 << 60)
POS = 1 << 60

# Layout of the calendar blob `b`: a header of offsets, then the tables. `b[ERR]` is the error
# flag, `b[H0]` the horizon's first minute, `b[NDAYS]` its length in days, `b[NCAL]` the number
# of calendars; the other header slots hold where each table starts in `b`. Per calendar `c`,
# `day_cum` has NDAYS + 1 entries from `c * (NDAYS + 1)`, `day_pat` NDAYS entries from
# `c * NDAYS` (each the offset of a pattern's row in `pat`), and each `pat` row 1441 entries.
ERR, H0, NDAYS, NCAL, STARTS, CUMB, LO, HI, TOTAL, WK_HINT, WBASE, DAY_CUM, DAY_PAT, PAT = range(14)
HEADER = 16
PAT_ROW = 1441


def day_row(b: Any, c: int, t: int) -> Any:
    """(minute of day of `t`, offset in `b` of its day's pattern row, its day) on calendar `c`."""
    rel = t - b[H0]
    day = rel // 1440
    nd = b[NDAYS]
    if day < 0:
        b[ERR] = 1
        return 0, b[PAT] + b[b[DAY_PAT] + c * nd], 0
    if day >= nd:
        day = nd - 1
        if rel > nd * 1440:
            b[ERR] = 1
            rel = nd * 1440
    return rel - day * 1440, b[PAT] + b[b[DAY_PAT] + c * nd + day], day


def ordinal(b: Any, c: int, t: int) -> Any:
    """Working minutes of calendar `c` before moment `t`."""
    m, row, day = day_row(b, c, t)
    return b[b[DAY_CUM] + c * (b[NDAYS] + 1) + day] + b[row + m]


def on_working_time(b: Any, c: int, t: int) -> Any:
    """Whether `t` lies in or at either end of a working interval of `c` (minute `t` or minute
    `t - 1` is working)."""
    m, row, _day = day_row(b, c, t)
    if m < 1440 and b[row + m + 1] > b[row + m]:
        return True
    if m > 0:
        return b[row + m] > b[row + m - 1]
    m, row, _day = day_row(b, c, t - 1)
    return m < 1440 and b[row + m + 1] > b[row + m]


def normalize_back(b: Any, c: int, t: int) -> Any:
    """`t` if it lies in or at either end of a working interval of `c`, else the previous end."""
    if on_working_time(b, c, t):
        return t
    w = ordinal(b, c, t)
    if w == 0:
        b[ERR] = 1
        return t
    return finish_at(b, c, w)


def holding(b: Any, c: int, w: int) -> Any:
    """The interval of calendar `c` holding working minute `w` (0 <= w < total[c])."""
    k = b[b[WK_HINT] + b[b[WBASE] + c] + (w >> WK_SHIFT)]
    end = b[b[HI] + c] - 1
    o_cumb = b[CUMB]
    while k < end and b[o_cumb + k + 1] <= w:
        k += 1
    return k


def start_at(b: Any, c: int, w: int) -> Any:
    """The moment working minute `w` of calendar `c` begins."""
    total = b[b[TOTAL] + c]
    if w < 0:
        b[ERR] = 1
        w = 0
    elif w >= total:
        b[ERR] = 1
        w = total - 1
    k = holding(b, c, w)
    return b[b[STARTS] + k] + (w - b[b[CUMB] + k])


def finish_at(b: Any, c: int, w: int) -> Any:
    """The moment working minute `w - 1` of calendar `c` ends (w = 0: the first start)."""
    if w <= 0:
        if w < 0:
            b[ERR] = 1
        return b[b[STARTS] + b[b[LO] + c]]
    total = b[b[TOTAL] + c]
    if w > total:
        b[ERR] = 1
        w = total
    k = holding(b, c, w - 1)
    return b[b[STARTS] + k] + (w - b[b[CUMB] + k])


def build(
    n: int, l_pred: Any, l_succ: Any, l_kind: Any, l_lag: Any, l_cal: Any,
    order: Any, rank: Any, indeg: Any, ptr: Any, slot: Any,
    in_ptr: Any, inl: Any, out_ptr: Any, outl: Any,
) -> int:  # fmt: skip
    """Topological order and both adjacency lists, renumbered; returns how many were ordered.

    `order[k]` is the activity at topological position `k` and `rank` its inverse. The links
    are written twice in CSR form over positions, as rows of LROW integers (other end's
    position, type, lag, lag calendar): into each position (`in_ptr`, `inl`: the other end is
    the predecessor) and out of each (`out_ptr`, `outl`: the successor). A result below `n`
    means the links loop (`order` then holds only the activities before the loop). `ptr`
    (n + 1) and `slot` (m) are work arrays.
    """
    m = len(l_pred)
    # Successors of each original activity (counting sort), for Kahn's algorithm.
    for i in range(n + 1):
        ptr[i] = 0
    for i in range(n):
        indeg[i] = 0
    for j in range(m):
        ptr[l_pred[j] + 1] += 1
        indeg[l_succ[j]] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    for j in range(m):
        p = l_pred[j]
        slot[ptr[p]] = j
        ptr[p] += 1
    for i in range(n, 0, -1):
        ptr[i] = ptr[i - 1]
    ptr[0] = 0
    # Kahn's algorithm with a stack (`rank` serves as one until it is filled), sources in
    # reverse so the lowest-numbered comes first: a successor freed by the activity just
    # placed comes right after it, so chains stay together and the passes read nearby rows.
    top = 0
    for i in range(n - 1, -1, -1):
        if indeg[i] == 0:
            rank[top] = i
            top += 1
    done = 0
    while top > 0:
        top -= 1
        i = rank[top]
        order[done] = i
        done += 1
        for q in range(ptr[i + 1] - 1, ptr[i] - 1, -1):
            s = l_succ[slot[q]]
            indeg[s] -= 1
            if indeg[s] == 0:
                rank[top] = s
                top += 1
    if done < n:
        return done
    for k in range(n):
        rank[order[k]] = k
    # CSR by successor position and by predecessor position.
    for i in range(n + 1):
        in_ptr[i] = 0
        out_ptr[i] = 0
    for j in range(m):
        in_ptr[rank[l_succ[j]] + 1] += 1
        out_ptr[rank[l_pred[j]] + 1] += 1
    for i in range(n):
        in_ptr[i + 1] += in_ptr[i]
        out_ptr[i + 1] += out_ptr[i]
    for i in range(n):
        indeg[i] = in_ptr[i]
        ptr[i] = out_ptr[i]
    for j in range(m):
        p = rank[l_pred[j]]
        s = rank[l_succ[j]]
        q = indeg[s]
        indeg[s] = q + 1
        q *= LROW
        inl[q] = p
        inl[q + 1] = l_kind[j]
        inl[q + 2] = l_lag[j]
        inl[q + 3] = l_cal[j]
        q = ptr[p]
        ptr[p] = q + 1
        q *= LROW
        outl[q] = s
        outl[q + 1] = l_kind[j]
        outl[q + 2] = l_lag[j]
        outl[q + 3] = l_cal[j]
    return n


# Columns of the per-activity state row (`st[i * ROW + column]`): one 64-byte cache line per
# activity, so following a link touches one line of the other end, not one per array.
CAL, DUR, EF, DS, DF, LS, LF, LW, ROW = 0, 1, 2, 3, 4, 5, 6, 7, 8


def passes(
    n: int, st: Any,
    in_ptr: Any, inl: Any, out_ptr: Any, outl: Any,
    b: Any, data_date: int, anchor: int, bound_all: int,
    tf: Any, ff: Any, late_s: Any, late_f: Any, work: Any,
) -> int:  # fmt: skip
    """Forward pass, backward pass, total and free float over positions 0..n-1 in topological
    order; returns the project finish (absolute minutes).

    `st` holds one row of ROW integers per position. Inputs: `CAL` = 2 * calendar + 1 for a
    start milestone (else + 0: its early date is in start form, its late date keeps the
    binding bound's moment), `DUR` = duration in working minutes (0 for milestones).
    Outputs: `EF` the early finish ordinal on the activity's calendar (the early start ordinal
    is EF - DUR), `DS`/`DF` early start/finish moments, `LS`/`LF` the late start/finish
    moments predecessors read (as cpm_core's `read_start`/`read_finish`: the binding bound's
    own moment on the finish side, and on both sides of a milestone; after a start-side
    bound, the latest moment of the late finish's working minute), `LW` the late finish
    ordinal; `late_s`/`late_f` the late start/finish shown (on the activity's calendar: a
    milestone's bound moved back to the previous working end); `tf`/`ff` total/free float
    (working minutes). Total float is LW - EF: with start and finish ordinals DUR apart,
    finish, start and smallest float are the same number. `anchor` < 0 means late dates of open
    ends hang off the project finish, otherwise off `anchor`; `bound_all` = 1 bounds every
    late finish by it (MS Project). `work` holds 2 * (number of calendars) integers.

    A link without lag between activities on the same calendar needs no calendar lookup: the
    ordinal of an early or late moment on its own calendar is the ordinal stored with it.
    """
    ncal = b[NCAL]
    for c in range(ncal):
        work[c] = ordinal(b, c, data_date)
        work[ncal + c] = start_at(b, c, work[c])
    # -- forward: the latest lower bound on the start (or finish) as (ordinal, moment) -------
    for i in range(n):
        row = i * ROW
        c2 = st[row + CAL]
        c = c2 >> 1
        d = st[row + DUR]
        best_w = work[c]
        best_m = work[ncal + c]
        fin_w = NEG
        fin_m = 0
        for q in range(in_ptr[i], in_ptr[i + 1]):
            lq = q * LROW
            pr = inl[lq] * ROW
            kind = inl[lq + 1]
            lag = inl[lq + 2]
            if kind in (FS, FF):
                t = st[pr + DF]
                w = st[pr + EF]
            else:
                t = st[pr + DS]
                w = st[pr + EF] - st[pr + DUR]
            if lag != 0 or (st[pr + CAL] >> 1) != c:
                if lag > 0:  # later lands on the end of working time, earlier on its start
                    t = finish_at(b, inl[lq + 3], ordinal(b, inl[lq + 3], t) + lag)
                elif lag < 0:
                    t = start_at(b, inl[lq + 3], ordinal(b, inl[lq + 3], t) + lag)
                w = ordinal(b, c, t)
                if not on_working_time(b, c, t):
                    t = start_at(b, c, w)
            if kind in (FS, SS):
                if w > best_w or (w == best_w and t > best_m):
                    best_w = w
                    best_m = t
            elif w > fin_w or (w == fin_w and t > fin_m):
                fin_w = w
                fin_m = t
        if c2 & 1:
            # A start milestone's early date in start form (P6, as cpm_core): after a
            # predecessor ending Monday 17:00 it starts Tuesday 08:00.
            best_m = start_at(b, c, best_w)
        if fin_w - d > best_w or (fin_w - d == best_w and fin_m > best_m):
            start = fin_w - d
            st[row + DF] = fin_m
            if d == 0:
                st[row + DS] = fin_m
            else:
                st[row + DS] = start_at(b, c, start)
        else:
            start = best_w
            if d == 0:
                st[row + DS] = best_m
                st[row + DF] = best_m
            else:
                st[row + DS] = start_at(b, c, start)
                st[row + DF] = finish_at(b, c, start + d)
        st[row + EF] = start + d
    finish = data_date
    if n > 0:
        finish = st[DF]
        for i in range(1, n):
            if st[i * ROW + DF] > finish:
                finish = st[i * ROW + DF]
    late_anchor = finish if anchor < 0 else anchor

    # -- backward: the earliest upper bound on the finish as (ordinal, moment); free float ----
    for i in range(n - 1, -1, -1):
        row = i * ROW
        c2 = st[row + CAL]
        c = c2 >> 1
        d = st[row + DUR]
        ef_i = st[row + EF]
        bw = POS
        bm = 0
        first = out_ptr[i]
        last = out_ptr[i + 1]
        if first == last or bound_all != 0:
            bw = ordinal(b, c, late_anchor)
            bm = late_anchor
        slack = POS
        sw = POS
        sm = 0
        # Whether the binding bound is on the finish side (FS/FF links, the anchor).
        bfin = bw < POS
        for q in range(first, last):
            lq = q * LROW
            sr = outl[lq] * ROW
            kind = outl[lq + 1]
            lag = outl[lq + 2]
            if kind in (FS, SS):
                t = st[sr + LS]
                te = st[sr + DS]
                w = st[sr + LW] - st[sr + DUR]
                we = st[sr + EF] - st[sr + DUR]
            else:
                t = st[sr + LF]
                te = st[sr + DF]
                w = st[sr + LW]
                we = st[sr + EF]
            if lag != 0 or (st[sr + CAL] >> 1) != c:
                lc = outl[lq + 3]
                # Backward through a lag lands on the latest moment of the working minute
                # reached, whatever its sign (cpm_core's `lag_moment`).
                if lag != 0:
                    t = start_at(b, lc, ordinal(b, lc, t) - lag)
                    te = start_at(b, lc, ordinal(b, lc, te) - lag)
                w = ordinal(b, c, t)
                we = ordinal(b, c, te)
            if kind in (SS, SF):
                # The binding start bound keeps its moment as the late start (P6).
                if w < sw or (w == sw and t < sm):
                    sw = w
                    sm = t
                w += d
                we += d
                if w < bw or (w == bw and t < bm):
                    bw = w
                    bm = t
                    bfin = False
            elif w < bw or (w == bw and t < bm):
                bw = w
                bm = t
                bfin = True
            if we < slack:
                slack = we
        st[row + LW] = bw
        if d == 0:
            m0 = normalize_back(b, c, bm) if c2 & 1 else finish_at(b, c, bw)
            late_s[i] = m0
            late_f[i] = m0
            st[row + LS] = bm
            st[row + LF] = bm
        else:
            m0 = start_at(b, c, bw - d)
            if sw == bw - d:
                m1 = normalize_back(b, c, sm)
                if m1 < m0:
                    m0 = m1
            st[row + LS] = m0
            late_s[i] = m0
            late_f[i] = finish_at(b, c, bw)
            st[row + LF] = bm if bfin else start_at(b, c, bw)
        tf[i] = bw - ef_i
        if first == last:
            slack = ordinal(b, c, finish)
        slack -= ef_i
        ff[i] = slack if slack > 0 else 0
    return finish
