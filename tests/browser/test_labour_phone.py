"""Day labour on a phone (375 px): a foreman records a ticket for three workers on a statutory
holiday against a cost code of the cost centre and submits it; the project manager approves
it, which posts it to the cost centre; the summary and the cost report show it. In English
and in Chinese."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sitebook.costs.models import CostCode, CostTransaction
from sitebook.demo.data import DEMO_PASSWORD, load_demo
from sitebook.labour.models import LabourLine, Ticket, Worker
from sitebook.projects.models import Project

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "holiday": "Statutory holiday · pay 300%",
        "recorded": "recorded.",
        "submitted": "Submitted",
        "approved": "Approved",
        "sign_pm": "Sign as Project manager",
        "statutory": "Statutory holiday",
    },
    "zh-hans": {
        "holiday": "法定节假日 · 计薪 300%",
        "recorded": "已登记。",
        "submitted": "已提交",
        "approved": "已审批",
        "sign_pm": "以项目经理身份签认",
        "statutory": "法定节假日",
    },
}


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def _sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/projects/")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_foreman_records_on_a_phone_and_the_manager_approves(
    lang: str, live_server: Any, open_page: Callable[[str], Page], artifacts_dir: Path
) -> None:
    t = TEXT[lang]
    load_demo()
    project = Project.objects.get(code="PD-TOWER-2026")
    workers = list(Worker.objects.filter(name__in=["刘志强", "陈国华", "杨文斌"]).order_by("name"))
    page = open_page(lang)
    page.set_viewport_size(PHONE)
    base = live_server.url
    cost_code = CostCode.objects.get(project=project, code="01.03")  # superstructure

    # --- the foreman records the ticket -------------------------------------------------
    _sign_in(page, base, "foreman")
    page.goto(f"{base}/projects/{project.pk}/labour/new/")
    page.fill("#id_work_date", "2026-10-01")
    page.locator("#id_work_date").dispatch_event("change")
    expect(page.locator("#day-type-badge")).to_have_text(t["holiday"])
    page.fill("#id_location", "6层 核心筒")
    page.select_option("#id_instruction_source", "supervisor")
    page.fill("#id_instruction_number", "JL-1001")
    page.select_option("#id_reason", "emergency")
    page.select_option("#id_cost_code", str(cost_code.pk))
    for i, worker in enumerate(workers):
        page.select_option(f"#labour-{i}-worker", str(worker.pk))
        page.fill(f"#labour-{i}-start", "08:00")
        page.fill(f"#labour-{i}-end", "17:00")
    assert _fits(page), "the entry form scrolls sideways on a phone"
    page.screenshot(path=str(artifacts_dir / f"labour-{lang}-01-form.png"), full_page=True)
    page.locator("#save-ticket").click()
    expect(page.locator("ul.messages:not(#ticket-warnings)")).to_contain_text(t["recorded"])
    # The demo already has these three on a ticket that morning: the overlap is flagged.
    expect(page.locator("#ticket-warnings")).to_contain_text("DG-PD-TOWER-2026-202610-0001")
    ticket = Ticket.objects.get(project=project, instruction_number="JL-1001")
    assert ticket.cost_code == cost_code
    assert ticket.day_type == "statutory_holiday"
    lines = list(LabourLine.objects.filter(ticket=ticket))
    assert len(lines) == 3 and {line.multiplier for line in lines} == {Decimal("3.00")}
    expect(page.locator("#ticket-day-type")).to_have_text(t["statutory"])
    expect(page.locator("#labour-lines .multiplier").first).to_contain_text("300%")
    expect(page.locator("#ticket-total")).to_contain_text(f"{ticket.total:,.2f}".split(".")[0])
    page.locator("#submit-ticket").click()
    expect(page.locator("#ticket-status")).to_have_text(t["submitted"])
    for _ in range(2):  # team leader, site engineer: signed by the foreman on site
        page.locator("#sign-ticket").click()
    expect(page.locator("#sign-ticket")).to_have_count(0)  # the next step is the manager's
    assert _fits(page)
    page.screenshot(path=str(artifacts_dir / f"labour-{lang}-02-submitted.png"), full_page=True)

    # --- the project manager approves ------------------------------------------------------
    _sign_in(page, base, "pm")
    page.goto(f"{base}/projects/{project.pk}/labour/tickets/{ticket.pk}/")
    expect(page.locator("#sign-ticket")).to_have_text(t["sign_pm"])
    page.locator("#sign-ticket").click()
    expect(page.locator("#ticket-status")).to_have_text(t["approved"])
    ticket.refresh_from_db()
    assert ticket.status == "approved"
    posting = CostTransaction.objects.get(source_type="labour_ticket", source_id=str(ticket.pk))
    # 9 h at 300 %: 480/8 x 27 + 2 x 420/8 x 27
    assert posting.amount == ticket.total == Decimal("4455.00")
    assert posting.cost_code == cost_code

    # --- the summary and the cost report show it ---------------------------------------
    page.goto(f"{base}/projects/{project.pk}/labour/summary/?by=worker")
    for worker in workers:
        expect(page.locator("#summary-table")).to_contain_text(worker.name)
    expect(page.locator("#summary-chart canvas").first).to_be_visible()
    assert _fits(page)
    page.screenshot(path=str(artifacts_dir / f"labour-{lang}-03-summary.png"), full_page=True)
    page.goto(f"{base}/projects/{project.pk}/labour/cost/")
    # The row of 01.03 sums every day-labour posting there (the demo's own as well, when the
    # cost centre's demo was loaded before labour's).
    on_code = CostTransaction.objects.filter(source_type="labour_ticket", cost_code=cost_code)
    row = page.locator("#cost-table tr", has_text=cost_code.code)
    expect(row).to_contain_text(f"{sum(t.amount for t in on_code):,.2f}")
    if on_code.count() == 1:
        expect(row).to_contain_text("4,455.00")
    assert _fits(page)
    page.screenshot(path=str(artifacts_dir / f"labour-{lang}-04-cost.png"), full_page=True)
