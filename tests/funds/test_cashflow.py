"""Cash-flow forecast of a project from its schedule, budget and contract terms, against the
funds ledger; months computed by hand.

The project (calendar "Site": Monday-Friday 08:00-12:00 and 13:00-17:00, no holidays):

    A100  40 working days  cost code 01   Mon 2 Mar 2026 08:00 - Fri 24 Apr 2026 17:00

March has 22 working days from the 2nd (2-6, 9-13, 16-20, 23-27, 30-31), April 18 up to
the 24th (1-3, 6-10, 13-17, 20-24): 40 days. The budget of 01 is 400,000.00, so the planned
value is 220,000.00 in March and 180,000.00 in April.

Income contract HT-1 (in force): one line of 500,000.00 on cost code 01, advance 10 %,
progress payments 80 % of the certified value, retention 3 % (cap 3 %), paid 28 days after
certification; certified 14 days after the month-end claim; defects liability 24 months.
Subcontract FB-1: one line of 100,000.00 on 01, no advance, 90 %, retention 5 % capped at
3 %, paid 30 days after certification.
"""

from __future__ import annotations

import datetime as dt
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitebook.core.errors import InvalidInput
from sitebook.costs import services as costs
from sitebook.costs.models import Contract
from sitebook.engine.cashflow import month_start
from sitebook.funds import selectors
from sitebook.funds import services as funds
from sitebook.funds.cashflow import company_cashflow, contract_forecasts, project_cashflow
from sitebook.funds.models import ContractTerms, FundsPolicy, LedgerEntry
from sitebook.projects import services as projects
from sitebook.schedule import services as schedule
from sitebook.schedule.adapters import from_wall
from tests.conftest import OrgWorld, build_world

D = Decimal
DAY = [[480, 720], [780, 1020]]


def _at(day: date, hour: int) -> dt.datetime:
    result = from_wall(dt.datetime.combine(day, dt.time(hour, 0)))
    assert result is not None
    return result


def build_site(world: OrgWorld) -> dict[str, Any]:
    admin, project = world.admin, world.project
    code = costs.cost_code_create(actor=admin, project=project, code="01", name="主体结构")
    costs.budget_revise(
        actor=admin,
        project=project,
        reason="原始预算",
        lines=[
            {
                "item_code": "010501001",
                "description": "C35 混凝土",
                "unit": "m3",
                "quantity": D("1000"),
                "unit_rate": D("400.00"),
                "cost_code": "01",
            }
        ],
    )
    calendar = schedule.calendar_create(
        actor=admin, project=project, name="Site", week=[DAY] * 5 + [[], []], exceptions={}
    )
    settings = schedule.settings_for(project)
    schedule.settings_update(
        actor=admin,
        project=project,
        version=settings.version,
        data_date=_at(date(2026, 3, 2), 8),
        planned_start=_at(date(2026, 3, 2), 8),
        default_calendar_id=calendar.pk,
    )
    schedule.activity_create(
        actor=admin,
        project=project,
        code="A100",
        name="主体结构施工",
        original_duration=40 * 480,
        calendar_id=calendar.pk,
        cost_code="01",
    )
    schedule.baseline_capture(actor=admin, project=project, name="目标计划")
    income = _contract(world, "HT-1", Contract.Kind.INCOME, code.pk, D("500000.00"))
    income, _ = costs.contract_update(
        actor=admin,
        contract=income,
        version=income.version,
        advance_percent=D("10"),
        progress_payment_percent=D("80"),
        retention_percent=D("3"),
        payment_days=28,
    )
    sub = _contract(world, "FB-1", Contract.Kind.SUBCONTRACT, code.pk, D("100000.00"))
    sub, _ = costs.contract_update(
        actor=admin,
        contract=sub,
        version=sub.version,
        advance_percent=D("0"),
        progress_payment_percent=D("90"),
        retention_percent=D("5"),
        payment_days=30,
    )
    return {"code": code, "income": income, "sub": sub}


def _contract(world: OrgWorld, number: str, kind: str, code_id: int, amount: D) -> Contract:
    admin = world.admin
    contract = costs.contract_create(
        actor=admin,
        project=world.project,
        kind=kind,
        code=number,
        title=number,
        counterparty="业主" if kind == Contract.Kind.INCOME else "分包单位",
    )
    costs.contract_line_add(
        actor=admin,
        contract=contract,
        description="主体结构",
        unit="项",
        quantity=D("1"),
        unit_rate=amount,
        cost_code_id=code_id,
    )
    contract.refresh_from_db()
    return costs.contract_update(
        actor=admin, contract=contract, version=contract.version, status=Contract.Status.ACTIVE
    )[0]


