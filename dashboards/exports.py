"""A table as the files it downloads as: CSV in the user's locale and typed Excel (.xlsx).

Both files hold the same rows: the as-of date the figures answer for as the first column,
then every column of the table (ids included) under the headers the user reads. Shares are
fractions in the table (0.253) and percentages in the files (25,30 % / a cell formatted as a
percentage), never raw ratios.

CSV: Spanish uses `;` and a decimal comma, which Spanish Excel opens as numbers; English
uses `,` and a decimal point. Money has no grouping symbol (a grouping dot would read as a
decimal point in the other locale), exact to the cent; dates are ISO (2026-03-31), which
every spreadsheet reads as a date whatever its locale. UTF-8 with a byte-order mark, so
spreadsheet programs read the accents.

Excel: money cells are numbers with the currency's number format, dates are dates, shares
are percentages. Excel holds numbers as doubles (15 significant digits): amounts below 10^13
are exact to the cent, which is what a company's receivables are.
"""

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from pathlib import PurePath

import pandas as pd
import streamlit as st
from babel import Locale
from babel.numbers import get_currency_symbol
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dashboards.formatting import LOCALES
from dashboards.i18n import translate

CSV_DELIMITERS = {"es": ";", "en": ","}
DECIMAL_SYMBOLS = {"es": ",", "en": "."}
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT_FORMAT = "0.00%"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_COLUMN_WIDTH = 60


@dataclass(frozen=True)
class TableExport:
    """What a table's files need: the table (headers already translated), which of its
    columns are money (in `currency_code`, or in each row's currency read from
    `currency_column` for `row_money_columns`), shares (fractions, `percent_columns`) and
    percentages held as 0-100 (`points_columns`), the language, the as-of date, and the
    file name without extension."""

    table: pd.DataFrame
    money_columns: tuple[str, ...]
    percent_columns: tuple[str, ...]
    currency_code: str | None
    language: str
    as_of: date
    file_stem: str
    points_columns: tuple[str, ...] = ()
    row_money_columns: tuple[str, ...] = ()
    currency_column: str | None = None
    all_rows: Callable[[], pd.DataFrame] | None = None
    """For a table that shows one page of a long list: every row of it, read when a file
    is built (headers translated as `table`'s)."""

    def rows(self) -> pd.DataFrame:
        """What the files hold: every row (`all_rows`, read now) or the table."""
        return self.table if self.all_rows is None else self.all_rows()

    @property
    def csv_name(self) -> str:
        return f"{self.file_stem}.csv"

    @property
    def xlsx_name(self) -> str:
        return f"{self.file_stem}.xlsx"


def file_stem(file_name: str) -> str:
    """'top_overdue_clients_2026-03-31.csv' -> 'top_overdue_clients_2026-03-31'."""
    return PurePath(file_name).stem if PurePath(file_name).suffix else file_name


def with_as_of(export: TableExport) -> pd.DataFrame:
    """The rows both files hold: the as-of date first, then the table's columns."""
    language = export.language
    header = translate(language, "export.as_of")
    rows = export.rows().reset_index(drop=True)
    return pd.concat([pd.DataFrame({header: [export.as_of] * len(rows)}), rows], axis=1)


def csv_bytes(export: TableExport) -> bytes:
    """The table as CSV in the user's locale (see the module's docstring)."""
    language = export.language
    rows = with_as_of(export)
    money = set(export.money_columns) | set(export.row_money_columns)
    shares = set(export.percent_columns)
    points = set(export.points_columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITERS[language], lineterminator="\r\n")
    writer.writerow(rows.columns)
    for record in rows.itertuples(index=False):
        writer.writerow(
            _csv_cell(value, column in money, column in shares, column in points, language)
            for column, value in zip(rows.columns, record)
        )
    return buffer.getvalue().encode("utf-8-sig")


def _csv_cell(
    value: object, is_money: bool, is_share: bool, is_points: bool, language: str
) -> str:
    if _is_missing(value):
        return ""
    if is_share or is_points:
        points = Decimal(str(value)) * (100 if is_share else 1)
        return _decimal_text(points.quantize(Decimal("0.01")), language) + "%"
    if is_money:
        return _decimal_text(Decimal(str(value)).quantize(Decimal("0.01")), language)
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Decimal, float)):
        return _decimal_text(Decimal(str(value)), language)
    return str(value)


