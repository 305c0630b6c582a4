"""Funds data for tests: an income contract with measured progress, a subcontract, and
claims, payables and payment requests in the states a test needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sitebook.costs import services as costs
from sitebook.costs.models import Contract, CostCode
from sitebook.funds import services
from sitebook.funds.models import Claim, Payable, PaymentRequest

D = Decimal


@dataclass
class Funds:
    world: Any
    codes: dict[str, CostCode]
    income: Contract
    sub: Contract


def _contract(
    world: Any, kind: str, code: str, counterparty: str, lines: list[Any], **terms: Any
) -> Contract:
    contract = costs.contract_create(
        actor=world.admin,
        project=world.project,
        kind=kind,
        code=code,
        title=f"{code} 合同",
        counterparty=counterparty,
        **terms,
    )
    for description, unit, qty, rate, cost_code in lines:
        costs.contract_line_add(
            actor=world.admin,
            contract=contract,
            description=description,
            unit=unit,
            quantity=D(qty),
            unit_rate=D(rate),
            cost_code_id=cost_code.pk,
        )
    contract, _ = costs.contract_update(
        actor=world.admin, contract=contract, version=contract.version, status="active"
    )
    return contract


def setup(world: Any, *, retention: str = "3", ratio: str = "80", advance: str = "10") -> Funds:
    """Two cost codes; an income contract of 1,000,000.00 (1000 m3 x 400.00 and 1200 m3 x
    500.00); a subcontract of 100,000.00 with 3% retention; both 10% advance."""
    admin, project = world.admin, world.project
    codes = {
        "F1": costs.cost_code_create(actor=admin, project=project, code="F1", name="桩基"),
        "F2": costs.cost_code_create(actor=admin, project=project, code="F2", name="主体结构"),
    }
    income = _contract(
        world,
        Contract.Kind.INCOME,
        "ZB-01",
        "业主单位",
        [
            ("钻孔灌注桩", "m3", "1000", "400.00", codes["F1"]),
            ("C35 混凝土", "m3", "1200", "500.00", codes["F2"]),
        ],
        retention_percent=D(retention),
        progress_payment_percent=D(ratio),
        advance_percent=D(advance),
        payment_days=28,
    )
    sub = _contract(
        world,
        Contract.Kind.SUBCONTRACT,
        "FB-01",
        "上海基础工程有限公司",
        [("桩基分包", "项", "1", "100000.00", codes["F1"])],
        retention_percent=D("3"),
        advance_percent=D("10"),
        payment_days=30,
    )
    return Funds(world, codes, income, sub)


def progress(f: Funds, code: str, day: date, percent: str) -> None:
    costs.progress_record(
        actor=f.world.admin, cost_code=f.codes[code], date=day, percent_complete=D(percent)
    )


def draft_claim(f: Funds, start: date, end: date, actor: Any = None) -> Claim:
    """A claim of the income contract for the period, built from what is there to claim."""
    return services.claim_create(
        actor=actor or f.world.admin,
        project=f.world.project,
        contract_id=f.income.pk,
        period_start=start,
        period_end=end,
    )


def submitted_claim(f: Funds, *, end: date = date(2026, 3, 31), percent: str = "50") -> Claim:
    progress(f, "F1", end, percent)
    claim = draft_claim(f, date(end.year, end.month, 1), end)
    return services.claim_submit(actor=f.world.admin, claim=claim, version=claim.version)


def certified_claim(f: Funds, **certify: Any) -> Claim:
    """Claim 1: 50% of 1000 m3 x 400.00 = 200,000.00 claimed and certified."""
    claim = submitted_claim(f)
    return services.claim_certify(
        actor=f.world.admin,
        claim=claim,
        version=claim.version,
        certified_on=date(2026, 4, 10),
        **certify,
    )


def approved_payable(f: Funds, gross: str = "10000.00", number: str = "INV-1") -> Payable:
    payable = services.payable_create(
        actor=f.world.admin,
        project=f.world.project,
        contract_id=f.sub.pk,
        number=number,
        invoice_date=date(2026, 4, 5),
        gross_amount=D(gross),
    )
    return services.payable_approve(actor=f.world.admin, payable=payable, version=payable.version)


def approved_request(f: Funds, payable: Payable, amount: str) -> PaymentRequest:
    request = services.payment_request_create(
        actor=f.world.admin, payable=payable, amount=D(amount), requested_on=date(2026, 4, 20)
    )
    return services.payment_request_approve(
        actor=f.world.admin, request=request, version=request.version
    )
