"""Excel in and out: reading a bill of quantities, writing the cost report (openpyxl).

A BOQ sheet has a header row naming its columns in Chinese or English (any order, extra
columns ignored): 清单编码/Item code, 项目名称/Description, 计量单位/Unit, 工程量/Quantity,
综合单价/Unit rate, 成本科目/Cost code. Cells are read as text and parsed to Decimal, so a
rate typed as 0.1 stays 0.1 (openpyxl gives floats for numeric cells; their shortest repr is
the number the user typed).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from sitebook.core.errors import InvalidInput
from sitebook.costs.selectors import CostSummary

COLUMNS = {
    "item_code": ("清单编码", "项目编码", "item code", "item_code"),
    "description": ("项目名称", "description"),
    "unit": ("计量单位", "单位", "unit"),
    "quantity": ("工程量", "数量", "quantity"),
    "unit_rate": ("综合单价", "单价", "unit rate", "unit_rate"),
    "cost_code": ("成本科目", "成本编码", "cost code", "cost_code"),
}
MAX_ROWS = 20000


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # repr is the shortest string that reads back as the same float: what was typed.
        return repr(value)
    return str(value).strip()


def read_boq(file: IO[bytes]) -> list[dict[str, Any]]:
    """BOQ rows as dicts of text, each with `_where` = "row N" for error messages."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise InvalidInput.field("file", _("This is not an Excel (.xlsx) file.")) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise InvalidInput.field("file", _("The sheet is empty."))
    names = [_text(h).lower() for h in header]
    where: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                where[key] = i
                break
    missing = [COLUMNS[k][0] + " / " + COLUMNS[k][-1] for k in COLUMNS if k not in where]
    if missing:
        raise InvalidInput(
            _("The sheet lacks the columns: %(columns)s.") % {"columns": "; ".join(missing)},
            [{"field": "file", "message": _("Missing column %(c)s.") % {"c": m}} for m in missing],
        )
    out = []
    for number, row in enumerate(rows, start=2):
        values = {k: _text(row[i]) if i < len(row) else "" for k, i in where.items()}
        if not any(values.values()):
            continue
        values["_where"] = _("row %(n)d") % {"n": number}
        out.append(values)
        if len(out) > MAX_ROWS:
            raise InvalidInput.field("file", _("The sheet has too many rows."))
    book.close()
    return out


def write_cost_report(summary: CostSummary) -> bytes:
    """The cost summary as an .xlsx workbook; amounts are exact (written as Decimal)."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Cost report")[:31]
    project = summary.project
    sheet.append([f"{project.code} {project.display_name}"])
    sheet.append([_("Data date"), summary.data_date.isoformat()])
    headers = [
        _("Cost code"),
        _("Name"),
        _("Original budget"),
        _("Current budget"),
        _("Committed"),
        _("Actual"),
        _("Percent complete"),
        _("Estimate to complete"),
        _("Estimate at completion"),
        _("Variance"),
    ]
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    money_format = "#,##0.00"
    for row in [*summary.rows, summary.total]:
        label = row.code.code if row.code else _("Total")
        name = ("  " * row.depth + row.code.display_name) if row.code else ""
        sheet.append(
            [
                label,
                name,
                row.original,
                row.budget,
                row.committed,
                row.actual,
                row.percent,
                row.etc,
                row.eac,
                row.variance,
            ]
        )
        for cell in sheet[sheet.max_row][2:]:
            cell.number_format = money_format
    sheet.append([])
    sheet.append([_("Contract value"), None, summary.income_value])
    sheet.append([_("Margin"), None, summary.margin])
    sheet.append([_("Margin %"), None, summary.margin_percent or Decimal("0")])
    for width, col in zip((14, 30, 16, 16, 16, 16, 10, 16, 16, 16), "ABCDEFGHIJ", strict=True):
        sheet.column_dimensions[col].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
