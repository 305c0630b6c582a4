"""The funds API: a claim's life and a payable's through HTTP, errors naming the field,
filters and pagination, OpenAPI, and list endpoints at a fixed number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitebook.funds.models import (
    Advance,
    Claim,
    ClaimLine,
    LedgerEntry,
    Payable,
    Payment,
    PaymentRequest,
    Receipt,
    RetentionRelease,
)
from tests.conftest import ApiClient
from tests.funds import factories as fx

D = Decimal


@pytest.fixture
def f(world_a: Any) -> fx.Funds:
    return fx.setup(world_a)


def test_claim_through_the_api(f: fx.Funds) -> None:
    fx.progress(f, "F1", date(2026, 3, 31), "50")
    api = ApiClient(f.world.users["finance"])
    p = f.world.project.pk
    r = api.post(
        f"/api/v1/projects/{p}/claims",
        {"contract_id": f.income.pk, "period_start": "2026-03-01", "period_end": "2026-03-31"},
    )
    assert r.status_code == 201, r.content
    claim = r.json()
    assert (claim["claimed_amount"], claim["status"], claim["number"]) == ("200000.00", "draft", 1)
    cid = claim["id"]
    lines = api.get(f"/api/v1/claims/{cid}/lines").json()["items"]
    assert [(ln["source"], ln["amount"]) for ln in lines] == [("boq", "200000.00")]
    r = api.post(f"/api/v1/claims/{cid}/submit", {"version": claim["version"]})
    assert r.status_code == 200, r.content
    stale = claim["version"]
    r = api.post(f"/api/v1/claims/{cid}/certify", {"version": stale})
    assert r.status_code == 409  # the client read an older version
    version = api.get(f"/api/v1/claims/{cid}").json()["version"]
    r = api.post(
        f"/api/v1/claims/{cid}/certify",
        {"version": version, "certified_amount": "200000.01"},
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "certified_amount"
    r = api.post(
        f"/api/v1/claims/{cid}/certify",
        {"version": version, "certified_on": "2026-04-10", "deductions": "0.70"},
    )
    assert r.status_code == 200, r.content
    assert r.json()["amount_due"] == "153999.30"
    r = api.post(f"/api/v1/claims/{cid}/receipts", {"date": "2026-05-01", "amount": "0.10"})
    assert r.status_code == 201
    r = api.post(
        f"/api/v1/claims/{cid}/receipts",
        {"date": "2026-05-01", "amount": "1.00", "currency": "USD"},
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "currency"
    detail = api.get(f"/api/v1/claims/{cid}").json()
    assert (detail["status"], detail["received"]) == ("part_paid", "0.10")
    listed = api.get(f"/api/v1/projects/{p}/claims?status=part_paid").json()
    assert [c["id"] for c in listed["items"]] == [cid]
    assert api.get(f"/api/v1/projects/{p}/claims?status=draft").json()["count"] == 0


def test_payable_through_the_api(f: fx.Funds) -> None:
    api = ApiClient(f.world.users["finance"])
    pm = ApiClient(f.world.users["project_manager"])
    p = f.world.project.pk
    r = api.post(
        f"/api/v1/projects/{p}/payables",
        {
            "contract_id": f.sub.pk,
            "number": "FP-001",
            "invoice_date": "2026-04-05",
            "gross_amount": "10000.00",
            "retention_percent": "5",
        },
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "retention_percent"
    r = api.post(
        f"/api/v1/projects/{p}/payables",
        {
            "contract_id": f.sub.pk,
            "number": "FP-001",
            "invoice_date": "2026-04-05",
            "gross_amount": "10000.00",
        },
    )
    assert r.status_code == 201, r.content
    payable = r.json()
    assert (payable["retention"], payable["approved_amount"]) == ("300.00", "9700.00")
    r = pm.post(f"/api/v1/payables/{payable['id']}/approve", {"version": payable["version"]})
    assert r.status_code == 200, r.content
    r = api.post(f"/api/v1/payables/{payable['id']}/payment-requests", {"amount": "9700.01"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "amount"
    r = api.post(f"/api/v1/payables/{payable['id']}/payment-requests", {"amount": "9700.00"})
    request = r.json()
    r = pm.post(f"/api/v1/payment-requests/{request['id']}/approve", {"version": 1})
    assert r.status_code == 200, r.content
    r = pm.post(f"/api/v1/payment-requests/{request['id']}/payment", {"date": "2026-05-01"})
    assert r.status_code == 403  # approving is not paying
    url = f"/api/v1/payment-requests/{request['id']}/payment"
    r = api.post(url, {"date": "2026-05-01", "amount": "9700.01"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "amount"
    r = api.post(url, {"date": "2026-05-01"})
    assert r.status_code == 201
    r = api.post(url, {"date": "2026-05-01"})
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "request"
    detail = api.get(f"/api/v1/payables/{payable['id']}").json()
    assert (detail["status"], detail["paid"]) == ("paid", "9700.00")
    balances = api.get(f"/api/v1/projects/{p}/funds/balances?by=counterparty").json()
    assert balances == [
        {
            "key": "上海基础工程有限公司",
            "label": "上海基础工程有限公司",
            "money_in": "0.00",
            "money_out": "9700.00",
            "net": "-9700.00",
        }
    ]
    card = api.get(f"/api/v1/projects/{p}/funds/card").json()
    assert (card["paid"], card["retention_held_from_subs"]) == ("9700.00", "300.00")


def test_certify_days_through_the_api(f: fx.Funds) -> None:
    api = ApiClient(f.world.admin)
    terms = f"/api/v1/contracts/{f.income.pk}/funds-terms"
    assert api.get(terms).json()["certify_days"] == 14  # nothing set: the default
    policy = f"/api/v1/organisations/{f.world.org.pk}/funds-policy"
    r = api.put(policy, {"certify_days": 10})
    assert r.status_code == 200, r.content
    assert r.json()["certify_days"] == 10
    assert api.get(terms).json()["certify_days"] == 10  # the policy's
    r = api.put(terms, {"certify_days": 7})
    assert r.status_code == 200, r.content
    assert r.json()["certify_days"] == 7
    for bad in (-1, 366):
        for path in (terms, policy):
            r = api.put(path, {"certify_days": bad})
            assert r.status_code == 400, r.content
            assert r.json()["errors"][0]["field"] == "certify_days", r.content
    assert api.get(terms).json()["certify_days"] == 7


def test_openapi_lists_the_funds_operations(world_a: Any) -> None:
    schema = ApiClient(world_a.admin).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/projects/{project_id}/claims",
        "/api/v1/claims/{claim_id}/certify",
        "/api/v1/payment-requests/{request_id}/payment",
        "/api/v1/ledger/{entry_id}/reverse",
        "/api/v1/projects/{project_id}/funds/balances",
    ):
        assert path in paths, path
    body = paths["/api/v1/claims/{claim_id}/receipts"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]


# --- query counts ------------------------------------------------------------------------------


def _grow(f: fx.Funds, n: int) -> None:
    """`n` rows in every funds list of the project (bulk, no services)."""
    w = f.world
    base = {"organisation": w.org, "project": w.project}
    start = Claim.objects.filter(contract=f.income).count()
    claims = Claim.objects.bulk_create(
        Claim(
            **base,
            contract=f.income,
            number=start + i + 1,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            status="certified",
            currency="CNY",
            claimed_amount=D("10.00"),
            certified_amount=D("10.00"),
            payment_ratio=D("80"),
            amount_due=D("8.00"),
        )
        for i in range(n)
    )
    first = Claim.objects.filter(contract=f.income).order_by("number").first()
    ClaimLine.objects.bulk_create(
        ClaimLine(**base, claim=first, source="other", description="x", amount=D("0.10"))
        for i in range(n)
    )
    receipts = Receipt.objects.bulk_create(
        Receipt(**base, claim=c, date=date(2026, 2, 1), amount=D("0.10"), currency="CNY")
        for c in claims
    )
    payables = Payable.objects.bulk_create(
        Payable(
            **base,
            contract=f.sub,
            number=f"B{start}-{i}",
            invoice_date=date(2026, 2, 1),
            status="approved",
            currency="CNY",
            gross_amount=D("10.00"),
            approved_amount=D("10.00"),
        )
        for i in range(n)
    )
    requests = PaymentRequest.objects.bulk_create(
        PaymentRequest(
            **base, payable=p, amount=D("0.20"), requested_on=date(2026, 2, 2), status="paid"
        )
        for p in payables
    )
    payments = Payment.objects.bulk_create(
        Payment(
            **base,
            request=r,
            payable=r.payable,
            contract=f.sub,
            date=date(2026, 2, 3),
            amount=D("0.20"),
            currency="CNY",
        )
        for r in requests
    )
    Advance.objects.bulk_create(
        Advance(
            **base,
            contract=f.sub,
            direction="out",
            date=date(2026, 1, 2),
            amount=D("0.70"),
            currency="CNY",
        )
        for i in range(n)
    )
    RetentionRelease.objects.bulk_create(
        RetentionRelease(
            **base,
            contract=f.sub,
            direction="out",
            date=date(2028, 1, 2),
            amount=D("0.70"),
            currency="CNY",
        )
        for i in range(n)
    )
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                **base,
                entry_date=date(2026, 2, 1 + i % 27),
                direction="in",
                amount=D("0.10"),
                currency="CNY",
                kind="receipt",
                contract=f.income,
                claim=r.claim,
                receipt=r,
            )
            for i, r in enumerate(receipts)
        ]
        + [
            LedgerEntry(
                **base,
                entry_date=date(2026, 3, 1 + i % 27),
                direction="out",
                amount=D("0.20"),
                currency="CNY",
                kind="payment",
                contract=f.sub,
                payable=pm.payable,
                payment=pm,
            )
            for i, pm in enumerate(payments)
        ]
    )


LISTS = {
    "claims": ("/api/v1/projects/{p}/claims", 6),
    "claim lines": ("/api/v1/claims/{c}/lines", 6),
    "receipts": ("/api/v1/projects/{p}/receipts", 6),
    "payables": ("/api/v1/projects/{p}/payables", 6),
    "payment requests": ("/api/v1/projects/{p}/payment-requests", 6),
    "payments": ("/api/v1/projects/{p}/payments", 6),
    "advances": ("/api/v1/projects/{p}/advances", 6),
    "retention releases": ("/api/v1/projects/{p}/retention-releases", 6),
    "ledger": ("/api/v1/projects/{p}/ledger", 6),
    "balances by month": ("/api/v1/projects/{p}/funds/balances?by=month", 5),
    "balances by contract": ("/api/v1/projects/{p}/funds/balances?by=contract", 5),
    "card": ("/api/v1/projects/{p}/funds/card", 11),
    "retention due": ("/api/v1/projects/{p}/retention-due", 5),
    "portfolio": ("/api/v1/funds/portfolio", 5),
}


@pytest.mark.parametrize("name", LISTS)
def test_list_endpoints_run_a_fixed_number_of_queries(f: fx.Funds, name: str) -> None:
    url, pinned = LISTS[name]
    api = ApiClient(f.world.users["finance"])
    api.get("/api/v1/funds/portfolio")  # the token's first use is recorded once
    counts = []
    for n in (3, 40):
        _grow(f, n if not counts else n - 3)
        first = Claim.objects.filter(contract=f.income).order_by("number").first()
        path = url.format(p=f.world.project.pk, c=first.pk)
        with CaptureQueriesContext(connection) as ctx:
            response = api.get(path + ("&" if "?" in path else "?") + "limit=100")
        assert response.status_code == 200, response.content[:300]
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == pinned, counts
