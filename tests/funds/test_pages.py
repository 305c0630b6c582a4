"""Funds pages through the web client: a claim from progress to a partial receipt, a
subcontractor's invoice to its payment, reversal, balances, ageing, the card, Excel; bad
input shown on its field with nothing changed; list pages in a fixed number of queries."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from sitebook.audit.models import ChangeRecord
from sitebook.funds import ageing
from sitebook.funds.models import (
    Advance,
    Claim,
    ContractTerms,
    LedgerEntry,
    Payable,
    Payment,
    Receipt,
)
from tests.conftest import OrgWorld
from tests.funds import factories

D = Decimal


@pytest.fixture
def funds(world_a: OrgWorld) -> factories.Funds:
    return factories.setup(world_a)


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _base(f: factories.Funds) -> str:
    return f"/projects/{f.world.project.pk}/funds"


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_claim_from_progress_to_a_partial_receipt(funds: factories.Funds) -> None:
    web, base = _web(funds.world.users["finance"]), _base(funds)
    factories.progress(funds, "F1", date(2026, 3, 31), "50")
    response = web.post(
        f"{base}/",
        {
            "contract": funds.income.pk,
            "period_start": "2026-03-01",
            "period_end": "2026-03-31",
            "from_progress": "on",
            "change_orders": "on",
            "day_labour": "on",
        },
    )
    claim = Claim.objects.get(project=funds.world.project)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/claims/{claim.pk}/")
    # 50% of 1000 m3 x 400.00
    assert claim.claimed_amount == D("200000.00")
    assert "200,000.00" in _text(web.get(f"{base}/"))

    web.post(f"{base}/claims/{claim.pk}/submit/", {"version": claim.version})
    claim.refresh_from_db()
    assert claim.status == "submitted"
    line = claim.lines.get()
    response = web.post(
        f"{base}/claims/{claim.pk}/certify/",
        {
            "version": claim.version,
            f"line-{line.pk}": "190000.10",
            "certified_on": "2026-04-10",
            "payment_ratio": "80",
            "retention_percent": "3",
        },
    )
    assert response.status_code == 302, _text(response)[:2000]
    claim.refresh_from_db()
    # retention 3% x 190,000.10 = 5,700.00; due 80% x 190,000.10 - 5,700.00 = 146,300.08
    assert (claim.status, claim.certified_amount) == ("certified", D("190000.10"))
    assert (claim.retention, claim.amount_due) == (D("5700.00"), D("146300.08"))

    response = web.post(
        f"{base}/claims/{claim.pk}/receipt/",
        {"date": "2026-05-08", "amount": "100000.00", "currency": "CNY", "reference": "HD-1"},
    )
    assert response.status_code == 302
    page = _text(web.get(f"{base}/claims/{claim.pk}/"))
    assert "Paid in part" in page
    assert re.search(r'id="claim-outstanding">CNY 46,300.08<', page)
    assert LedgerEntry.objects.get(project=funds.world.project).amount == D("100000.00")


def test_bad_receipts_and_certificates_are_shown_on_the_field_and_change_nothing(
    funds: factories.Funds,
) -> None:
    web, base = _web(funds.world.admin), _base(funds)
    draft = factories.submitted_claim(funds)
    before = (Receipt.objects.count(), ChangeRecord.objects.count())

    # A receipt on a claim that is not certified: refused, on top of the form.
    response = web.post(
        f"{base}/claims/{draft.pk}/receipt/", {"date": "2026-05-08", "amount": "10.00"}
    )
    assert response.status_code == 400
    assert "money can be received only on a certified claim" in _text(response)

    # A certified line above what was claimed: the error sits by that line's input.
    line = draft.lines.get()
    response = web.post(
        f"{base}/claims/{draft.pk}/certify/",
        {
            "version": draft.version,
            f"line-{line.pk}": "200000.01",
            "certified_on": "2026-04-10",
        },
    )
    assert response.status_code == 400
    page = _text(response)
    assert re.search(
        rf'name="line-{line.pk}"[^>]*> ?<ul class="errorlist"[^>]*><li>The certified amount '
        r"200,000.01 is above the claimed 200,000.00",
        page,
    ), page[page.find("certify-lines") :][:1500]

    assert Claim.objects.get(pk=draft.pk).status == "submitted"
    assert (Receipt.objects.count(), ChangeRecord.objects.count()) == before


def test_receipt_above_what_is_due_or_in_another_currency_names_the_field(
    funds: factories.Funds,
) -> None:
    web, base = _web(funds.world.admin), _base(funds)
    claim = factories.certified_claim(funds)
    before = (Receipt.objects.count(), LedgerEntry.objects.count(), ChangeRecord.objects.count())
    response = web.post(
        f"{base}/claims/{claim.pk}/receipt/",
        {"date": "2026-05-08", "amount": f"{claim.amount_due + D('0.01')}", "currency": "CNY"},
    )
    assert response.status_code == 400
    assert re.search(
        r'name="amount"[^>]*> ?<ul class="errorlist"[^>]*><li>The receipt', _text(response)
    )
    response = web.post(
        f"{base}/claims/{claim.pk}/receipt/",
        {"date": "2026-05-08", "amount": "10.00", "currency": "USD"},
    )
    assert response.status_code == 400
    assert re.search(
        r'name="currency"[^>]*> ?<ul class="errorlist"[^>]*><li>The currency USD does not match',
        _text(response),
    )
    after = (Receipt.objects.count(), LedgerEntry.objects.count(), ChangeRecord.objects.count())
    assert after == before


def test_subcontract_invoice_with_retention_is_approved_requested_and_paid(
    funds: factories.Funds,
) -> None:
    web, base = _web(funds.world.users["finance"]), _base(funds)
    # A retention rate above the 3% cap is refused on its field; nothing is recorded.
    response = web.post(
        f"{base}/payables/",
        {
            "contract": funds.sub.pk,
            "number": "FP-0001",
            "invoice_date": "2026-04-05",
            "gross_amount": "10000.10",
            "retention_percent": "5",
        },
    )
    assert response.status_code == 400
    assert re.search(
        r'name="retention_percent"[^>]*> ?<ul class="errorlist"[^>]*><li>The retention rate 5',
        _text(response),
    )
    assert not Payable.objects.exists()
    response = web.post(
        f"{base}/payables/",
        {
            "contract": funds.sub.pk,
            "number": "FP-0001",
            "invoice_date": "2026-04-05",
            "gross_amount": "10000.10",
            "currency": "CNY",
        },
    )
    payable = Payable.objects.get(number="FP-0001")
    assert response.status_code == 302
    # 3% of 10,000.10 = 300.003 -> 300.00 withheld; 9,700.10 to pay
    assert (payable.retention, payable.approved_amount) == (D("300.00"), D("9700.10"))
    assert (
        web.post(f"{base}/payables/{payable.pk}/approve/", {"version": payable.version}).status_code
        == 302
    )
    response = web.post(
        f"{base}/payables/{payable.pk}/request/",
        {"amount": "9700.11", "requested_on": "2026-04-20"},
    )
    assert response.status_code == 400
    assert "is more than the 9,700.10 approved" in _text(response)
    web.post(
        f"{base}/payables/{payable.pk}/request/",
        {"amount": "9700.10", "requested_on": "2026-04-20"},
    )
    request = payable.requests.get()
    web.post(f"{base}/requests/{request.pk}/approve/", {"version": request.version})
    # A payment above the approved request: refused on the amount, nothing paid.
    response = web.post(
        f"{base}/requests/{request.pk}/pay/",
        {f"pay{request.pk}-date": "2026-04-25", f"pay{request.pk}-amount": "9700.11"},
    )
    assert response.status_code == 400
    assert re.search(
        r'name="pay\d+-amount"[^>]*> ?<ul class="errorlist"[^>]*><li>The payment 9,700.11 is '
        r"above the approved amount 9,700.10",
        _text(response),
    )
    assert not Payment.objects.exists()
    response = web.post(
        f"{base}/requests/{request.pk}/pay/",
        {f"pay{request.pk}-date": "2026-04-25", f"pay{request.pk}-amount": "9700.10"},
    )
    assert response.status_code == 302
    payable.refresh_from_db()
    assert payable.status == "paid"
    assert Payment.objects.get(request=request).amount == D("9700.10")
    # Paying the same request again is refused and pays nothing more.
    response = web.post(
        f"{base}/requests/{request.pk}/pay/", {f"pay{request.pk}-date": "2026-04-26"}
    )
    assert response.status_code == 409
    assert Payment.objects.filter(request=request).count() == 1
    page = _text(web.get(f"{base}/payables/{payable.pk}/"))
    assert re.search(r'id="payable-paid">CNY 9,700.10<', page)


def test_a_reversal_restores_what_is_due_and_the_entry_stays(funds: factories.Funds) -> None:
    web, base = _web(funds.world.admin), _base(funds)
    claim = factories.certified_claim(funds)
    web.post(f"{base}/claims/{claim.pk}/receipt/", {"date": "2026-05-08", "amount": "0.70"})
    entry = LedgerEntry.objects.get(project=funds.world.project)
    response = web.post(f"{base}/ledger/{entry.pk}/reverse/", {"memo": ""})
    assert response.status_code == 400  # the reason is required
    response = web.post(
        f"{base}/ledger/{entry.pk}/reverse/", {"memo": "错账", "entry_date": "2026-05-09"}
    )
    assert response.status_code == 302
    page = _text(web.get(f"{base}/ledger/"))
    assert "reversed" in page and "Reversal" in page
    claim.refresh_from_db()
    assert claim.status == "certified"
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("0.70")
    balances = _text(web.get(f"{base}/balances/?by=month"))
    assert "2026-05" in balances
    assert re.search(
        r'id="balance-total"><th>Total</th><th>0.70</th><th>0.70</th><th>0.00<', balances
    )
    # Reversing twice is refused.
    response = web.post(f"{base}/ledger/{entry.pk}/reverse/", {"memo": "再冲"})
    assert response.status_code == 409


def test_ageing_buckets_by_days_past_due(funds: factories.Funds) -> None:
    today = timezone.localdate()
    claim = factories.certified_claim(funds)
    Claim.objects.filter(pk=claim.pk).update(due_on=today - timedelta(days=45))
    payable = factories.approved_payable(funds)
    Payable.objects.filter(pk=payable.pk).update(due_on=today + timedelta(days=3))
    report = ageing.receivables(funds.world.project, today)
    assert [(r.bucket, r.outstanding) for r in report.rows] == [("d31_60", claim.amount_due)]
    pay = ageing.payables(funds.world.project, today)
    assert [(r.bucket, r.outstanding) for r in pay.rows] == [("current", D("9700.00"))]
    assert [ageing.bucket_of(d) for d in (-1, 0, 30, 31, 60, 61, 90, 91)] == [
        "current",
        "d0_30",
        "d0_30",
        "d31_60",
        "d31_60",
        "d61_90",
        "d61_90",
        "d90",
    ]
    page = _text(_web(funds.world.admin).get(f"{_base(funds)}/ageing/"))
    assert f'data-bucket="d31_60">{claim.amount_due:,.2f}<' in page
    assert 'data-bucket="current">9,700.00<' in page


def test_certify_days_are_set_on_the_retention_page(funds: factories.Funds) -> None:
    web, base = _web(funds.world.admin), _base(funds)
    income = funds.income
    form = {
        "action": "terms",
        "terms-contract": income.pk,
        "terms-certify_days": "400",
    }
    response = web.post(f"{base}/retention/", form)
    assert response.status_code == 400
    assert 'name="terms-certify_days"' in _text(response)
    assert not ContractTerms.objects.filter(contract=income).exists()
    response = web.post(f"{base}/retention/", {**form, "terms-certify_days": "7"})
    assert response.status_code == 302, _text(response)
    assert ContractTerms.objects.get(contract=income).certify_days == 7
    page = _text(web.get(f"{base}/retention/"))
    assert re.search(rf'id="ret-{income.code}">.*?<td class="hide-sm">7</td>', page)


def test_card_shows_the_projects_funds(funds: factories.Funds) -> None:
    web = _web(funds.world.admin)
    claim = factories.certified_claim(funds)
    web.post(
        f"{_base(funds)}/claims/{claim.pk}/receipt/", {"date": "2026-05-08", "amount": "1000.00"}
    )
    page = _text(web.get(f"{_base(funds)}/card/"))
    assert 'id="fc-claimed">200,000.00<' in page
    assert 'id="fc-received">1,000.00<' in page
    assert f'id="fc-receivable">{claim.amount_due - D("1000.00"):,.2f}<' in page
    overview = _text(web.get(f"/projects/{funds.world.project.pk}/"))
    assert "funds-card-slot" in overview


def test_excel_registers_hold_the_exact_amounts(funds: factories.Funds) -> None:
    web = _web(funds.world.admin)
    claim = factories.certified_claim(funds)
    web.post(f"{_base(funds)}/claims/{claim.pk}/receipt/", {"date": "2026-05-08", "amount": "0.10"})
    web.post(f"{_base(funds)}/claims/{claim.pk}/receipt/", {"date": "2026-05-09", "amount": "0.20"})
    factories.approved_payable(funds)
    sheets = {}
    for what in ("claims", "payables", "ledger", "ageing"):
        response = web.get(f"{_base(funds)}/export/{what}.xlsx")
        assert response.status_code == 200
        sheets[what] = load_workbook(io.BytesIO(response.content))
    claims = sheets["claims"].active
    row = [c.value for c in claims[4]]
    assert row[0] == "ZB-01 #1" and D(str(row[4])) == D("200000.00")
    assert D(str(row[11])) == D("0.30")
    ledger = sheets["ledger"].active
    assert [D(str(r[5].value)) for r in ledger.iter_rows(min_row=4, max_row=5)] == [
        D("0.10"),
        D("0.20"),
    ]
    assert ledger.cell(row=6, column=6).value == "=SUM(F4:F5)"
    payables = sheets["payables"].active
    assert D(str(payables.cell(row=4, column=10).value)) == D("9700.00")
    assert sheets["ageing"].sheetnames[0] and len(sheets["ageing"].sheetnames) == 2
    assert web.get(f"{_base(funds)}/export/other.xlsx").status_code == 404


# --- query counts --------------------------------------------------------------------------------


def _grow(f: factories.Funds, n: int, start: int = 0) -> None:
    """n claims, payables, payment requests, advances and ledger entries (ORM rows)."""
    w, income, sub = f.world, f.income, f.sub
    common = {"organisation": w.org, "project": w.project}
    for i in range(start, start + n):
        claim = Claim.objects.create(
            **common,
            contract=income,
            number=1000 + i,
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
            status="certified",
            currency="CNY",
            claimed_amount=D("100.00"),
            certified_amount=D("100.00"),
            payment_ratio=D("80"),
            amount_due=D("80.00"),
            due_on=date(2026, 4, 30),
        )
        payable = Payable.objects.create(
            **common,
            contract=sub,
            number=f"G-{i}",
            invoice_date=date(2026, 4, 1),
            status="approved",
            currency="CNY",
            gross_amount=D("10.00"),
            approved_amount=D("10.00"),
            due_on=date(2026, 5, 1),
        )
        advance = Advance.objects.create(
            **common,
            contract=sub,
            direction="out",
            date=date(2026, 2, 1),
            amount=D("1.00"),
            currency="CNY",
        )
        for kind, direction, link in (
            ("advance_out", "out", {"advance": advance}),
            ("receipt", "in", {"claim": claim}),
            ("payment", "out", {"payable": payable}),
        ):
            LedgerEntry.objects.create(
                **common,
                entry_date=date(2026, 5, 1) + timedelta(days=i % 60),
                direction=direction,
                currency="CNY",
                kind=kind,
                amount=D("1.00") if "advance" in link else D("0.10"),
                contract=income if direction == "in" else sub,
                counterparty="x",
                **link,
            )


PAGES = [
    "",
    "payables/",
    "advances/",
    "retention/",
    "ledger/",
    "balances/?by=month",
    "ageing/",
    "card/",
]


def _counts(f: factories.Funds) -> dict[str, int]:
    web = _web(f.world.admin)
    out = {}
    for path in PAGES:
        url = f"{_base(f)}/{path}"
        web.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = web.get(url)
        assert response.status_code == 200, path
        out[path] = len(ctx.captured_queries)
    return out


def test_list_pages_run_a_fixed_number_of_queries(funds: factories.Funds) -> None:
    ContractTerms.objects.create(
        organisation=funds.world.org,
        project=funds.world.project,
        contract=funds.income,
        completion_date=date(2024, 6, 30),
    )
    _grow(funds, 3)
    small = _counts(funds)
    _grow(funds, 60, start=100)
    big = _counts(funds)
    assert big == small == PINNED


# Pinned: the same with 3 and with 63 of every document. Each page reads the session, the
# user, the project and the member's role; the rest is the page's own grouped queries.
PINNED = {
    "": 8,
    "payables/": 8,
    "advances/": 11,
    "retention/": 18,
    "ledger/": 7,
    "balances/?by=month": 6,
    "ageing/": 8,
    "card/": 15,
}
