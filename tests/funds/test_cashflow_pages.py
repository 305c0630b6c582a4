"""Cash-flow pages, API and Excel export show the same months; the demo project's page is
populated."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from sitebook.demo.data import load_demo
from sitebook.funds.cashflow import project_cashflow
from tests.conftest import ApiClient, OrgWorld

from .test_cashflow import _contract, build_site, spoil_subcontract_terms

D = Decimal


def _web(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def test_project_page_has_the_table_and_the_chart_in_both_languages(world_a: OrgWorld) -> None:
    build_site(world_a)
    url = reverse("funds:cashflow", kwargs={"project_id": world_a.project.pk})
    page = _web(world_a.users["finance"]).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="cashflow-chart"' in text and 'id="cashflow-data"' in text
    # May 2026: 184,250 in (the owner's first progress payment), 46,750 out (the sub's).
    assert "<td>2026-05</td><td>184,250.00</td><td>46,750.00</td><td>137,500.00</td>" in text
    assert "Forecast cumulative" in text
    zh = _web(world_a.users["finance"], "zh-hans").get(url).content.decode()
    assert "预测累计" in zh and "现金流" in zh


def test_api_returns_the_months_as_strings(world_a: OrgWorld) -> None:
    build_site(world_a)
    body = ApiClient(world_a.users["viewer"]).get(
        f"/api/v1/projects/{world_a.project.pk}/funds/cashflow"
    )
    assert body.status_code == 200
    data = body.json()
    may = next(m for m in data["months"] if m["month"] == "2026-05-01")
    assert (may["forecast_in"], may["forecast_out"], may["forecast_net"]) == (
        "184250.00",
        "46750.00",
        "137500.00",
    )
    assert data["forecast_in"] == "500000.00" and data["forecast_out"] == "100000.00"
    assert {c["code"]: c["cash"] for c in data["contracts"]} == {
        "FB-1": "100000.00",
        "HT-1": "500000.00",
    }
    company = ApiClient(world_a.admin).get("/api/v1/funds/cashflow").json()
    assert company["project_ids"] == [world_a.project.pk]
    assert company["months"] == data["months"]


def test_excel_export_holds_the_table_exactly(world_a: OrgWorld) -> None:
    build_site(world_a)
    url = reverse("funds:cashflow_export", kwargs={"project_id": world_a.project.pk})
    response = _web(world_a.users["finance"]).get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["2026-05"][1:4] == (184250, 46750, 137500)
    assert rows["2026-06"][1:5] == (250750, 50250, 200500, 388000)
    total = rows["Total"]
    assert (total[1], total[2]) == (500000, 100000)
    company = _web(world_a.admin).get(reverse("funds_cashflow_company") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(company.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)][-1] == "Total"


def test_company_page_lists_only_visible_projects(world_a: OrgWorld, world_b: OrgWorld) -> None:
    build_site(world_a)
    build_site(world_b)
    text = _web(world_a.admin).get(reverse("funds_cashflow_company")).content.decode()
    assert world_a.project.code in text and world_b.project.code not in text
    assert "500,000.00" in text  # world A's forecast in, not A + B's 1,000,000
    assert "1,000,000.00" not in text
    zh = _web(world_a.admin, "zh-hans").get(reverse("funds_cashflow_company")).content.decode()
    assert "您可查看资金的 1 个项目的预测与实际" in zh and "公司现金流" in zh


def test_a_contract_that_cannot_be_forecast_is_named(world_a: OrgWorld) -> None:
    spoil_subcontract_terms(world_a, build_site(world_a))
    url = reverse("funds:cashflow", kwargs={"project_id": world_a.project.pk})
    zh = _web(world_a.admin, "zh-hans").get(url).content.decode()
    assert "合同 FB-1 未计入预测" in zh and "预付款与质保金比例之和超过进度款支付比例" in zh


def test_page_and_api_queries_do_not_grow_with_contracts(world_a: OrgWorld) -> None:
    site = build_site(world_a)
    url = f"/api/v1/projects/{world_a.project.pk}/funds/cashflow"
    client = ApiClient(world_a.admin)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        _contract(world_a, f"CG-{n}", "purchase", site["code"].pk, D("1000.00"))
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(few) == len(more)


def test_demo_project_cash_flow_is_populated(db: Any) -> None:
    project = load_demo()
    assert project is not None
    flow = project_cashflow(project)
    income = [c for c in flow.contracts if c.contract.is_income]
    assert income and all(c.forecast is not None for c in income)
    assert flow.total("forecast_in") == sum((c.forecast.value for c in income), D(0))
    assert flow.total("forecast_out") > 0
    assert all(r.forecast_in >= 0 and r.forecast_out >= 0 for r in flow.rows)
    # The funds demo's receipts and payments are the actual side.
    assert flow.total("actual_in") > 0 and flow.total("actual_out") > 0
