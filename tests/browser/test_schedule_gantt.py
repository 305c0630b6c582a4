"""The HS2 schedule (3,994 activities) imported through the web page, then drawn as a Gantt
in a real browser: the chart must be fully drawn within 3 s of navigation start.

The Gantt page marks the chart element when ECharts' first 'finished' event fires (every
bar drawn): data-state="ready", data-rendered=<rows>, data-nav-ms=<ms since navigation
start> (performance.now(), whose origin is the navigation start). The test reads that
figure, and checks it against the Navigation Timing entry of the same page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from sitebook.schedule.models import Activity, ImportRun
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HS2 = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "schedules"
    / "p6-xer"
    / ("hs2-sp10-cost-loaded.xer")
)
HS2_ACTIVITIES = 3994
BUDGET_MS = 3000
# A dataZoom (scroll or zoom) must redraw well within this.
RESPONSIVE_MS = 1000

# Reads the chart after its first render: the hook's figures and the page's own timings.
READ_TIMING = """() => {
  const el = document.getElementById("gantt");
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    navMs: Number(el.dataset.navMs),
    fetchToDrawMs: Number(el.dataset.ms),
    rendered: Number(el.dataset.rendered),
    bars: echarts.getInstanceByDom(el).getOption().series[0].data.length,
    domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd),
    jsonBytes: (performance.getEntriesByType("resource")
      .find((r) => r.name.includes("gantt.json")) || {}).encodedBodySize || 0,
  };
}"""

# Moves the row window by dispatching a dataZoom action and resolves with the time until
# ECharts reports the redraw finished.
ZOOM = """([start, end]) => new Promise((resolve) => {
  const chart = echarts.getInstanceByDom(document.getElementById("gantt"));
  const t0 = performance.now();
  chart.on("finished", function once() {
    chart.off("finished", once);
    const rows = chart.getOption().dataZoom[1];
    resolve({ms: performance.now() - t0, start: rows.startValue, end: rows.endValue});
  });
  chart.dispatchAction({type: "dataZoom", dataZoomIndex: 1, startValue: start, endValue: end});
})"""

ROW_WINDOW = (
    "() => { const z = echarts.getInstanceByDom(document.getElementById('gantt'))"
    ".getOption().dataZoom[1]; return [z.startValue, z.endValue]; }"
)


def test_hs2_gantt_renders_within_three_seconds(
    live_server: Any, open_page: Callable[[str], Any], artifacts_dir: Path
) -> None:
    page = open_page("en")  # first: skips or fails here when there is no browser
    world = build_world("gh")
    project = world.project
    base = f"{live_server.url}/projects/{project.pk}/schedule"
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", world.admin.username)
    page.fill("#id_password", "pw-Admin-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/projects/")

    # --- import through the page: file upload, then the report ---------------------------
    page.goto(f"{base}/import/")
    page.set_input_files("#id_file", str(HS2))
    with page.expect_navigation(timeout=120_000):
        page.locator("#import-form button[type=submit]").click()
    report = page.locator("#import-report")
    expect(report).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(f"Imported {HS2_ACTIVITIES} activities.")
    expect(page.locator("#imported-activities")).to_have_text(str(HS2_ACTIVITIES))
    expect(report).to_contain_text("Primavera P6 XER", ignore_case=True)
    expect(page.locator("main table tr", has_text=HS2.name)).to_have_count(1)
    assert Activity.objects.filter(project=project).count() == HS2_ACTIVITIES
    assert ImportRun.objects.get(project=project).filename == HS2.name

    # --- the Gantt: navigation start to every bar drawn ----------------------------------
    page.goto(f"{base}/gantt/")
    chart = page.locator("#gantt")
    expect(chart).to_have_attribute("data-state", "ready", timeout=30_000)
    timing = page.evaluate(READ_TIMING)
    rows = timing["rendered"]
    print(
        f"\nHS2 Gantt: {HS2_ACTIVITIES} activities, {rows} rows; navigation start -> chart "
        f"'finished' {timing['navMs']} ms (DOMContentLoaded {timing['domContentLoadedMs']} ms, "
        f"gantt.json {timing['jsonBytes']:,} bytes, fetch -> drawn {timing['fetchToDrawMs']} ms)"
    )
    assert rows >= HS2_ACTIVITIES  # activities plus their WBS group rows
    assert timing["bars"] == rows
    expect(page.locator("#gantt-info")).to_contain_text(f"{rows} rows")
    assert timing["domContentLoadedMs"] <= timing["navMs"]
    assert timing["navMs"] < BUDGET_MS, f"Gantt took {timing['navMs']} ms (budget {BUDGET_MS})"
    page.screenshot(path=str(artifacts_dir / "schedule-gantt-hs2.png"))

    # --- scroll and zoom once: the chart follows and the page stays responsive -----------
    before = page.evaluate(ROW_WINDOW)
    box = chart.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    page.mouse.wheel(0, 600)
    page.wait_for_function(f"() => ({ROW_WINDOW})()[0] > {before[0]}", timeout=5_000)
    zoomed = page.evaluate(ZOOM, [2000, 2199])
    print(f"HS2 Gantt: dataZoom to rows 2000-2199 redrawn in {zoomed['ms']:.0f} ms")
    assert (zoomed["start"], zoomed["end"]) == (2000, 2199)
    assert zoomed["ms"] < RESPONSIVE_MS
    t0 = page.evaluate("() => performance.now()")
    assert page.evaluate("() => performance.now()") - t0 < RESPONSIVE_MS
    expect(chart).to_have_attribute("data-state", "ready")
    page.screenshot(path=str(artifacts_dir / "schedule-gantt-hs2-zoomed.png"))