def _entry(
    world: OrgWorld, day: date, direction: str, amount: str, kind: str, **extra: Any
) -> LedgerEntry:
    return LedgerEntry.objects.create(
        organisation=world.org,
        project=world.project,
        entry_date=day,
        direction=direction,
        amount=D(amount),
        currency="CNY",
        kind=kind,
        counterparty="业主",
        **extra,
    )


@pytest.fixture
def site(world_a: OrgWorld) -> dict[str, Any]:
    return build_site(world_a)


def _months(rows: list[Any], name: str) -> dict[date, D]:
    return {r.month: getattr(r, name) for r in rows if getattr(r, name)}


def test_work_follows_the_baseline_and_cash_follows_the_terms(
    world_a: OrgWorld, site: dict[str, Any]
) -> None:
    forecasts = {f.contract.code: f for f in contract_forecasts([world_a.project])}
    income = forecasts["HT-1"].forecast
    assert income is not None
    # Work: 500,000 spread like cost code 01's PV (22 : 18 working days): 275,000 / 225,000.
    assert _months(income.months, "work") == {
        date(2026, 3, 1): D(275000),
        date(2026, 4, 1): D(225000),
    }
    assert _months(income.months, "claimed") == {
        date(2026, 3, 1): D(275000),  # claimed 31 Mar
        date(2026, 4, 1): D(225000),  # claimed 30 Apr
    }
    assert _months(income.months, "certified") == {
        date(2026, 4, 1): D(275000),  # 31 Mar + 14 days = 14 Apr
        date(2026, 5, 1): D(225000),  # 30 Apr + 14 days = 14 May
    }
    assert _months(income.months, "cash") == {
        # Advance 10 % x 500,000 in the first month of work.
        date(2026, 3, 1): D(50000),
        # 14 Apr + 28 days = 12 May: 275,000 x (80 % - 3 % - 10 %) = 184,250.
        date(2026, 5, 1): D(184250),
        # 14 May + 28 = 11 Jun: 225,000 x 67 % = 150,750; and the final account, 20 % x
        # 500,000 = 100,000, due 30 Apr + 14 + 28 days = 11 Jun: 250,750.
        date(2026, 6, 1): D(250750),
        # Retention 3 % x 500,000 = 15,000: 30 Apr 2028 + 28 days = 28 May 2028.
        date(2028, 5, 1): D(15000),
    }
    sub = forecasts["FB-1"].forecast
    assert sub is not None and sub.kind == "expense"
    # 100,000 as 55,000 / 45,000; certified 14 Apr / 14 May, paid +30 days = 14 May / 13 Jun.
    # Each: x (90 % - 3 %) since 5 % retention stops at the 3 % cap (3,000):
    # 55,000 x 5 % = 2,750; then min(5,000, 3,000) - 2,750 = 250 on the second.
    # 55,000 - 5,500 (10 % unpaid) - 2,750 = 46,750; 45,000 - 4,500 - 250 = 40,250.
    # Final account 10,000 due 30 Apr + 14 + 30 = 13 Jun; retention 3,000 on 30 May 2028.
    assert _months(sub.months, "cash") == {
        date(2026, 5, 1): D(46750),
        date(2026, 6, 1): D(50250),
        date(2028, 5, 1): D(3000),
    }


def test_project_cashflow_months_forecast_and_actual(
    world_a: OrgWorld, site: dict[str, Any]
) -> None:
    # Actual: the advance received on 10 Mar, 100,000 paid to the subcontractor on 20 May
    # and a 0.10 + 0.20 + 0.70 receipt trio in May, one of them (0.20) reversed.
    _entry(world_a, date(2026, 3, 10), "in", "50000.00", "advance_in")
    _entry(world_a, date(2026, 5, 20), "out", "100000.00", "payment")
    trio = [
        _entry(world_a, date(2026, 5, 21), "in", a, "receipt") for a in ("0.10", "0.20", "0.70")
    ]
    _entry(world_a, date(2026, 5, 22), "out", "0.20", "reversal", reverses=trio[1])
    flow = project_cashflow(world_a.project)
    rows = {r.month: r for r in flow.rows}
    assert flow.rows[0].month == date(2026, 3, 1) and flow.rows[-1].month == date(2028, 5, 1)
    assert len(flow.rows) == 27  # every month from March 2026 to May 2028
    may, june = rows[date(2026, 5, 1)], rows[date(2026, 6, 1)]
    assert (may.forecast_in, may.forecast_out) == (D(184250), D(46750))
    assert (june.forecast_in, june.forecast_out) == (D(250750), D(50250))
    # Cumulative forecast net at June: 50,000 + 184,250 - 46,750 + 250,750 - 50,250.
    assert june.forecast_cumulative == D(388000)
    assert rows[date(2026, 3, 1)].actual_in == D(50000)
    # The reversal takes 0.20 back off money in; it is not money out.
    assert (may.actual_in, may.actual_out) == (D("0.80"), D(100000))
    assert may.actual_cumulative == D("-49999.20")
    assert flow.total("forecast_in") == D(500000) and flow.total("forecast_out") == D(100000)
    assert flow.rows[-1].forecast_cumulative == D(400000)


