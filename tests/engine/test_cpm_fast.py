"""The compiled CPM kernel: calendar lookups, dispatch rule, loops, horizons, disk cache."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sitebook.engine import _kernel, cpm, cpm_core, cpm_fast
from sitebook.engine.calendars import compile_calendar
from sitebook.engine.errors import CycleError
from sitebook.engine.network import (
    STANDARD_DAY,
    Activity,
    ActivityType,
    Calendar,
    Constraint,
    ConstraintType,
    CriticalDefinition,
    Link,
    LinkType,
    Project,
    ScheduleOptions,
    calendar_24h,
)

MON = dt.datetime(2025, 1, 6, 8, 0)
ROOT = Path(__file__).resolve().parents[2]


def _calendars() -> list[Calendar]:
    night = ((0, 6 * 60), (22 * 60, 24 * 60))
    return [
        Calendar(id="std", exceptions={dt.date(2025, 1, 8): ()}),
        Calendar(id="six", week=(((7 * 60, 17 * 60),),) * 6 + ((),)),
        calendar_24h("h24"),
        Calendar(id="night", week=(night,) * 5 + ((), ())),
        Calendar(id="cn", exceptions={dt.date(2025, 1, 11): STANDARD_DAY}),
    ]


@pytest.mark.parametrize("jit", [True, False])
def test_lookups_agree_with_compiled_calendar(jit: bool) -> None:
    first, last = dt.date(2024, 12, 1), dt.date(2025, 3, 1)
    compiled = [compile_calendar(c, first, last) for c in _calendars()]
    blob = cpm_fast.stack_calendars(compiled)
    k = cpm_fast.kernel(jit)
    b = blob.copy() if jit else blob.tolist()
    rng = np.random.default_rng(3)
    h0, h1 = compiled[0].horizon_start, compiled[0].horizon_end
    for _ in range(3000):
        c = int(rng.integers(len(compiled)))
        cc = compiled[c]
        t = int(rng.integers(h0, h1 + 1))
        w = int(rng.integers(0, cc.total))
        assert k.ordinal(b, c, t) == cc.ordinal(t)
        assert k.start_at(b, c, w) == cc.start_at(w)
        assert k.finish_at(b, c, w) == cc.finish_at(w)
        if t >= cc.starts_list[0]:
            assert k.normalize_back(b, c, t) == cc.normalize_back(t)
    assert b[_kernel.ERR] == 0


def test_lookups_outside_the_horizon_flag_an_error() -> None:
    first, last = dt.date(2025, 1, 1), dt.date(2025, 1, 31)
    cc = compile_calendar(Calendar(id="std"), first, last)
    b = cpm_fast.stack_calendars([cc]).tolist()
    k = cpm_fast.kernel(jit=False)
    k.start_at(b, 0, cc.total - 1)
    assert b[_kernel.ERR] == 0
    k.start_at(b, 0, cc.total)
    assert b[_kernel.ERR] == 1
    b[_kernel.ERR] = 0
    k.ordinal(b, 0, cc.horizon_start - 1)
    assert b[_kernel.ERR] == 1


def _project(n: int = 3, **kw: object) -> Project:
    acts = [
        Activity(id=f"a{i}", code=f"A{i}", calendar_id="std", original_duration=480,
                 remaining_duration=480)
        for i in range(n)
    ]  # fmt: skip
    links = [Link(f"a{i}", f"a{i + 1}") for i in range(n - 1)]
    p = Project(
        code="P",
        data_date=MON,
        default_calendar_id="std",
        calendars={"std": Calendar(id="std")},
        activities=acts,
        links=links,
    )
    for key, value in kw.items():
        setattr(p, key, value)
    return p


def test_unsupported_features_are_named() -> None:
    assert cpm_fast.unsupported_reason(_project()) is None
    p = _project()
    p.activities[1].primary_constraint = Constraint(ConstraintType.START_ON_OR_AFTER, MON)
    assert "constraint" in (cpm_fast.unsupported_reason(p) or "")
    p = _project()
    p.activities[0].actual_start = MON
    assert "progress" in (cpm_fast.unsupported_reason(p) or "")
    p = _project()
    p.activities[0].type = ActivityType.LEVEL_OF_EFFORT
    assert "level_of_effort" in (cpm_fast.unsupported_reason(p) or "")
    p = _project(options=ScheduleOptions(critical=CriticalDefinition.LONGEST_PATH))
    assert "longest-path" in (cpm_fast.unsupported_reason(p) or "")
    p = _project(options=ScheduleOptions(open_ends_to_project_finish=False))
    assert cpm_fast.unsupported_reason(p) == "option open_ends_to_project_finish"
    p = _project()
    p.links.append(Link("a0", "nope"))
    assert cpm_fast.unsupported_reason(p) == "link to an unknown activity"
    assert cpm_fast.schedule(p) is None
    assert cpm_fast.schedule(_project(data_date=None)) is None


def test_worth_it_rule_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cpm_fast.KERNEL_ENV, raising=False)
    monkeypatch.setattr(cpm_fast, "_loaded", {})
    assert not cpm_fast.worth_it(cpm_fast.KERNEL_MIN_ACTIVITIES - 1)
    assert cpm_fast.worth_it(cpm_fast.KERNEL_MIN_ACTIVITIES)
    monkeypatch.setattr(cpm_fast, "_loaded", {True: _kernel})
    assert cpm_fast.worth_it(cpm_fast.KERNEL_MIN_ACTIVITIES_WARM)
    assert not cpm_fast.worth_it(cpm_fast.KERNEL_MIN_ACTIVITIES_WARM - 1)
    monkeypatch.setenv(cpm_fast.KERNEL_ENV, "never")
    assert not cpm_fast.worth_it(10**9)
    monkeypatch.setenv(cpm_fast.KERNEL_ENV, "always")
    assert cpm_fast.worth_it(1)


def test_schedule_dispatches_and_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cpm_fast.KERNEL_ENV, "always")
    calls: list[str] = []
    real = cpm_fast.schedule

    def spy(project: Project, jit: bool = True) -> object:
        found = real(project, jit)
        calls.append("kernel" if found is not None else "declined")
        return found

    monkeypatch.setattr(cpm_fast, "schedule", spy)
    p = _project()
    assert cpm.schedule(p) == cpm_core.schedule(p)
    assert calls == ["kernel"]
    p.activities[0].actual_start = MON
    assert cpm.schedule(p) == cpm_core.schedule(p)
    assert calls == ["kernel", "declined"]


def test_a_loop_goes_to_cpm_core_which_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cpm_fast.KERNEL_ENV, "always")
    p = _project(4)
    p.links.append(Link("a3", "a1", LinkType.SS))
    assert cpm_fast.schedule(p) is None
    with pytest.raises(CycleError) as info:
        cpm.schedule(p)
    assert set(info.value.activities) == {"A1", "A2", "A3"}


def test_a_long_network_retries_over_a_longer_horizon() -> None:
    # 40 links of 30 working days each on a calendar working one hour a week: the first
    # horizon (sized for an 8-hour day) is far too short, so the kernel must retry.
    week = ((), (), ((8 * 60, 9 * 60),), (), (), (), ())
    p = _project(3)
    p.calendars = {"std": Calendar(id="std", week=week)}
    p.links = [Link("a0", "a1", lag=60 * 200), Link("a1", "a2", LinkType.SS, lag=60 * 150)]
    fast = cpm_fast.schedule(p)
    assert fast is not None and fast == cpm_core.schedule(p)
    assert fast.finish > MON + dt.timedelta(days=7 * 350)


def test_empty_and_single_activity_projects() -> None:
    assert cpm_fast.schedule(_project(0)) is None
    one = _project(1)
    assert cpm_fast.schedule(one) == cpm_core.schedule(one)


@pytest.mark.slow
def test_compiled_code_is_cached_on_disk(tmp_path: Path) -> None:
    """A second process loads the kernel from the cache instead of compiling it."""
    script = (
        "import time, numpy as np\n"
        "from sitebook.engine import cpm_fast\n"
        "from sitebook.engine.calendars import compile_calendar\n"
        "from sitebook.engine.network import Calendar\n"
        "import datetime as dt\n"
        "cc = compile_calendar(Calendar(id='s'), dt.date(2025, 1, 1), dt.date(2025, 12, 31))\n"
        "blob = cpm_fast.stack_calendars([cc])\n"
        "z = np.zeros(1, np.int64)\n"
        "e = np.zeros(0, np.int64)\n"
        "t0 = time.perf_counter()\n"
        "net = cpm_fast.compile_network(z + 480, z, z, e, e, e, e, e)\n"
        "cpm_fast.run_passes(net, blob, int(cc.starts[0]))\n"
        "print(time.perf_counter() - t0)\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    run = [sys.executable, "-c", script]
    first = float(subprocess.run(run, env=env, cwd=ROOT, capture_output=True, text=True,
                                 check=True).stdout)  # fmt: skip
    assert any(tmp_path.rglob("*.nbi")), "numba wrote no cache index"
    second = float(subprocess.run(run, env=env, cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout)  # fmt: skip
    assert second < first / 3, (first, second)
