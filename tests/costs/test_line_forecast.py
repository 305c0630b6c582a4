"""Forecast to complete per BOQ line, rolled up to the cost code and the project EAC.

Budget: 01.01 one line 010301001 = 1,020,545.05; 01.02 two lines, 010501001 = 3,000 m3 x
520.30 = 1,560,900.00 and 010502001 = 500 x 100.00 = 50,000.00, so 01.02 = 1,610,900.00.
On 1 February 01.02 is 25 % complete (EV 402,725.00) and has cost 500,000.00 (CPI
402,725 / 500,000): its own forecast (automatic, from CPI) is
ETC = (1,610,900 - 402,725) x 500,000 / 402,725 = 1,208,175 x 500,000 / 402,725 = 1,500,000.00.
Its actual cost shared by line budget, in whole fen: 500,000 x 1,560,900 / 1,610,900 =
484,480.7250... and 500,000 x 50,000 / 1,610,900 = 15,519.2749...; rounded down 484,480.72
and 15,519.27 leave one fen, which goes to the larger remainder: 484,480.73 and 15,519.27.
A line without its own method takes its budget share of the cost code's forecast:
1,500,000 x 50,000 / 1,610,900 = 46,557.8248... = 46,557.82.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from sitebook.core.errors import InvalidInput
from sitebook.costs import selectors, services
from sitebook.costs.models import LineForecast
from tests.conftest import ApiClient, OrgWorld

from .factories import cost_codes

D = Decimal
DAY = date(2026, 2, 1)


@pytest.fixture
def codes(world_a: OrgWorld) -> dict[str, object]:
    codes = cost_codes(world_a)
    services.budget_revise(
        actor=world_a.admin,
        project=world_a.project,
        reason="原始预算",
        lines=[
            {
                "item_code": item,
                "description": text,
                "unit": "m3",
                "quantity": D(qty),
                "unit_rate": D(rate),
                "cost_code": cc,
            }
            for item, text, qty, rate, cc in [
                ("010301001", "钻孔灌注桩", "1200.5", "850.10", "01.01"),
                ("010501001", "C35 商品混凝土", "3000", "520.30", "01.02"),
                ("010502001", "C15 垫层", "500", "100.00", "01.02"),
            ]
        ],
    )
    services.progress_record(
        actor=world_a.admin, cost_code=codes["01.02"], date=DAY, percent_complete=D("25")
    )
    services.cost_transaction_create(
        actor=world_a.admin,
        project=world_a.project,
        cost_code_id=codes["01.02"].pk,
        date=DAY,
        amount=D("500000.00"),
    )
    return codes  # type: ignore[return-value]


def _state(world: OrgWorld) -> tuple[dict[str, selectors.LineRow], selectors.SummaryRow, D]:
    summary = selectors.cost_summary(world.project, DAY)
    row = next(r for r in summary.rows if r.code and r.code.code == "01.02")
    return {line.item_code: line for line in summary.lines}, row, summary.total.eac


def _set(world: OrgWorld, item: str, method: str, **kw: object) -> LineForecast:
    return services.line_forecast_set(
        actor=world.admin, project=world.project, item_code=item, method=method, **kw
    )


def test_without_line_forecasts_lines_share_the_cost_codes_forecast(
    world_a: OrgWorld, codes: dict[str, object]
) -> None:
    lines, row, _total = _state(world_a)
    assert row.etc == D("1500000.00")
    # 1,500,000 split by budget: 1,453,442.1751... and 46,557.8248... -> fen, one left over.
    assert (lines["010501001"].etc, lines["010502001"].etc) == (D("1453442.18"), D("46557.82"))
    assert (lines["010501001"].actual, lines["010502001"].actual) == (
        D("484480.73"),
        D("15519.27"),
    )
    assert lines["010501001"].method == "auto"


def test_unit_rate_manual_and_cpi_forecasts_roll_up(
    world_a: OrgWorld, codes: dict[str, object]
) -> None:
    # Remaining quantity x actual unit rate: (3,000 - 750) x 484,480.73 / 750 = 1,453,442.19.
    _set(world_a, "010501001", "unit_rate", quantity_done=D("750"))
    lines, row, total = _state(world_a)
    assert lines["010501001"].etc == D("1453442.19")
    assert lines["010501001"].eac == D("1937922.92")  # 484,480.73 + 1,453,442.19
    assert lines["010502001"].etc == D("46557.82")
    # 01.02: ETC 1,453,442.19 + 46,557.82 = 1,500,000.01; EAC 2,000,000.01.
    assert (row.etc, row.eac) == (D("1500000.01"), D("2000000.01"))
    # Project EAC: 01.01 (no progress, no cost: its budget, 1,020,545.05) + 2,000,000.01.
    assert total == D("3020545.06")

    forecast = LineForecast.objects.get(project=world_a.project, item_code="010501001")
    _set(world_a, "010501001", "manual", etc=D("1000000.00"), version=forecast.version)
    lines, row, _total = _state(world_a)
    assert (lines["010501001"].etc, row.etc) == (D("1000000.00"), D("1046557.82"))

    # CPI of the cost code: the line earns 25 % of 1,560,900 = 390,225.00;
    # (1,560,900 - 390,225) x 500,000 / 402,725 = 1,453,442.1751... = 1,453,442.18.
    _set(world_a, "010501001", "cpi")
    lines, row, _total = _state(world_a)
    assert (lines["010501001"].etc, row.etc) == (D("1453442.18"), D("1500000.00"))

    # A new budget revision keeps the line's forecast (kept by item code).
    services.budget_revise(
        actor=world_a.admin,
        project=world_a.project,
        reason="调整",
        lines=[
            {
                "item_code": "010502001",
                "description": "C15 垫层",
                "unit": "m3",
                "quantity": D("600"),
                "unit_rate": D("100.00"),
                "cost_code": "01.02",
            }
        ],
    )
    lines, _row, _total = _state(world_a)
    assert lines["010501001"].method == "cpi"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"item_code": "999", "method": "manual", "etc": D("1")}, "item_code"),
        ({"item_code": "010501001", "method": "guess"}, "method"),
        ({"item_code": "010501001", "method": "manual"}, "etc"),
        ({"item_code": "010501001", "method": "manual", "etc": D("-1")}, "etc"),
        ({"item_code": "010501001", "method": "unit_rate"}, "quantity_done"),
        (
            {"item_code": "010501001", "method": "unit_rate", "quantity_done": D("0")},
            "quantity_done",
        ),
    ],
)
def test_bad_forecast_names_the_field_and_changes_nothing(
    world_a: OrgWorld, codes: dict[str, object], kw: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.line_forecast_set(actor=world_a.admin, project=world_a.project, **kw)  # type: ignore[arg-type]
    assert exc.value.errors[0]["field"] == field
    assert not LineForecast.objects.filter(project=world_a.project).exists()


def test_api_and_page_show_the_line_forecast(world_a: OrgWorld, codes: dict[str, object]) -> None:
    api = ApiClient(world_a.admin)
    p = world_a.project.pk
    r = api.put(
        f"/api/v1/projects/{p}/budget/forecast/010501001",
        {"method": "manual", "etc": "1000000.00"},
    )
    assert r.status_code == 200, r.content
    assert (r.json()["method"], D(r.json()["etc"])) == ("manual", D("1000000.00"))
    bad = api.put(f"/api/v1/projects/{p}/budget/forecast/010501001", {"method": "manual"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "etc"
    rows = api.get(f"/api/v1/projects/{p}/budget/forecast?data_date=2026-02-01").json()["items"]
    by_item = {x["item_code"]: x for x in rows}
    assert D(by_item["010501001"]["eac"]) == D("1484480.73")  # 484,480.73 + 1,000,000.00
    summary = api.get(f"/api/v1/projects/{p}/cost-summary?data_date=2026-02-01").json()
    row = next(x for x in summary["rows"] if x["code"] == "01.02")
    assert D(row["etc"]) == D("1046557.82")

    web = Client()
    web.force_login(world_a.admin)
    page = web.post(
        f"/projects/{p}/costs/budget/",
        {"action": "forecast", "item_code": "010502001", "method": "manual", "etc": "10.00"},
    )
    assert page.status_code == 302
    html = web.get(f"/projects/{p}/costs/budget/").content.decode()
    assert 'id="line-forecast"' in html and "10.00" in html
    assert LineForecast.objects.get(item_code="010502001").etc == D("10.00")


def test_page_refuses_to_overwrite_a_forecast_saved_meanwhile(
    world_a: OrgWorld, codes: dict[str, object]
) -> None:
    """Two people open the BOQ page; the second save must not silently replace the first."""
    web = Client()
    web.force_login(world_a.admin)
    url = f"/projects/{world_a.project.pk}/costs/budget/"
    first = {"action": "forecast", "item_code": "010502001", "method": "manual", "etc": "10.00"}
    assert web.post(url, first).status_code == 302
    # A form opened before that save still believes the line has no forecast (version 0).
    late = {**first, "etc": "99.00", "version": "0"}
    assert web.post(url, late).status_code == 409
    assert LineForecast.objects.get(item_code="010502001").etc == D("10.00")
    # The line's own form carries the version it shows, and that save goes through.
    html = web.get(url, {"forecast": "010502001"}).content.decode()
    version = LineForecast.objects.get(item_code="010502001").version
    assert f'name="version" value="{version}"' in html and 'value="10.00"' in html
    again = {**first, "etc": "12.00", "version": str(version)}
    assert web.post(url, again).status_code == 302
    stale = {**first, "etc": "13.00", "version": str(version)}
    assert web.post(url, stale).status_code == 409
    assert LineForecast.objects.get(item_code="010502001").etc == D("12.00")