def _decimal_text(amount: Decimal, language: str) -> str:
    return format(amount, "f").replace(".", DECIMAL_SYMBOLS[language])


def xlsx_bytes(export: TableExport) -> bytes:
    """The table as an Excel workbook of one sheet, cells typed (see the module's docstring)."""
    rows = with_as_of(export)
    money = set(export.money_columns)
    row_money = set(export.row_money_columns)
    shares = set(export.percent_columns)
    points = set(export.points_columns)
    language = export.language
    money_format = (
        currency_number_format(export.currency_code, language) if export.currency_code else None
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(export.file_stem)
    sheet.append(list(rows.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for record in rows.itertuples(index=False):
        sheet.append([
            _xlsx_value(value, column in money or column in row_money, column in points)
            for column, value in zip(rows.columns, record)
        ])
    if row_money:
        row_formats = [
            currency_number_format(code, language) if isinstance(code, str) else None
            for code in rows[export.currency_column]
        ]
    for index, column in enumerate(rows.columns, start=1):
        if column in row_money:
            cells = sheet.iter_rows(min_row=2, min_col=index, max_col=index)
            for (cell,), number_format in zip(cells, row_formats):
                if number_format is not None:
                    cell.number_format = number_format
        number_format = (
            money_format if column in money
            else PERCENT_FORMAT if column in shares or column in points
            else DATETIME_FORMAT if _is_instance_column(rows[column], datetime)
            else DATE_FORMAT if _is_instance_column(rows[column], date)
            else None
        )
        if number_format is not None:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
        sheet.column_dimensions[get_column_letter(index)].width = _width(rows[column], column)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_buttons(export: TableExport, key: str | None = None) -> None:
    """The CSV and Excel buttons under a table; each file is built only when clicked.
    `key` tells apart two tables of a page with the same file name."""
    language = export.language
    key = key or export.file_stem
    files = (
        ("csv", translate(language, "table.download_csv"), partial(csv_bytes, export), export.csv_name,
         "text/csv", ":material/download:"),
        ("xlsx", translate(language, "table.download_xlsx"), partial(xlsx_bytes, export), export.xlsx_name,
         XLSX_MIME, ":material/table_view:"),
    )
    with st.container(horizontal=True):
        for kind, label, data, file_name, mime, icon in files:
            st.download_button(
                label,
                data=data,
                file_name=file_name,
                mime=mime,
                icon=icon,
                on_click="ignore",
                key=f"{key}_{kind}",
            )


def _xlsx_value(value: object, is_money: bool, is_points: bool) -> object:
    if _is_missing(value):
        return None
    if is_points:  # 41.2345 (0-100) -> 0.412345, shown by Excel as a percentage
        return Decimal(str(value)) * Decimal("0.01")
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if is_money:
        # Written as the shortest text of the nearest double: 1234.56, never 1234.5599….
        return Decimal(str(value))
    if hasattr(value, "item"):  # numpy scalars -> Python numbers openpyxl knows
        return value.item()
    return value


@cache
def currency_number_format(currency_code: str, language: str) -> str:
    """Excel's number format for money in the locale's currency pattern, with the symbol
    quoted: es '#,##0.00 "€"', en '"€"#,##0.00' (Excel shows the user's own separators)."""
    locale = LOCALES[language]
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    symbol = get_currency_symbol(currency_code, locale=locale).replace('"', "")
    return pattern.replace("\u00a0", " ").replace("¤", f'"{symbol}"')


def _is_instance_column(column: pd.Series, kind: type) -> bool:
    values = column.dropna()
    return not values.empty and all(isinstance(value, kind) for value in values)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _width(column: pd.Series, header: str) -> float:
    longest = max([len(str(header)), *(len(str(value)) for value in column.head(200))])
    return min(longest + 2, _MAX_COLUMN_WIDTH)


def _sheet_title(stem: str) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if character in '[]:*?/\\' else character for character in stem)
    return cleaned[:31] or "Sheet1"
