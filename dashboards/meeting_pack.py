"""The credit committee's meeting pack, what members read before the meeting: the review
queue, then one page per client (its figures, why it is due, how its recommended limit
was worked out, its exposure over the last months against today's limit, and the
committee's decisions on it), as PDF and as Excel, es/en.

A pure function of what the committee page read (marts.credit_limits and ar_aging through
queries.committee, decisions from the app-state store): nothing is computed here, every
figure is printed as the mart holds it. The PDF is set in DejaVu Sans (dashboards/fonts),
its chart drawn with fpdf's own lines and rectangles; the workbook's cells are typed as
every Excel of the dashboards (`dashboards.exports`): money numbers in the currency's
format, shares as percentages, dates as dates.
"""

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from dashboards import credit_texts, formatting
from dashboards.app_state import Decision
from dashboards.exports import DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT, currency_number_format
from dashboards.i18n import translate
from dashboards.statement_pdf import FONT_DIR

_FONT = "DejaVuSans"
_GREY = (235, 235, 235)
_BAR = (90, 120, 170)
_LIMIT = (200, 60, 60)


@dataclass(frozen=True)
class MeetingPack:
    """What the pack prints.

    queue: queries.committee.review_cards' rows, in the order the committee reads them.
    history: queries.committee.exposure_history of the queue's clients.
    decisions: each client's decisions from the store, newest first.
    currency: the reporting currency of the marts' amounts.
    """

    as_of: date
    currency: str
    queue: pd.DataFrame
    history: pd.DataFrame
    decisions: Mapping[str, Sequence[Decision]] = field(default_factory=dict)


def figures(row: Mapping, currency: str, language: str) -> list[tuple[str, object, str]]:
    """A client's figures in the card's order: (label, value, kind), kind one of money,
    limit (in the limit's currency), points (0-100 share), days, text."""
    return [
        (translate(language, "committee.exposure"), row["exposure_amount"], "money"),
        (translate(language, "committee.limit"), row["credit_limit_amount"], "limit"),
        (translate(language, "committee.col_erp_limit"), row["erp_credit_limit_amount"], "erp_limit"),
        (translate(language, "committee.utilisation"), row["utilisation_pct"], "points"),
        (translate(language, "committee.days_in_breach"), row["days_in_breach"], "days"),
        (translate(language, "committee.recommended"), row["recommended_limit_amount"], "money"),
        (translate(language, "committee.grade"), _grade(row, language), "text"),
        (translate(language, "committee.overdue"), row["overdue_amount"], "money"),
        (translate(language, "committee.disputed"), row["in_dispute_amount"], "money"),
        (translate(language, "committee.revenue_share"), row["revenue_share_pct"], "points"),
    ]


def _grade(row: Mapping, language: str) -> str:
    grade = row["grade"] or translate(language, "committee.ungraded")
    previous = row["previous_grade"]
    return grade if not previous or previous == row["grade"] else f"{previous} → {grade}"


