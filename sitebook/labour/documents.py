"""Files of the day-labour centre: the printed ticket (PDF) and Excel import and export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sitebook.core.errors import InvalidInput
from sitebook.labour.models import LabourLine, Ticket
from sitebook.labour.selectors import TicketSheet

CJK_FONT = "STSong-Light"  # reportlab's built-in CID font: no font file needed


def read_rows(upload: Any) -> list[list[Any]]:
    """The first sheet of an uploaded .xlsx file as lists of cell values."""
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise InvalidInput.field("file", _("The file is not an Excel workbook (.xlsx).")) from exc
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def tickets_workbook(project: Any, lines: Any) -> bytes:
    """One row per labour line of the project's tickets, for pay-roll and checking."""
    book = Workbook()
    sheet = book.active
    sheet.title = "labour"
    sheet.append(
        [
            str(_("Ticket number")),
            str(_("Work date")),
            str(_("Status")),
            str(_("Worker")),
            str(_("Trade")),
            str(_("Grade")),
            str(_("Team")),
            str(_("Start")),
            str(_("End")),
            str(_("Break (minutes)")),
            str(_("Hours")),
            str(_("Working days")),
            str(_("Day type")),
            str(_("Day rate")),
            str(_("Pay multiplier")),
            str(_("Amount")),
            str(_("Pay by date")),
        ]
    )
    line: LabourLine
    for line in lines:
        sheet.append(
            [
                line.ticket.number,
                line.work_date,
                line.ticket.get_status_display(),
                line.worker.name,
                line.trade.display_name,
                line.get_grade_display(),
                line.team.name if line.team else "",
                _clock(line.start),
                line_end(line),
                line.break_minutes,
                line.hours,
                line.days,
                line.get_day_type_display(),
                line.rate,
                line.multiplier,
                line.amount,
                "; ".join(pay_by_date(line)) if line.overnight else "",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _clock(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def line_end(line: LabourLine) -> str:
    """The end's clock time, marked "+1 day" (次日) when a night shift ends the next day."""
    end = _clock(line.end)
    if not line.overnight:
        return end
    next_day = _("+1 day")
    return f"{end} {next_day}"


def line_time(line: LabourLine) -> str:
    """Start to end, with the break when there is one: "08:00-17:00 (break 60 min)"."""
    text = f"{_clock(line.start)}-{line_end(line)}"
    if not line.break_minutes:
        return text
    pause = _("break %(m)s min") % {"m": line.break_minutes}
    return f"{text} ({pause})"


def pay_by_date(line: LabourLine, *, day_type: bool = True) -> list[str]:
    """One phrase per calendar date of a line: "10-01 Statutory holiday 4.00 h x 300%"
    (without the day type's name where the printed table is narrow)."""
    phrases = []
    for part in line.pay_by_date:
        label = f" {part['day_type_label']}" if day_type else ""
        text = (
            f"{part['date']:%m-%d}{label} "
            f"{part['normal_hours']:.2f} h × {part['multiplier'] * 100:.0f}%"
        )
        if part["overtime_hours"]:
            text += f" + {part['overtime_hours']:.2f} h × {part['overtime_multiplier'] * 100:.0f}%"
        phrases.append(text)
    return phrases


def roster_template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "id_number", "phone", "trade", "grade", "team"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _font() -> str:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def ticket_pdf(sheet: TicketSheet) -> bytes:
    """The printed ticket (计日工签证单): header, lines, totals in figures and in 大写,
    and the sign-off boxes."""
    font = _font()
    ticket: Ticket = sheet.ticket
    tz = timezone.get_current_timezone()
    title = ParagraphStyle("t", fontName=font, fontSize=15, leading=20, alignment=1)
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=12)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm
    )
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
    )
    story: list[Any] = [
        Paragraph(_("Day-labour ticket"), title),
        Spacer(1, 4 * mm),
        Paragraph(f"{ticket.project.code} {ticket.project.display_name}", body),
        Spacer(1, 2 * mm),
    ]
    head = [
        [_("Ticket number"), ticket.number, _("Work date"), str(ticket.work_date)],
        [_("Location / part"), ticket.location, _("Day type"), ticket.get_day_type_display()],
        [
            _("Instructed by"),
            ticket.get_instruction_source_display(),
            _("Instruction number"),
            ticket.instruction_number,
        ],
        [
            _("Reason"),
            ticket.get_reason_display(),
            _("Recoverable from the owner"),
            _("Yes") if ticket.recoverable else _("No"),
        ],
        [_("Cost code"), ticket.cost_code or "", _("Status"), ticket.get_status_display()],
    ]
    story.append(
        Table(
            [[str(c) for c in row] for row in head],
            style=grid,
            colWidths=[30 * mm, 60 * mm, 30 * mm, 60 * mm],
        )
    )
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(ticket.description.replace("\n", "<br/>"), body))
    story.append(Spacer(1, 2 * mm))
    rows = [
        [
            _("Worker"),
            _("Trade"),
            _("Time"),
            _("Hours"),
            _("Working days"),
            _("Day rate"),
            _("Multiplier"),
            _("Amount"),
        ]
    ]
    for line in sheet.labour:
        rows.append(
            [
                line.worker.name,
                f"{line.trade.display_name} {line.get_grade_display()}",
                line_time(line),
                f"{line.hours:.2f}",
                f"{line.days:.2f}",
                f"{line.rate:,.2f}",
                "\n".join(pay_by_date(line, day_type=False))
                if line.overnight
                else f"{line.multiplier * 100:.0f}%",
                f"{line.amount:,.2f}",
            ]
        )
    for mat in sheet.materials:
        rows.append(
            [
                mat.name,
                mat.specification,
                mat.unit,
                f"{mat.quantity:.2f}",
                "",
                f"{mat.unit_price:,.2f}",
                "",
                f"{mat.amount:,.2f}",
            ]
        )
    for p in sheet.plant:
        rows.append(
            [
                p.model,
                f"x{p.units}",
                p.get_unit_display(),
                f"{p.quantity:.2f}",
                "",
                f"{p.rate:,.2f}",
                "",
                f"{p.amount:,.2f}",
            ]
        )
    rows.append(["", "", "", "", "", "", _("Total"), f"{ticket.total:,.2f}"])
    story.append(Table([[str(c) for c in row] for row in rows], style=grid, repeatRows=1))
    story.append(Spacer(1, 2 * mm))
    story.append(
        Paragraph(
            f"{_('Total in words')}: {_('RMB')} {sheet.total_upper} (¥{ticket.total:,.2f})", body
        )
    )
    story.append(Spacer(1, 4 * mm))
    signs = [[_("Sign-off"), _("Signed by"), _("Signed at")]]
    for _step, label, sig in sheet.chain:
        if sig is None:
            signs.append([label, "", ""])
        else:
            signs.append([label, sig.signer, f"{sig.signed_at.astimezone(tz):%Y-%m-%d %H:%M}"])
    story.append(
        Table(
            [[str(c) for c in row] for row in signs],
            style=grid,
            colWidths=[45 * mm, 90 * mm, 45 * mm],
        )
    )
    doc.build(story)
    return out.getvalue()
