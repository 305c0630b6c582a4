"""A contract's payment schedule: milestones or months, adding up to 100 %."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from sitebook.audit.models import ChangeRecord
from sitebook.core.errors import Conflict, InvalidInput, StaleVersion
from sitebook.costs import services
from sitebook.costs.models import Contract, PaymentStage
from tests.conftest import ApiClient, OrgWorld

D = Decimal


@pytest.fixture
def contract(world_a: OrgWorld) -> Contract:
    return services.contract_create(
        actor=world_a.admin,
        project=world_a.project,
        kind=Contract.Kind.SUBCONTRACT,
        code="SC-01",
        title="桩基分包",
        counterparty="上海基础工程有限公司",
    )


def _set(
    world: OrgWorld, contract: Contract, stages: list[dict[str, object]]
) -> list[PaymentStage]:
    contract.refresh_from_db()
    return services.payment_schedule_set(
        actor=world.admin, contract=contract, stages=stages, version=contract.version
    )


def test_schedule_of_milestones_and_months(world_a: OrgWorld, contract: Contract) -> None:
    stages = _set(
        world_a,
        contract,
        [
            {
                "kind": "milestone",
                "due_on": date(2026, 3, 31),
                "percent": D("33.33"),
                "description": "桩基完成",
            },
            {"kind": "month", "due_on": date(2026, 5, 17), "percent": D("33.33")},
            {"kind": "month", "due_on": date(2026, 6, 1), "percent": D("33.34")},
        ],
    )
    assert [(s.number, s.kind, s.due_on, s.percent) for s in stages] == [
        (1, "milestone", date(2026, 3, 31), D("33.33")),
        (2, "month", date(2026, 5, 1), D("33.33")),  # a month is kept as its first day
        (3, "month", date(2026, 6, 1), D("33.34")),
    ]
    # Setting it again replaces every stage; an empty schedule clears it.
    _set(world_a, contract, [{"kind": "month", "due_on": date(2026, 7, 1), "percent": D("100")}])
    assert list(contract.payment_stages.values_list("percent", flat=True)) == [D("100")]
    _set(world_a, contract, [])
    assert not contract.payment_stages.exists()


@pytest.mark.parametrize(
    ("stages", "field"),
    [
        ([{"kind": "month", "due_on": date(2026, 7, 1), "percent": D("99.99")}], "stages"),
        (
            [
                {"kind": "month", "due_on": date(2026, 7, 1), "percent": D("60")},
                {"kind": "month", "due_on": date(2026, 7, 20), "percent": D("40")},
            ],
            "stages.2",
        ),
        ([{"kind": "milestone", "due_on": date(2026, 7, 1), "percent": D("100")}], "stages.1"),
        ([{"kind": "week", "due_on": date(2026, 7, 1), "percent": D("100")}], "stages.1"),
        ([{"kind": "month", "due_on": date(2026, 7, 1), "percent": D("0")}], "stages.1"),
        ([{"kind": "month", "due_on": date(2026, 7, 1), "percent": D("-10")}], "stages.1"),
        ([{"kind": "month", "due_on": None, "percent": D("100")}], "stages.1"),
    ],
)
def test_bad_schedule_names_the_stage_and_changes_nothing(
    world_a: OrgWorld, contract: Contract, stages: list[dict[str, object]], field: str
) -> None:
    _set(world_a, contract, [{"kind": "month", "due_on": date(2026, 1, 1), "percent": D("100")}])
    contract.refresh_from_db()
    version, records = contract.version, ChangeRecord.objects.count()
    with pytest.raises(InvalidInput) as exc:
        _set(world_a, contract, stages)
    assert exc.value.errors[0]["field"] == field
    contract.refresh_from_db()
    assert contract.version == version and ChangeRecord.objects.count() == records
    assert list(contract.payment_stages.values_list("due_on", flat=True)) == [date(2026, 1, 1)]


def test_stale_version_and_closed_contract_are_refused(
    world_a: OrgWorld, contract: Contract
) -> None:
    month = [{"kind": "month", "due_on": date(2026, 7, 1), "percent": D("100")}]
    with pytest.raises(StaleVersion):
        services.payment_schedule_set(
            actor=world_a.admin, contract=contract, stages=month, version=contract.version + 5
        )
    contract, _ = services.contract_update(
        actor=world_a.admin, contract=contract, version=contract.version, status="active"
    )
    contract, _ = services.contract_update(
        actor=world_a.admin, contract=contract, version=contract.version, status="closed"
    )
    with pytest.raises(Conflict):
        _set(world_a, contract, month)
    assert not contract.payment_stages.exists()


def test_api_and_page(world_a: OrgWorld, contract: Contract) -> None:
    api = ApiClient(world_a.admin)
    url = f"/api/v1/contracts/{contract.pk}/payment-schedule"
    body = {
        "version": contract.version,
        "stages": [
            {"kind": "month", "due_on": "2026-07-09", "percent": "70"},
            {"kind": "milestone", "due_on": "2026-09-30", "percent": "20", "description": "竣工"},
        ],
    }
    bad = api.put(url, body)
    assert bad.status_code == 400 and "90" in bad.json()["errors"][0]["message"]
    body["stages"][1]["percent"] = "30"  # type: ignore[index]
    ok = api.put(url, body)
    assert ok.status_code == 200, ok.content
    listed = api.get(url).json()["items"]
    assert [(s["due_on"], D(s["percent"])) for s in listed] == [
        ("2026-07-01", D("70")),
        ("2026-09-30", D("30")),
    ]

    web = Client()
    web.force_login(world_a.admin)
    page = f"/projects/{world_a.project.pk}/costs/contracts/{contract.pk}/"
    contract.refresh_from_db()
    r = web.post(
        page,
        {
            "action": "schedule",
            "version": contract.version,
            "stages": "2026-06-30; 30; 主体结构封顶\n2026-07; 70%\n",
        },
    )
    assert r.status_code == 302
    html = web.get(page).content.decode()
    assert "主体结构封顶" in html and 'id="payment-schedule"' in html
    contract.refresh_from_db()
    r = web.post(page, {"action": "schedule", "version": contract.version, "stages": "soon; 100"})
    assert r.status_code == 400
    assert contract.payment_stages.count() == 2
