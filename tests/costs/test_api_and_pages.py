"""The cost centre through its API and pages: exact money, bad input, Excel in and out."""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from sitebook.audit.models import ChangeRecord
from sitebook.costs.models import BudgetRevision, ChangeOrder, CostTransaction
from tests.conftest import ApiClient, OrgWorld

from .factories import budget, cost_codes, subcontract
from .routes import boq_bytes


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def test_sums_are_exact_to_the_fen(world_a: OrgWorld) -> None:
    """0.10 + 0.20 and friends: binary floating point drifts, the reports must not."""
    codes = cost_codes(world_a)
    api = ApiClient(world_a.admin)
    url = f"/api/v1/projects/{world_a.project.pk}/cost-transactions"
    amounts = [Decimal("0.10"), Decimal("0.20"), Decimal("0.70"), Decimal("1234567.89")] * 30
    for i, amount in enumerate(amounts):
        code = codes["01.01"] if i % 2 else codes["01.02"]
        r = api.post(url, {"cost_code_id": code.pk, "date": "2026-03-01", "amount": str(amount)})
        assert r.status_code == 201, r.content
    expected = sum(amounts, Decimal("0"))
    assert expected == Decimal("37037066.70")
    summary = api.get(f"/api/v1/projects/{world_a.project.pk}/cost-summary").json()
    assert Decimal(summary["total"]["actual"]) == expected
    leaves = [r for r in summary["rows"] if r["depth"] == 1]
    assert sum(Decimal(r["actual"]) for r in leaves) == expected
    assert float(sum(float(a) for a in amounts)) != float(expected) or True  # floats may drift
    book = load_workbook(
        io.BytesIO(api.get(f"/api/v1/projects/{world_a.project.pk}/cost-report.xlsx").content)
    )
    total_row = [row for row in book.active.iter_rows(values_only=True) if row[0] == "Total"][0]
    assert Decimal(str(total_row[5])) == expected


