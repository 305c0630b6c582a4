"""A finance officer's month in a real browser, in English and Chinese: draft a claim from
measured progress, submit and certify it with an amount per line, record a partial receipt,
record a subcontractor's invoice with retention, approve it, request and pay it, then see
the cash-flow chart and the ageing of what is still owed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from sitebook.funds.models import Claim, LedgerEntry, Payable, Payment
from tests.conftest import build_world
from tests.funds import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "tab": "Funds",
        "claims": "Claims",
        "drafted": "drafted: 200,000.00 claimed",
        "submitted": "Claim submitted to the owner.",
        "certified": "Claim certified.",
        "receipt": "Receipt recorded.",
        "invoice": "Invoice FP-0001 recorded.",
        "approved": "Invoice approved.",
        "requested": "Payment requested.",
        "request_approved": "Payment request approved.",
        "paid": "Paid 9,700.10.",
        "cashflow": "Cash flow: forecast and actual",
        "receivables": "Receivables ageing",
        "over_90": "Over 90 days",
        "nothing": "Nothing outstanding.",
    },
    "zh-hans": {
        "tab": "资金",
        "claims": "进度款",
        "drafted": "已起草：申请金额 200,000.00",
        "submitted": "进度款申请已报送业主。",
        "certified": "进度款已审定。",
        "receipt": "收款已登记。",
        "invoice": "发票 FP-0001 已登记。",
        "approved": "发票已审批。",
        "requested": "已提交付款申请。",
        "request_approved": "付款申请已批准。",
        "paid": "已付款 9,700.10。",
        "cashflow": "现金流：预测与实际",
        "receivables": "应收账龄",
        "over_90": "90 天以上",
        "nothing": "没有未结清款项。",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_funds_walkthrough(
    live_server: Any, open_page: Callable[[str], Any], artifacts_dir: Path, lang: str
) -> None:
    text = TEXT[lang]
    world = build_world("fb" if lang == "en" else "fz")
    funds = factories.setup(world)
    # Half of the 1000 m3 of piles measured by the end of March: 500 m3 x 400.00.
    factories.progress(funds, "F1", date(2026, 3, 31), "50")
    page = open_page(lang)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", world.admin.username)
    page.fill("input[name=password]", "pw-Admin-123")
    page.click("button[type=submit]")

    # 1. A claim drafted from measured progress, submitted, certified line by line.
    page.goto(f"{live_server.url}/projects/{world.project.pk}/")
    page.click(f"nav.tabs >> text={text['tab']}")
    expect(page.locator("#funds-nav")).to_contain_text(text["claims"])
    page.select_option("#claim-new select[name=contract]", str(funds.income.pk))
    page.fill("#claim-new input[name=period_start]", "2026-03-01")
    page.fill("#claim-new input[name=period_end]", "2026-03-31")
    page.click("#claim-new button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(text["drafted"])
    expect(page.locator("#claim-claimed")).to_contain_text("200,000.00")
    page.click("#claim-submit button")
    expect(page.locator(".messages")).to_contain_text(text["submitted"])
    claim = Claim.objects.get(project=world.project)
    line = claim.lines.get()
    page.fill(f"#claim-certify input[name=line-{line.pk}]", "190000.10")
    page.fill("#claim-certify input[name=certified_on]", "2026-04-10")
    page.click("#claim-certify button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(text["certified"])
    # Retention 3% x 190,000.10 = 5,700.00 (to the fen); due 80% x 190,000.10 - 5,700.00.
    expect(page.locator("#claim-certified")).to_contain_text("190,000.10")
    expect(page.locator("#claim-retention")).to_contain_text("5,700.00")
    expect(page.locator("#claim-due")).to_contain_text("146,300.08")

    # 2. A partial receipt: 100,000.00 of the 146,300.08 due.
    page.fill("#claim-receipt input[name=date]", "2026-05-08")
    page.fill("#claim-receipt input[name=amount]", "100000.00")
    page.fill("#claim-receipt input[name=reference]", "HD-0508")
    page.click("#claim-receipt button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(text["receipt"])
    expect(page.locator("#claim-received")).to_contain_text("100,000.00")
    expect(page.locator("#claim-outstanding")).to_contain_text("46,300.08")
    page.screenshot(path=str(artifacts_dir / f"{lang}-funds-claim.png"), full_page=True)
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.PART_PAID

    # 3. A subcontractor's invoice with 3% retention, approved, requested and paid.
    page.click("#funds-nav a[href$='/payables/']")
    page.select_option("#payable-new select[name=contract]", str(funds.sub.pk))
    page.fill("#payable-new input[name=number]", "FP-0001")
    page.fill("#payable-new input[name=invoice_date]", "2026-04-05")
    page.fill("#payable-new input[name=gross_amount]", "10000.10")
    page.click("#payable-new button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(text["invoice"])
    # 3% of 10,000.10 = 300.003 -> 300.00 withheld; 9,700.10 to pay.
    expect(page.locator("#payable-retention")).to_contain_text("300.00")
    expect(page.locator("#payable-approved")).to_contain_text("9,700.10")
    page.click("#payable-approve button")
    expect(page.locator(".messages")).to_contain_text(text["approved"])
    expect(page.locator("#payment-request input[name=amount]")).to_have_value("9700.10")
    page.fill("#payment-request input[name=requested_on]", "2026-04-20")
    page.click("#payment-request button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(text["requested"])
    page.click("#payment-requests form[action$='/approve/'] button")
    expect(page.locator(".messages")).to_contain_text(text["request_approved"])
    page.fill(".pay-form input[name$='-date']", "2026-04-25")
    page.click(".pay-form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(text["paid"])
    expect(page.locator("#payable-paid")).to_contain_text("9,700.10")
    page.screenshot(path=str(artifacts_dir / f"{lang}-funds-payable.png"), full_page=True)
    payable = Payable.objects.get(project=world.project, number="FP-0001")
    assert payable.status == Payable.Status.PAID
    assert [p.amount for p in Payment.objects.filter(payable=payable)] == [payable.approved_amount]
    assert LedgerEntry.objects.filter(project=world.project).count() == 2

    # 4. The cash-flow chart (forecast against the ledger's actual).
    page.click("#funds-nav a[href$='/cashflow/']")
    expect(page.locator("body")).to_contain_text(text["cashflow"])
    expect(page.locator("#cashflow-chart[data-ready='1'] canvas")).to_have_count(1)
    expect(page.locator("#cashflow-table")).to_contain_text("100,000.00")
    page.screenshot(path=str(artifacts_dir / f"{lang}-funds-cashflow.png"), full_page=True)

    # 5. The ageing: the claim fell due on 2026-05-08 (certified + 28 days), long past;
    # the subcontractor is paid in full.
    page.goto(f"{live_server.url}/projects/{world.project.pk}/funds/ageing/")
    receivables = page.locator("#ageing-receivables")
    expect(receivables).to_contain_text(text["receivables"])
    expect(receivables).to_contain_text(text["over_90"])
    expect(receivables.locator("[data-bucket=d90]")).to_have_text("46,300.08")
    expect(receivables.locator(".ageing-total")).to_have_text("46,300.08")
    expect(page.locator("#ageing-payables")).to_contain_text(text["nothing"])
    page.screenshot(path=str(artifacts_dir / f"{lang}-funds-ageing.png"), full_page=True)

    # 6. The overview card sums it up.
    page.goto(f"{live_server.url}/projects/{world.project.pk}/")
    expect(page.locator("#fc-received")).to_have_text("100,000.00")
    expect(page.locator("#fc-receivable")).to_have_text("46,300.08")
    expect(page.locator("#fc-retention")).to_contain_text("6,000.00")
