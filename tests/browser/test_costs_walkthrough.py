"""A cost engineer's day in a real browser, in English and Chinese: import a BOQ from Excel,
raise and approve a change order, post costs until warned and then blocked at the budget,
and see the S-curve and the margin."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from sitebook.costs import services
from sitebook.costs.models import BudgetRevision, ChangeOrder, Contract, CostTransaction
from tests.conftest import build_world
from tests.costs.routes import boq_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "imported": "Imported 2 BOQ lines",
        "over": "would exceed its budget",
        "margin": "Margin",
    },
    "zh-hans": {"imported": "已导入 2 条清单项", "over": "将超出预算", "margin": "利润"},
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_cost_walkthrough(
    live_server: Any,
    open_page: Callable[[str], Any],
    artifacts_dir: Path,
    lang: str,
    tmp_path: Path,
) -> None:
    world = build_world("cb" if lang == "en" else "cz")
    admin, project = world.admin, world.project
    warn = services.cost_code_create(
        actor=admin, project=project, code="01", name="土方", name_en="Earthworks"
    )
    block = services.cost_code_create(
        actor=admin, project=project, code="02", name="桩基", name_en="Piling", control="block"
    )
    contract = services.contract_create(
        actor=admin,
        project=project,
        kind=Contract.Kind.SUBCONTRACT,
        code="FB-1",
        title="桩基分包",
        counterparty="基础公司",
    )
    page = open_page(lang)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", "pw-Admin-123")
    page.click("button[type=submit]")
    base = f"{live_server.url}/projects/{project.pk}/costs"

    # 1. BOQ from Excel.
    boq = tmp_path / "boq.xlsx"
    boq.write_bytes(
        boq_bytes(
            [
                ["010101002", "挖一般土方", "m3", 1000, 38.6, "01"],
                ["010302001", "钻孔灌注桩", "m3", 100, 1150.1, "02"],
            ]
        )
    )
    page.goto(f"{base}/budget/")
    page.set_input_files("#imp-file", str(boq))
    page.click("#boq-import button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(TEXT[lang]["imported"])
    # 38,600.00 + 115,010.00 (thousands grouping follows the language's number format)
    expect(page.locator("#boq-total")).to_have_text(re.compile(r"^\s*153,?610\.00\s*$"))
    page.screenshot(path=str(artifacts_dir / f"{lang}-costs-boq.png"), full_page=True)

    # 2. A change order raised on the contract page and approved from the register.
    page.goto(f"{base}/contracts/{contract.pk}/")
    page.fill("#co-code", "QZ-1")
    page.fill("#co-title", "溶洞处理")
    page.fill("#co-amount", "1000.10")
    page.select_option("#co-code-id", str(block.pk))
    page.check("input[name=adjust_budget]")
    page.click("#change-order button[type=submit]")
    page.goto(f"{base}/change-orders/")
    page.click("#co-QZ-1 form[action$='/submit/'] button")
    page.click("#co-QZ-1 form[action$='/approve/'] button")
    assert ChangeOrder.objects.get(project=project, code="QZ-1").status == "approved"
    assert BudgetRevision.objects.get(project=project, is_current=True).number == 2

    # 3. Costs: a warning at the budget of 01, a refusal at the budget of 02.
    page.goto(f"{base}/transactions/")
    page.select_option("#tx-code", str(warn.pk))
    page.fill("#tx-date", "2026-05-01")
    page.fill("#tx-amount", "38600.10")
    page.click("#post-cost button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(TEXT[lang]["over"])
    page.select_option("#tx-code", str(block.pk))
    page.fill("#tx-date", "2026-05-01")
    page.fill("#tx-amount", "116010.11")  # 115,010.00 + 1,000.10 + 0.01
    page.click("#post-cost button[type=submit]")
    expect(page.locator(".messages .error")).to_contain_text("0.01")
    assert CostTransaction.objects.filter(project=project).count() == 1
    page.screenshot(path=str(artifacts_dir / f"{lang}-costs-blocked.png"), full_page=True)

    # 4. Summary with the margin, and the S-curve.
    page.goto(f"{base}/")
    expect(page.locator("#margin")).to_be_visible()
    expect(page.locator("body")).to_contain_text(TEXT[lang]["margin"])
    page.goto(f"{base}/evm/?data_date=2026-05-01")
    expect(page.locator("#s-curve[data-ready='1'] canvas")).to_have_count(1)
    page.screenshot(path=str(artifacts_dir / f"{lang}-costs-s-curve.png"), full_page=True)