def spoil_subcontract_terms(world: OrgWorld, site: dict[str, Any]) -> None:
    """Advance 50 % and retention 50 % on FB-1: more than its 90 % payments can carry."""
    sub = site["sub"]
    sub.refresh_from_db()
    costs.contract_update(
        actor=world.admin,
        contract=sub,
        version=sub.version,
        advance_percent=D("50"),
        retention_percent=D("50"),
    )


def test_bad_terms_are_named_not_a_crash(world_a: OrgWorld, site: dict[str, Any]) -> None:
    spoil_subcontract_terms(world_a, site)
    forecasts = {f.contract.code: f for f in contract_forecasts([world_a.project])}
    assert forecasts["FB-1"].forecast is None and forecasts["FB-1"].problem == "advance_percent"
    assert forecasts["HT-1"].forecast is not None


def test_company_cashflow_sums_the_projects_the_user_may_see(
    world_a: OrgWorld, site: dict[str, Any]
) -> None:
    other = build_world("c")
    build_site(other)
    projects, flow = company_cashflow(world_a.admin)
    assert projects == [world_a.project]
    assert flow.total("forecast_in") == D(500000)
    # A viewer of the project sees it; a member of the organisation outside it sees nothing.
    assert company_cashflow(world_a.users["viewer"])[0] == [world_a.project]
    assert company_cashflow(world_a.outsider) == ([], company_cashflow(world_a.outsider)[1])
    assert company_cashflow(world_a.outsider)[1].rows == []


