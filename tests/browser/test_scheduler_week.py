"""A scheduler's week in a real browser, in English and Chinese: import the airport terminal
schedule through the import page, capture a baseline, enter a period's progress for ten
activities, reschedule, then find the slipped activities, the delay warnings and the
look-ahead, each in the page's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sitebook.schedule import adapters
from sitebook.schedule.models import Activity, Baseline, ProgressUpdate, ScheduleSettings
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AIRPORT = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "schedules"
    / "p6-xer"
    / ("airport-terminal.xer")
)
AIRPORT_ACTIVITIES = 66
UPDATED = 10
EXTRA_DAYS = 30  # remaining duration entered: far more than planned, so the work slips
PERIOD_DAYS = 14
MAX_PERIODS = 6

# Rows of the period update form that send at least one value.
SENT_ROWS = """() => [...document.querySelectorAll("#progress-table tr[data-code]")]
  .filter((tr) => [...tr.querySelectorAll("input:not([type=hidden])")].some((i) => i.value))
  .length"""

TEXT = {
    "en": {
        "import_report": "Import report",
        "imported": f"Imported {AIRPORT_ACTIVITIES} activities.",
        "captured": "Baseline captured.",
        "compared": "compared",
        "period_update": "Period update",
        "recorded": "Progress recorded for {n} activities; the schedule is recomputed.",
        "recomputed": "Schedule recomputed.",
        "slipped": "Slipped activities",
        "later_than": "Finishing later than in baseline",
        "warnings": "Delay warnings",
        "baseline_warning": "forecast to finish",
        "lookahead": "4-week look-ahead",
    },
    "zh-hans": {
        "import_report": "导入报告",
        "imported": f"已导入 {AIRPORT_ACTIVITIES} 项作业。",
        "captured": "基线已建立。",
        "compared": "对比中",
        "period_update": "周期进度更新",
        "recorded": "已记录 {n} 项作业的进度，进度计划已重新计算。",
        "recomputed": "进度计划已重新计算。",
        "slipped": "拖期作业",
        "later_than": "完成晚于基线",
        "warnings": "延误预警",
        "baseline_warning": "预测完成比基线完成日期",
        "lookahead": "4 周滚动计划",
    },
}


def shot(page: Page, artifacts: Path, lang: str, step: str) -> None:
    page.screenshot(path=str(artifacts / f"scheduler-week-{lang}-{step}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_scheduler_week(
    lang: str, live_server: Any, open_page: Callable[[str], Page], artifacts_dir: Path
) -> None:
    t = TEXT[lang]
    page = open_page(lang)  # first: skips or fails here when there is no browser
    world = build_world("sw" if lang == "en" else "sz")
    project = world.project
    base = f"{live_server.url}/projects/{project.pk}/schedule"
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.fill("#id_username", world.admin.username)
    page.fill("#id_password", "pw-Admin-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/projects/")

    # --- import through the page ---------------------------------------------------------
    page.goto(f"{base}/import/")
    page.set_input_files("#id_file", str(AIRPORT))
    with page.expect_navigation(timeout=60_000):
        page.locator("#import-form button[type=submit]").click()
    expect(page.locator("#import-report h2")).to_have_text(t["import_report"])
    expect(page.locator(".messages")).to_contain_text(t["imported"])
    expect(page.locator("#imported-activities")).to_have_text(str(AIRPORT_ACTIVITIES))
    assert Activity.objects.filter(project=project).count() == AIRPORT_ACTIVITIES
    shot(page, artifacts_dir, lang, "01-import")

    # --- capture a baseline (it becomes the compared one) --------------------------------
    page.goto(f"{base}/baselines/")
    page.fill("#id_name", "Contract programme")
    page.locator("#baseline-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(t["captured"])
    row = page.locator("#baseline-table tr", has_text="Contract programme")
    expect(row).to_contain_text(t["compared"])
    expect(row).to_contain_text(str(AIRPORT_ACTIVITIES))
    expect(page.locator("#slipped tr")).to_have_count(2)  # header and "no activity has slipped"
    baseline = Baseline.objects.get(project=project)
    shot(page, artifacts_dir, lang, "02-baseline")

    # --- period updates, two weeks at a time, until ten activities have progress ---------
    # The form lists the unfinished work due in the next four weeks (five rows at first on
    # this network), so the ten activities take more than one period.
    settings = ScheduleSettings.objects.get(project=project)
    data_date = adapters.to_wall(settings.computed_data_date or settings.data_date)
    assert data_date is not None
    new_date = data_date.date()
    picked: list[str] = []
    on_time: list[str] = []
    late: list[str] = []
    periods = 0
    while len(picked) < UPDATED and periods < MAX_PERIODS:
        periods += 1
        new_date += dt.timedelta(days=PERIOD_DAYS)
        page.goto(f"{base}/progress/")
        expect(page.locator("#progress-form h2")).to_have_text(t["period_update"])
        page.fill("#data_date", new_date.isoformat())
        page.fill("#note", f"Period {periods} / 第 {periods} 期")
        rows = [
            (
                tr.get_attribute("data-code") or "",
                dt.date.fromisoformat(tr.locator("td").nth(2).inner_text().strip()),
                dt.date.fromisoformat(tr.locator("td").nth(3).inner_text().strip()),
                tr,
            )
            for tr in page.locator("#progress-table tr[data-code]").all()
        ]
        due = [r for r in rows if r[1] <= new_date]  # should have started by the new date
        fresh = [r for r in due if r[0] not in picked][: UPDATED - len(picked)]
        last = len(picked) + len(fresh) == UPDATED
        for code, start, finish, tr in due:
            if code not in picked and all(code != f[0] for f in fresh):
                continue
            if code not in picked:
                picked.append(code)
            if not tr.locator("input[name^=actual_start]").input_value():
                tr.locator("input[name^=actual_start]").fill(start.isoformat())
            if finish <= new_date:  # done on time (milestones too)
                tr.locator("input[name^=actual_finish]").fill(finish.isoformat())
                on_time.append(code)
            elif last:  # little done and far more left than planned: it slips
                tr.locator("input[name^=pct]").fill("10")
                tr.locator("input[name^=rem]").fill(str(EXTRA_DAYS))
                late.append(code)
            else:  # on plan (seven-day calendar): what is left runs to the planned finish
                left = (finish - new_date).days + 1
                done = 100 * (new_date - start).days // ((finish - start).days + 1)
                tr.locator("input[name^=pct]").fill(str(done))
                tr.locator("input[name^=rem]").fill(str(left))
        this_period = len(fresh)
        # Rows already started send their actual start again: they count as updated too.
        sent = page.evaluate(SENT_ROWS)
        assert sent >= this_period
        shot(page, artifacts_dir, lang, f"03-progress-form-{periods}")
        page.locator("#progress-form button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text(t["recorded"].format(n=sent))
    assert len(picked) == UPDATED, f"only {len(picked)} activities could take progress"
    print(
        f"\n[{lang}] {periods} period updates to {new_date}: {len(on_time)} done on time "
        f"{on_time}, {len(late)} slipping {late}"
    )
    updates = ProgressUpdate.objects.filter(project=project)
    assert updates.count() == periods
    assert sum(u.activity_count for u in updates) >= UPDATED
    for code in picked:
        a = Activity.objects.get(project=project, code=code)
        assert a.actual_start is not None, code
        if code in on_time:
            assert a.actual_finish is not None and a.percent_complete == 100, code
        else:
            assert a.actual_finish is None and a.remaining_duration == EXTRA_DAYS * 480, code
    assert late, "some of the work slips"
    expect(page.locator("main table tr", has_text=f"Period {periods} /")).to_have_count(1)
    shot(page, artifacts_dir, lang, "04-progress-recorded")

    # --- reschedule from the activity table ----------------------------------------------
    page.goto(f"{base}/")
    page.locator(f"form[action='/projects/{project.pk}/schedule/reschedule/'] button").click()
    expect(page.locator(".messages")).to_contain_text(t["recomputed"])

    # --- slipped activities against the baseline -----------------------------------------
    page.goto(f"{base}/baselines/")
    card = page.locator(".card", has=page.locator("#slipped"))
    expect(card.locator("h2")).to_have_text(t["slipped"])
    expect(card).to_contain_text(t["later_than"])
    slipped_rows = page.locator("#slipped tr:has(a)")
    assert slipped_rows.count() > 0
    slipped_codes = {c.strip() for c in slipped_rows.locator("td:first-child").all_inner_texts()}
    assert slipped_codes & set(late), (slipped_codes, late)
    assert float(slipped_rows.first.locator("td").nth(4).inner_text()) > 0
    assert baseline.pk == ScheduleSettings.objects.get(project=project).baseline_id
    shot(page, artifacts_dir, lang, "05-slipped")

    # --- delay warnings -------------------------------------------------------------------
    page.get_by_role("link", name=t["warnings"], exact=True).click()
    page.wait_for_url(f"{base}/warnings/")
    expect(page.locator("main .card h2")).to_contain_text(t["warnings"])
    late_rows = page.locator("#warning-table tr.warning-baseline")
    expect(late_rows.first).to_contain_text(t["baseline_warning"])
    late_codes = {c.strip() for c in late_rows.locator("td:first-child").all_inner_texts()}
    assert late_codes & slipped_codes
    shot(page, artifacts_dir, lang, "06-warnings")

    # --- the look-ahead -------------------------------------------------------------------
    page.goto(f"{base}/lookahead/?weeks=4")
    expect(page.locator("#lookahead-title")).to_contain_text(t["lookahead"])
    expect(page.locator("#lookahead-title")).to_contain_text(new_date.isoformat())
    ahead = page.locator("#lookahead-table tr:has(td:not(.muted))")
    assert ahead.count() > 0
    ahead_codes = {c.strip() for c in ahead.locator("td:first-child").all_inner_texts()}
    assert ahead_codes & set(late), "work in progress is on the look-ahead"
    shot(page, artifacts_dir, lang, "07-lookahead")
