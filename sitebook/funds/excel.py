"""Excel registers of the funds centre (openpyxl): claims, payables, the ledger, ageing.

Amounts are written as Decimal, so the cells hold exactly what the database holds; totals
are formulas over the column (SUM), so a reader who edits a row sees the total follow.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sitebook.costs.money import ZERO
from sitebook.funds.ageing import BUCKETS, Ageing
from sitebook.funds.models import Claim, LedgerEntry, Payable
from sitebook.projects.models import Project

MONEY_FORMAT = "#,##0.00"


def _sheet(
    sheet: Worksheet, project: Project, title: str, headers: list[str], widths: list[int]
) -> None:
    """Title rows and a bold header row (row 3)."""
    sheet.title = title[:31]
    sheet.append([f"{project.code} {project.display_name}", title])
    sheet.append([])
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A4"


def _row(sheet: Worksheet, values: list[Any]) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, Decimal):
            cell.number_format = MONEY_FORMAT


def _totals(sheet: Worksheet, columns: list[int], first: int = 4) -> None:
    """A total row with SUM formulas under the given (1-based) columns."""
    last = sheet.max_row
    values: list[Any] = [_("Total")]
    for col in range(2, max(columns) + 1):
        if col in columns and last >= first:
            letter = get_column_letter(col)
            values.append(f"=SUM({letter}{first}:{letter}{last})")
        else:
            values.append(None)
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.number_format = MONEY_FORMAT


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _day(value: Any) -> str:
    return value.isoformat() if value else ""


def claims_register(project: Project, claims: list[Claim], received: dict[int, Decimal]) -> bytes:
    book = Workbook()
    sheet = book.active
    headers = [
        _("Claim"),
        _("Status"),
        _("Period start"),
        _("Period end"),
        _("Claimed"),
        _("Certified"),
        _("Payment ratio %"),
        _("Advance recovery"),
        _("Retention withheld"),
        _("Deductions"),
        _("Amount due"),
        _("Received"),
        _("Outstanding"),
        _("Due on"),
        _("Invoice number"),
    ]
    _sheet(sheet, project, _("Claims register"), headers, [14, 12, 12, 12] + [15] * 9 + [12, 16])
    for c in claims:
        got = received.get(c.pk, ZERO)
        _row(
            sheet,
            [
                str(c),
                str(c.get_status_display()),
                _day(c.period_start),
                _day(c.period_end),
                c.claimed_amount,
                c.certified_amount if c.certified_amount is not None else ZERO,
                c.payment_ratio,
                c.advance_recovery,
                c.retention,
                c.deductions,
                c.amount_due,
                got,
                c.amount_due - got if c.receivable else ZERO,
                _day(c.due_on),
                c.invoice_number,
            ],
        )
    _totals(sheet, [5, 6, 8, 9, 10, 11, 12, 13])
    return _save(book)


def payables_register(project: Project, payables: list[Payable], paid: dict[int, Decimal]) -> bytes:
    book = Workbook()
    sheet = book.active
    headers = [
        _("Contract"),
        _("Counterparty"),
        _("Invoice number"),
        _("Invoice date"),
        _("Status"),
        _("Invoice amount"),
        _("Retention withheld"),
        _("Advance recovery"),
        _("Deductions"),
        _("Approved to pay"),
        _("Paid"),
        _("Outstanding"),
        _("Due on"),
    ]
    _sheet(sheet, project, _("Payables register"), headers, [12, 22, 16, 12, 12] + [15] * 7 + [12])
    for p in payables:
        out = paid.get(p.pk, ZERO)
        counted = p.status in (Payable.Status.APPROVED, Payable.Status.PART_PAID)
        _row(
            sheet,
            [
                p.contract.code,
                p.contract.counterparty,
                p.number,
                _day(p.invoice_date),
                str(p.get_status_display()),
                p.gross_amount,
                p.retention,
                p.advance_recovery,
                p.deductions,
                p.approved_amount,
                out,
                p.approved_amount - out if counted else ZERO,
                _day(p.due_on),
            ],
        )
    _totals(sheet, [6, 7, 8, 9, 10, 11, 12])
    return _save(book)


def ledger(project: Project, entries: Iterable[LedgerEntry]) -> bytes:
    book = Workbook()
    sheet = book.active
    headers = [
        _("Date"),
        _("Entry"),
        _("Type"),
        _("Contract"),
        _("Counterparty"),
        _("In"),
        _("Out"),
        _("Currency"),
        _("Reverses"),
        _("Memo"),
    ]
    _sheet(sheet, project, _("Funds ledger"), headers, [12, 8, 16, 12, 22, 15, 15, 8, 9, 40])
    kinds = dict(LedgerEntry.Kind.choices)
    for e in entries:
        incoming = e.direction == LedgerEntry.Direction.IN
        _row(
            sheet,
            [
                _day(e.entry_date),
                e.pk,
                str(kinds.get(e.kind, e.kind)),
                e.contract.code if e.contract else "",
                e.counterparty,
                e.amount if incoming else None,
                None if incoming else e.amount,
                e.currency,
                e.reverses_id or "",
                e.memo,
            ],
        )
    _totals(sheet, [6, 7])
    return _save(book)


def ageing_workbook(project: Project, reports: list[Ageing]) -> bytes:
    """One sheet per report: the documents outstanding, each in its days-past-due bucket."""
    book = Workbook()
    book.remove(book.active)
    titles = {"receivables": _("Receivables ageing"), "payables": _("Payables ageing")}
    for report in reports:
        sheet = book.create_sheet()
        headers = [
            _("Document"),
            _("Counterparty"),
            _("Due on"),
            _("Days past due"),
            *[str(label) for _key, label, *_rest in BUCKETS],
            _("Outstanding"),
        ]
        _sheet(sheet, project, titles[report.kind], headers, [18, 24, 12, 10] + [14] * 6)
        sheet.cell(row=2, column=1, value=_("As of"))
        sheet.cell(row=2, column=2, value=report.today.isoformat())
        for row in report.rows:
            cells: list[Any] = [None] * len(BUCKETS)
            cells[[key for key, *_r in BUCKETS].index(row.bucket)] = row.outstanding
            _row(
                sheet,
                [
                    str(row.document),
                    row.counterparty,
                    _day(row.due_on),
                    max(row.days_past_due, 0),
                    *cells,
                    row.outstanding,
                ],
            )
        _totals(sheet, list(range(5, 5 + len(BUCKETS) + 1)))
    return _save(book)