def test_query_count_does_not_grow_with_the_data(world_a: OrgWorld, site: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as few:
        project_cashflow(world_a.project)
    for n in range(3):
        _contract(world_a, f"CG-{n}", Contract.Kind.PURCHASE, site["code"].pk, D("1000.00"))
        _entry(world_a, date(2026, 4 + n, 2), "out", "10.00", "payment")
    with CaptureQueriesContext(connection) as more:
        flow = project_cashflow(world_a.project)
    assert len(flow.contracts) == 5
    # Seven queries and the schedule plan (four with activities linked to cost codes).
    assert len(few) == len(more) == 11


def test_month_keys_are_first_days() -> None:
    assert month_start(date(2026, 2, 28)) == date(2026, 2, 1)


def _more_projects(world: OrgWorld, count: int) -> list[Any]:
    """`count` more projects of the organisation, each unlike the others: the site of
    `build_site` with a purchase contract of a different value and a payment in a different
    month; every third one without a schedule or budget (its contract spread evenly)."""
    made = []
    for n in range(count):
        project = projects.project_create(
            actor=world.admin,
            organisation_id=world.org.pk,
            code=f"A-P{n + 2}",
            name=f"项目 {n + 2}",
            start_date=date(2026, 1 + n % 6, 1),
            finish_date=date(2026, 9 + n % 4, 15),
        )
        other = OrgWorld(org=world.org, admin=world.admin, project=project)
        if n % 3 == 2:
            code = costs.cost_code_create(
                actor=world.admin, project=project, code="99", name="杂项"
            )
        else:
            code = build_site(other)["code"]
        _contract(other, "CG-1", Contract.Kind.PURCHASE, code.pk, D(f"{1000 * (n + 1)}.37"))
        _entry(other, date(2026, 3 + n % 5, 2 + n), "out", f"{10 + n}.00", "payment")
        made.append(project)
    return made


@pytest.mark.parametrize("count", [2, 8])
def test_company_cashflow_runs_a_fixed_number_of_queries(
    world_a: OrgWorld, site: dict[str, Any], count: int
) -> None:
    _more_projects(world_a, count - 1)
    with CaptureQueriesContext(connection) as queries:
        seen, flow = company_cashflow(world_a.admin)
    assert len(seen) == count and flow.rows
    # The projects the user may see, seven reads over all of them, and the schedule plans
    # of all of them (four queries: activities, schedule options, calendars, updates).
    assert len(queries) == 12


def test_company_cashflow_is_the_sum_of_the_projects(
    world_a: OrgWorld, site: dict[str, Any]
) -> None:
    _entry(world_a, date(2026, 5, 20), "out", "100000.00", "payment")
    _more_projects(world_a, 7)
    seen, company = company_cashflow(world_a.admin)
    assert len(seen) == 8
    names = ("forecast_in", "forecast_out", "actual_in", "actual_out")
    expected: dict[date, list[D]] = {}
    for project in seen:
        for row in project_cashflow(project).rows:
            sums = expected.setdefault(row.month, [D(0)] * len(names))
            for i, name in enumerate(names):
                sums[i] += getattr(row, name)
    got = {r.month: [getattr(r, name) for name in names] for r in company.rows}
    assert {m: v for m, v in got.items() if any(v)} == {m: v for m, v in expected.items() if any(v)}
    # HT-1 and FB-1 on six projects (two of the eight have no schedule) and seven purchases.
    assert len(company.contracts) == 2 * 6 + 7
    assert company.total("forecast_in") == D(500000) * 6
    assert company.total("forecast_out") == D(100000) * 6 + sum(
        (D(f"{1000 * (n + 1)}.37") for n in range(7)), D(0)
    )


def _ht1_cash(world: OrgWorld) -> dict[date, D]:
    forecasts = {f.contract.code: f for f in contract_forecasts([world.project])}
    income = forecasts["HT-1"].forecast
    assert income is not None
    return _months(income.months, "cash")


def test_certify_days_of_the_contract_or_the_policy_time_the_forecast(
    world_a: OrgWorld, site: dict[str, Any]
) -> None:
    """HT-1 paid 20 days after certification. Certified 14 days after the claims (31 Mar,
    30 Apr): 14 Apr + 20 = 4 May and 14 May + 20 = 3 Jun, the final account 30 Apr + 14 + 20
    = 3 Jun. Certified in 7 days: 7 Apr + 20 = 27 Apr, 7 May + 20 = 27 May, final account
    30 Apr + 7 + 20 = 27 May: each receipt moves into the month before. Retention (30 Apr
    2028 + 20 days) does not depend on certification."""
    income = site["income"]
    income.refresh_from_db()
    costs.contract_update(
        actor=world_a.admin, contract=income, version=income.version, payment_days=20
    )
    fourteen = {
        date(2026, 3, 1): D(50000),  # the advance
        date(2026, 5, 1): D(184250),  # 275,000 x (80 % - 3 % - 10 %)
        date(2026, 6, 1): D(250750),  # 225,000 x 67 % + the final account 100,000
        date(2028, 5, 1): D(15000),
    }
    seven = {
        date(2026, 3, 1): D(50000),
        date(2026, 4, 1): D(184250),
        date(2026, 5, 1): D(250750),
        date(2028, 5, 1): D(15000),
    }
    assert _ht1_cash(world_a) == fourteen
    funds.contract_terms_set(actor=world_a.admin, contract=income, certify_days=7)
    assert _ht1_cash(world_a) == seven
    forecasts = {f.contract.code: f for f in contract_forecasts([world_a.project])}
    ht1 = forecasts["HT-1"].forecast
    assert ht1 is not None and forecasts["HT-1"].terms.certify_days == 7
    assert _months(ht1.months, "certified") == {
        date(2026, 4, 1): D(275000),  # 7 Apr
        date(2026, 5, 1): D(225000),  # 7 May
    }
    # Left empty on the contract, the organisation's policy decides.
    funds.contract_terms_set(actor=world_a.admin, contract=income, certify_days=None)
    assert _ht1_cash(world_a) == fourteen
    funds.funds_policy_set(actor=world_a.admin, organisation_id=world_a.org.pk, certify_days=7)
    assert _ht1_cash(world_a) == seven
    # The contract's own days win over the policy's.
    funds.contract_terms_set(actor=world_a.admin, contract=income, certify_days=14)
    assert _ht1_cash(world_a) == fourteen


@pytest.mark.parametrize("days", [-1, 366, "7.5", "x"])
def test_certify_days_outside_0_to_365_are_refused_naming_the_field(
    world_a: OrgWorld, site: dict[str, Any], days: Any
) -> None:
    with pytest.raises(InvalidInput) as exc:
        funds.contract_terms_set(actor=world_a.admin, contract=site["income"], certify_days=days)
    assert exc.value.errors[0]["field"] == "certify_days"
    with pytest.raises(InvalidInput) as exc:
        funds.funds_policy_set(
            actor=world_a.admin, organisation_id=world_a.org.pk, certify_days=days
        )
    assert exc.value.errors[0]["field"] == "certify_days"
    assert not ContractTerms.objects.exists() and not FundsPolicy.objects.exists()


def test_certify_days_at_the_limits_are_kept(world_a: OrgWorld, site: dict[str, Any]) -> None:
    for days in (0, 365):
        terms = funds.contract_terms_set(
            actor=world_a.admin, contract=site["income"], certify_days=days
        )
        assert terms.certify_days == days
        assert selectors.contract_terms(site["income"]).certify_days == days
    assert selectors.contract_terms(site["sub"]).certify_days == 14
