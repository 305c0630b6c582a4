"""The funds part of the demo project (called from `sitebook.demo.data.load_demo` after the
cost centre's and day labour's parts): the owner's advance, five monthly claims in every
state with receipts, the piling subcontractor's invoices with retention and an advance,
and a finished temporary-works subcontract whose retention falls due for release soon.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from sitebook.costs import services as costs
from sitebook.costs.models import Contract, CostCode
from sitebook.funds import services
from sitebook.funds.selectors import add_months

D = Decimal
MAIN, PILING = "ZB-2026-001", "FB-2026-003"

# (period start, period end, measured work, certified, advance recovery, state)
CLAIMS = [
    (date(2026, 3, 1), date(2026, 3, 31), "12600000.00", "12480000.00", "1248000.00", "paid"),
    (date(2026, 4, 1), date(2026, 4, 30), "18350000.00", "18100000.00", "1810000.00", "part"),
    (date(2026, 5, 1), date(2026, 5, 31), "21780000.00", "21780000.00", "2178000.00", "cert"),
    (date(2026, 6, 1), date(2026, 6, 30), "23960500.00", None, None, "submitted"),
    (date(2026, 10, 1), date(2026, 10, 31), "19870300.00", None, None, "draft"),
]


def _claims(admin: Any, project: Any, income: Contract) -> None:
    for n, (start, end, measured, certified, recovery, state) in enumerate(CLAIMS, start=1):
        claim = services.claim_create(
            actor=admin,
            project=project,
            contract_id=income.pk,
            period_start=start,
            period_end=end,
            change_orders=False,
            # Accepted recoverable day-labour tickets join the claim of their month.
            day_labour=True,
            other_lines=[
                {
                    "description": f"{end:%Y年%m月}完成工程量（按监理确认的形象进度）",
                    "amount": D(measured),
                }
            ],
        )
        if state == "draft":
            continue
        claim = services.claim_submit(
            actor=admin, claim=claim, version=claim.version, submitted_on=end + timedelta(days=3)
        )
        if certified is None:
            continue
        claim = services.claim_certify(
            actor=admin,
            claim=claim,
            version=claim.version,
            certified_amount=D(certified) + (claim.claimed_amount - D(measured)),
            certified_on=end + timedelta(days=14),
            advance_recovery=D(recovery),
        )
        if state == "cert":
            continue
        claim = services.claim_invoice(
            actor=admin,
            claim=claim,
            version=claim.version,
            invoice_number=f"FP-ZB-{n:03d}",
            invoiced_on=end + timedelta(days=16),
        )
        paid = claim.amount_due if state == "paid" else (claim.amount_due / 2).quantize(D("0.01"))
        services.receipt_create(
            actor=admin,
            claim=claim,
            date=claim.due_on or end,
            amount=paid,
            reference=f"HD-{n:03d}",
        )


def _piling(admin: Any, project: Any, piling: Contract) -> None:
    # The subcontract holds 5% (agreed); its cap is raised to match.
    services.contract_terms_set(actor=admin, contract=piling, retention_cap_percent=D("5"))
    services.advance_create(
        actor=admin,
        project=project,
        contract_id=piling.pk,
        date=date(2026, 3, 2),
        amount=D("500000.00"),
        reference="YF-FB-003",
    )
    for number, day, gross, recovery, paid in [
        ("FP-0331", date(2026, 3, 31), "1856230.45", "250000.00", "all"),
        ("FP-0430", date(2026, 4, 30), "2398766.10", "250000.00", "part"),
        ("FP-0531", date(2026, 5, 31), "2614900.70", "0.00", None),
    ]:
        payable = services.payable_create(
            actor=admin,
            project=project,
            contract_id=piling.pk,
            number=number,
            invoice_date=day,
            gross_amount=D(gross),
            advance_recovery=D(recovery),
            description="桩基工程进度款",
        )
        if paid is None:
            continue  # awaiting approval
        payable = services.payable_approve(
            actor=admin, payable=payable, version=payable.version, approved_on=day + timedelta(5)
        )
        amount = payable.approved_amount if paid == "all" else D("1000000.00")
        request = services.payment_request_create(
            actor=admin, payable=payable, amount=amount, requested_on=day + timedelta(days=10)
        )
        request = services.payment_request_approve(
            actor=admin, request=request, version=request.version
        )
        services.payment_create(
            actor=admin,
            request=request,
            date=day + timedelta(days=25),
            reference=f"ZF-{number}",
        )


def _finished_works(admin: Any, project: Any) -> None:
    """Temporary works finished two years ago: their retention is due within a fortnight."""
    today = timezone.localdate()
    completed = add_months(today, -24) + timedelta(days=12)
    code = CostCode.objects.filter(project=project, code="04").first()
    contract = costs.contract_create(
        actor=admin,
        project=project,
        kind=Contract.Kind.SUBCONTRACT,
        code="FB-2024-001",
        title="临时设施及场地硬化",
        counterparty="上海浦建临设工程有限公司",
        signed_on=completed - timedelta(days=120),
        retention_percent=D("3"),
    )
    costs.contract_line_add(
        actor=admin,
        contract=contract,
        description="临时设施及场地硬化（总价包干）",
        unit="项",
        quantity=D("1"),
        unit_rate=D("1280000.00"),
        cost_code_id=code.pk if code else None,
    )
    contract, _warnings = costs.contract_update(
        actor=admin, contract=contract, version=contract.version, status="active"
    )
    services.contract_terms_set(actor=admin, contract=contract, completion_date=completed)
    payable = services.payable_create(
        actor=admin,
        project=project,
        contract_id=contract.pk,
        number="FP-LS-01",
        invoice_date=completed - timedelta(days=10),
        gross_amount=D("1280000.00"),
        description="临设工程结算款",
    )
    payable = services.payable_approve(
        actor=admin, payable=payable, version=payable.version, approved_on=completed
    )
    request = services.payment_request_create(
        actor=admin, payable=payable, amount=payable.approved_amount, requested_on=completed
    )
    request = services.payment_request_approve(
        actor=admin, request=request, version=request.version
    )
    services.payment_create(
        actor=admin, request=request, date=completed + timedelta(days=20), reference="ZF-LS-01"
    )


def load(*, admin: Any, project: Any) -> None:
    income = Contract.objects.filter(project=project, code=MAIN).first()
    piling = Contract.objects.filter(project=project, code=PILING).first()
    if income is None or piling is None:
        return  # the cost centre's demo was not loaded
    services.advance_create(
        actor=admin,
        project=project,
        contract_id=income.pk,
        date=date(2026, 2, 20),
        amount=D("28650000.00"),
        reference="YF-ZB-001",
    )
    _claims(admin, project, income)
    _piling(admin, project, piling)
    _finished_works(admin, project)
