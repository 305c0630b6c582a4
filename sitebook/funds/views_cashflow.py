"""Cash-flow pages: forecast against actual by month, per project and company-wide, with an
ECharts chart, a table and an Excel export."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from sitebook.core.permissions import declared
from sitebook.funds.cashflow import NO_PLAN, Cashflow, company_cashflow, project_cashflow
from sitebook.projects import access
from sitebook.projects.models import Project
from sitebook.projects.selectors import project_get

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    "forecast_in",
    "forecast_out",
    "forecast_net",
    "forecast_cumulative",
    "actual_in",
    "actual_out",
    "actual_net",
    "actual_cumulative",
)


def _headers() -> list[str]:
    return [
        _("Month"),
        _("Forecast in"),
        _("Forecast out"),
        _("Forecast net"),
        _("Forecast cumulative"),
        _("Actual in"),
        _("Actual out"),
        _("Actual net"),
        _("Actual cumulative"),
    ]


def problem_text(problem: str) -> str:
    """Why a contract has no forecast, for people."""
    if problem == NO_PLAN:
        return _("Nothing to spread its value over: no budget, schedule or project dates.")
    if problem == "advance_percent":
        return _("Advance and retention together exceed the progress payment percentage.")
    return _("Its payment terms cannot be forecast (%(field)s).") % {"field": problem}


def _context(flow: Cashflow) -> dict[str, Any]:
    return {
        "flow": flow,
        "columns": COLUMNS,
        "headers": _headers(),
        "totals": {name: flow.total(name) for name in COLUMNS if "cumulative" not in name},
        "problems": [(c.contract, problem_text(c.problem)) for c in flow.problems],
        "chart": flow.chart(),
    }


def write_cashflow(flow: Cashflow, title: str) -> bytes:
    """The table of months as an .xlsx workbook; amounts exact (written as Decimal)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Cash flow")[:31]
    sheet.append([title])
    sheet.append(_headers())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in flow.rows:
        sheet.append([f"{row.month:%Y-%m}", *(getattr(row, name) for name in COLUMNS)])
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = "#,##0.00"
    sheet.append([_("Total"), *(flow.total(n) if "cumulative" not in n else None for n in COLUMNS)])
    sheet.column_dimensions["A"].width = 10
    for col in "BCDEFGHI":
        sheet.column_dimensions[col].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _project(request: HttpRequest, project_id: int) -> Project:
    return project_get(request.user, project_id, "funds.view")


@login_required
def cashflow(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    can = {
        code.replace(".", "_"): access.has_perm(request.user, code, project) for code in declared()
    }
    context = {"project": project, "tab": "funds", "sub": "cashflow", "can": can}
    return render(
        request, "funds/cashflow.html", {**context, **_context(project_cashflow(project))}
    )


@login_required
def cashflow_export(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    title = f"{project.code} {project.display_name} · {_('Cash flow')}"
    content = write_cashflow(project_cashflow(project), title)
    return _xlsx(content, f"cash-flow-{project.code}.xlsx")


@login_required
def company(request: HttpRequest) -> HttpResponse:
    """The company page; `?format=xlsx` downloads its table."""
    projects, flow = company_cashflow(request.user)
    if request.GET.get("format") == "xlsx":
        return _xlsx(write_cashflow(flow, _("Company cash flow")), "cash-flow-company.xlsx")
    return render(request, "funds/cashflow_company.html", {"projects": projects, **_context(flow)})