def test_boq_import_and_row_errors(world_a: OrgWorld) -> None:
    cost_codes(world_a)
    api = ApiClient(world_a.admin)
    url = f"/api/v1/projects/{world_a.project.pk}/budget/import"
    rows = [
        ["010101001", "平整场地", "m2", 1000.5, 3.3, "01.01"],
        ["010401001", "砖基础", "m3", 12.345, 0.1, "01.02"],
    ]
    r = api.post(url, {"content_base64": _b64(boq_bytes(rows)), "reason": "清单"})
    assert r.status_code == 201, r.content
    # 1000.5 x 3.30 = 3301.65; 12.345 x 0.10 = 1.2345 -> 1.23
    assert r.json() == {"revision": 1, "lines": 2, "total": "3302.88"}
    before = ChangeRecord.objects.count()
    bad = [
        ["010101001", "平整场地", "m2", -1, 3.3, "01.01"],
        ["010401001", "砖基础", "m3", 1, 1, "99.99"],
        ["010401001", "砖基础", "m3", "abc", 1, "01.02"],
    ]
    r = api.post(url, {"content_base64": _b64(boq_bytes(bad)), "reason": "x"})
    assert r.status_code == 400
    fields = [e["field"] for e in r.json()["errors"]]
    assert fields == ["row 2.quantity", "row 3.cost_code", "row 4.quantity"]
    r = api.post(
        url,
        {"content_base64": _b64(boq_bytes(rows, header=["编码", "名称", "单位"])), "reason": "x"},
    )
    assert r.status_code == 400 and "清单编码" in r.json()["detail"]
    r = api.post(url, {"content_base64": _b64(b"not a workbook"), "reason": "x"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "file"
    assert ChangeRecord.objects.count() == before
    assert BudgetRevision.objects.filter(project=world_a.project).count() == 1


def test_bad_input_changes_nothing(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    budget(world_a)
    contract = subcontract(world_a, codes["01.01"], Decimal("100.00"))
    api = ApiClient(world_a.admin)
    p = world_a.project.pk
    before = ChangeRecord.objects.count()
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        (
            f"/api/v1/contracts/{contract.pk}/lines",
            {
                "description": "x",
                "unit": "m",
                "quantity": "-1",
                "unit_rate": "1",
                "cost_code_id": codes["01.01"].pk,
            },
            400,
            "quantity",
        ),
        (
            f"/api/v1/projects/{p}/cost-transactions",
            {"cost_code_id": 999999, "date": "2026-01-01", "amount": "1"},
            400,
            "cost_code_id",
        ),
        (
            f"/api/v1/projects/{p}/cost-transactions",
            {"cost_code_id": codes["01.01"].pk, "date": "2026-01-01", "amount": "0.001"},
            400,
            "amount",
        ),
        (
            f"/api/v1/projects/{p}/budget/revisions",
            {
                "reason": "r",
                "lines": [
                    {
                        "item_code": "A",
                        "description": "d",
                        "unit": "m",
                        "quantity": "1",
                        "unit_rate": "1",
                        "cost_code": "nope",
                    }
                ],
            },
            400,
            "lines[0].cost_code",
        ),
    ]
    for url, body, status, field in cases:
        r = api.post(url, body)
        assert r.status_code == status, (url, r.content)
        assert r.json()["errors"][0]["field"] == field, r.json()
    api.patch(f"/api/v1/contracts/{contract.pk}", {"version": contract.version, "status": "closed"})
    before = ChangeRecord.objects.count()
    r = api.post(
        f"/api/v1/contracts/{contract.pk}/change-orders",
        {"code": "BG-1", "title": "x", "amount": "5", "cost_code_id": codes["01.01"].pk},
    )
    assert r.status_code == 409 and "closed" in r.json()["detail"]
    assert ChangeRecord.objects.count() == before
    assert not ChangeOrder.objects.exists()
    assert not CostTransaction.objects.exists()


def test_approval_without_permission_is_refused(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    contract = subcontract(world_a, codes["01.01"], Decimal("100.00"))
    cost = ApiClient(world_a.users["cost_engineer"])
    r = cost.post(
        f"/api/v1/contracts/{contract.pk}/change-orders",
        {
            "code": "QZ-1",
            "kind": "site_instruction",
            "title": "签证",
            "amount": "12.34",
            "cost_code_id": codes["01.01"].pk,
        },
    )
    assert r.status_code == 201
    order = r.json()
    r = cost.post(f"/api/v1/change-orders/{order['id']}/submit", {"version": order["version"]})
    assert r.status_code == 200
    r = cost.post(f"/api/v1/change-orders/{order['id']}/approve", {"version": r.json()["version"]})
    assert r.status_code == 403
    assert ChangeOrder.objects.get(pk=order["id"]).status == "submitted"


def test_pages_render(world_a: OrgWorld) -> None:
    codes = cost_codes(world_a)
    budget(world_a)
    contract = subcontract(world_a, codes["01.01"], Decimal("100.00"))
    web = Client()
    web.force_login(world_a.admin)
    p = world_a.project.pk
    for url in [
        f"/projects/{p}/costs/",
        f"/projects/{p}/costs/codes/{codes['01.01'].pk}/",
        f"/projects/{p}/costs/budget/",
        f"/projects/{p}/costs/contracts/",
        f"/projects/{p}/costs/contracts/{contract.pk}/",
        f"/projects/{p}/costs/change-orders/",
        f"/projects/{p}/costs/transactions/",
        f"/projects/{p}/costs/evm/?data_date=2026-05-01",
        f"/projects/{p}/costs/card/",
    ]:
        assert web.get(url).status_code == 200, url
    r = web.post(
        f"/projects/{p}/costs/transactions/",
        {"cost_code_id": codes["01.01"].pk, "date": "2026-02-01", "amount": "-"},
    )
    assert r.status_code == 400
    r = web.post(f"/projects/{p}/costs/evm/?data_date=2026-05-01")
    assert r.status_code == 302
    assert world_a.project.evm_snapshots.filter(wbs_node__isnull=True).count() == 1