def _figure_text(row: Mapping, value: object, kind: str, currency: str, language: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return translate(language, "committee.no_limit") if kind in ("limit", "erp_limit") else "—"
    if kind == "money":
        return formatting.money(value, currency, language)
    if kind == "limit":
        return formatting.money(value, row["credit_limit_currency_code"], language)
    if kind == "erp_limit":
        return formatting.money(value, row["erp_credit_limit_currency_code"], language)
    if kind == "points":
        return formatting.percent(Decimal(value) * Decimal("0.01"), language)
    return str(value)


# ---------------------------------------------------------------- PDF


def meeting_pack_pdf(pack: MeetingPack, language: str) -> bytes:
    """The pack as PDF bytes: A4 landscape, the queue first, then a page per client."""
    pdf = _PackDocument(language)
    pdf.add_page()
    pdf.set_font(_FONT, "B", 14)
    pdf.cell(0, 8, translate(language, "committee.pack_title"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=9)
    pdf.cell(0, 5, _subtitle(pack, language), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _queue_table(pdf, pack, language)
    for row in pack.queue.to_dict("records"):
        pdf.add_page()
        _client_page(pdf, pack, row, language)
    return bytes(pdf.output())


class _PackDocument(FPDF):
    def __init__(self, language: str) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.language = language
        self.add_font(_FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(_FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_font(_FONT, size=9)
        self.set_auto_page_break(auto=True, margin=15)

    def footer(self) -> None:
        self.set_y(-12)
        language = self.language
        self.set_font(_FONT, size=7)
        self.cell(0, 5, translate(language, "committee.pack_page", page=self.page_no()), align="R")


def _subtitle(pack: MeetingPack, language: str) -> str:
    return translate(
        language, "committee.pack_subtitle", date=formatting.long_date(pack.as_of, language), currency=pack.currency
    )


def _queue_table(pdf: _PackDocument, pack: MeetingPack, language: str) -> None:
    headings = [
        translate(language, "committee.col_client"),
        translate(language, "committee.col_exposure"),
        translate(language, "committee.col_limit"),
        translate(language, "committee.col_utilisation"),
        translate(language, "committee.col_days_in_breach"),
        translate(language, "committee.col_recommended"),
        translate(language, "committee.col_reasons"),
    ]
    pdf.set_font(_FONT, size=7.5)
    with pdf.table(
        col_widths=(50, 25, 25, 18, 16, 25, 118),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=_GREY),
        line_height=4,
    ) as table:
        table.row(headings)
        for row in pack.queue.to_dict("records"):
            table.row([
                f"{row['client_name']} ({row['client_id']})",
                _figure_text(row, row["exposure_amount"], "money", pack.currency, language),
                _figure_text(row, row["credit_limit_amount"], "limit", pack.currency, language),
                _figure_text(row, row["utilisation_pct"], "points", pack.currency, language),
                _figure_text(row, row["days_in_breach"], "days", pack.currency, language),
                _figure_text(row, row["recommended_limit_amount"], "money", pack.currency, language),
                "; ".join(credit_texts.review_reasons(row, pack.currency, language)),
            ])


def _client_page(pdf: _PackDocument, pack: MeetingPack, row: dict, language: str) -> None:
    pdf.set_font(_FONT, "B", 13)
    pdf.cell(0, 7, f"{row['client_name']} ({row['client_id']})", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=8)
    pdf.cell(0, 4.5, " · ".join(part for part in (row["branch"], row["salesperson"]) if part), new_x="LMARGIN",
             new_y="NEXT")
    pdf.ln(2)
    top = pdf.get_y()
    pdf.set_font(_FONT, size=8.5)
    with pdf.table(
        width=110, col_widths=(60, 50), align="LEFT", text_align=("LEFT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=_GREY), line_height=5,
    ) as table:
        table.row([translate(language, "committee.pack_figure"), translate(language, "committee.pack_value")])
        for label, value, kind in figures(row, pack.currency, language):
            table.row([label, _figure_text(row, value, kind, pack.currency, language)])
    below_table = pdf.get_y()
    history = pack.history[pack.history["client_id"] == row["client_id"]]
    _exposure_chart(pdf, history, row["credit_limit_reporting_amount"], x=135, y=top, width=145, height=58,
                    currency=pack.currency, language=language)
    pdf.set_y(max(below_table, top + 66))
    _paragraphs(pdf, translate(language, "committee.reasons_title"),
                credit_texts.review_reasons(row, pack.currency, language)
                or [translate(language, "committee.no_reasons")])
    _paragraphs(pdf, translate(language, "committee.rationale_title"),
                [credit_texts.rationale(row, pack.currency, language)])
    _decision_table(pdf, pack.decisions.get(row["client_id"], ()), language)


def _paragraphs(pdf: _PackDocument, title: str, lines: Sequence[str]) -> None:
    pdf.set_font(_FONT, "B", 9.5)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=8.5)
    for line in lines:
        pdf.multi_cell(0, 4.5, f"• {line}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _exposure_chart(
    pdf: _PackDocument, history: pd.DataFrame, limit: Decimal | None, *, x: float, y: float, width: float,
    height: float, currency: str, language: str,
) -> None:
    """Bars of the open balance at each month end and a line at today's limit (reporting
    currency), on one scale whose top amount is printed above the plot."""
    pdf.set_font(_FONT, "B", 8.5)
    pdf.set_xy(x, y)
    pdf.cell(width, 5, translate(language, "committee.pack_chart"))
    plot_top, plot_height = y + 7, height - 14
    amounts = [Decimal(amount) for amount in history["open_balance_amount"]]
    top = max([*amounts, Decimal(limit or 0), Decimal(1)])
    pdf.set_draw_color(150, 150, 150)
    pdf.line(x, plot_top + plot_height, x + width, plot_top + plot_height)
    if amounts:
        slot = width / len(amounts)
        pdf.set_fill_color(*_BAR)
        pdf.set_font(_FONT, size=6)
        for index, (amount, month_end) in enumerate(zip(amounts, history["as_of_date"])):
            bar = float(max(amount, Decimal(0)) / top) * plot_height
            left = x + index * slot + slot * 0.15
            if bar > 0:
                pdf.rect(left, plot_top + plot_height - bar, slot * 0.7, bar, style="F")
            pdf.set_xy(x + index * slot, plot_top + plot_height + 0.5)
            pdf.cell(slot, 3.5, formatting.month(month_end, language), align="C")
    if limit is not None:
        level = plot_top + plot_height - float(Decimal(limit) / top) * plot_height
        pdf.set_draw_color(*_LIMIT)
        pdf.set_line_width(0.5)
        pdf.line(x, level, x + width, level)
        pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_font(_FONT, size=6.5)
    pdf.set_xy(x, plot_top - 1.5)
    pdf.cell(width, 3, formatting.money(top, currency, language), align="R")


def _decision_table(pdf: _PackDocument, decisions: Sequence[Decision], language: str) -> None:
    pdf.set_font(_FONT, "B", 9.5)
    pdf.cell(0, 6, translate(language, "committee.decisions"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=8)
    if not decisions:
        pdf.cell(0, 5, translate(language, "committee.no_decisions"), new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(
        col_widths=(22, 22, 40, 30, 22, 141),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=_GREY), line_height=4.5,
    ) as table:
        table.row([
            translate(language, "committee.col_meeting"), translate(language, "committee.col_by"),
            translate(language, "committee.col_action"), translate(language, "committee.col_new_limit"),
            translate(language, "committee.col_next_review"), translate(language, "committee.col_reason"),
        ])
        for decision in decisions:
            table.row(_decision_cells(decision, language))


def _decision_cells(decision: Decision, language: str) -> list[str]:
    return [
        formatting.short_date(decision.meeting_date, language),
        decision.decided_by,
        credit_texts.action_label(decision.action, language),
        "" if decision.new_limit is None else formatting.money(decision.new_limit, decision.currency, language),
        "" if decision.next_review_date is None else formatting.short_date(decision.next_review_date, language),
        decision.reason,
    ]


# ---------------------------------------------------------------- Excel


def meeting_pack_xlsx(pack: MeetingPack, language: str) -> bytes:
    """The pack as a workbook: the queue (one row per client, its figures, reasons and
    rationale as text), then the decisions (one row per decision). Typed cells."""
    money = currency_number_format(pack.currency, language)
    workbook = Workbook()
    queue = workbook.active
    queue.title = _sheet(translate(language, "committee.pack_queue_sheet"))
    headers = [
        translate(language, "committee.col_client_id"), translate(language, "committee.col_client"),
        translate(language, "committee.col_branch"), translate(language, "committee.col_salesperson"),
        *(label for label, _, _ in figures(_EMPTY_ROW, pack.currency, language)),
        translate(language, "committee.col_reasons"), translate(language, "committee.rationale_title"),
    ]
    _heading(queue, headers)
    for row in pack.queue.to_dict("records"):
        cells = [row["client_id"], row["client_name"], row["branch"], row["salesperson"]]
        formats = [None, None, None, None]
        for _, value, kind in figures(row, pack.currency, language):
            cell, number_format = _typed(row, value, kind, money, language)
            cells.append(cell)
            formats.append(number_format)
        cells += ["\n".join(credit_texts.review_reasons(row, pack.currency, language)),
                  credit_texts.rationale(row, pack.currency, language)]
        formats += [None, None]
        _append(queue, cells, formats)
    history = workbook.create_sheet(_sheet(translate(language, "committee.pack_history_sheet")))
    _heading(history, [
        translate(language, "committee.col_client_id"), translate(language, "committee.col_recorded_at"),
        translate(language, "committee.col_meeting"), translate(language, "committee.col_by"),
        translate(language, "committee.col_action"), translate(language, "committee.col_new_limit"),
        translate(language, "committee.form_currency"), translate(language, "committee.col_next_review"),
        translate(language, "committee.col_reason"),
    ])
    for client_id in pack.queue["client_id"]:
        for decision in pack.decisions.get(client_id, ()):
            limit_format = None if decision.currency is None else currency_number_format(decision.currency, language)
            _append(history, [
                client_id, decision.decided_at, decision.meeting_date, decision.decided_by,
                credit_texts.action_label(decision.action, language), decision.new_limit, decision.currency,
                decision.next_review_date, decision.reason,
            ], [None, DATETIME_FORMAT, DATE_FORMAT, None, None, limit_format, None, DATE_FORMAT, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_EMPTY_ROW = {
    name: None for name in (
        "exposure_amount", "credit_limit_amount", "erp_credit_limit_amount", "utilisation_pct", "days_in_breach",
        "recommended_limit_amount", "grade", "previous_grade", "overdue_amount", "in_dispute_amount",
        "revenue_share_pct",
    )
}


def _typed(row: Mapping, value: object, kind: str, money_format: str, language: str) -> tuple[object, str | None]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None, None
    if kind == "money":
        return Decimal(value), money_format
    if kind in ("limit", "erp_limit"):
        currency = row["credit_limit_currency_code" if kind == "limit" else "erp_credit_limit_currency_code"]
        return Decimal(value), currency_number_format(currency, language)
    if kind == "points":
        return Decimal(value) * Decimal("0.01"), PERCENT_FORMAT
    if kind == "days":
        return int(value), None
    return value, None


def _heading(sheet, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def _append(sheet, values: list[object], formats: list[str | None]) -> None:
    sheet.append([value.replace(tzinfo=None) if isinstance(value, datetime) else value for value in values])
    for cell, number_format in zip(sheet[sheet.max_row], formats):
        if number_format is not None:
            cell.number_format = number_format
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _sheet(title: str) -> str:
    return "".join(" " if character in '[]:*?/\\' else character for character in title)[:31]
