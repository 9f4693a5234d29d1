"""A table's downloads parsed back: CSV in the user's locale, typed Excel cells, exact cents."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboards.exports import (
    TableExport,
    csv_bytes,
    currency_number_format,
    file_stem,
    xlsx_bytes,
)

AS_OF = date(2026, 3, 31)


def client_table(headers: dict[str, str]) -> pd.DataFrame:
    """Two clients as a page shows them; overdue shares of a total overdue of 1235.00 + 0.10
    + 999999999999.99 would be ratios like these (an unrounded share is what a page holds)."""
    return pd.DataFrame(
        {
            headers["id"]: ["C0042", "C0007"],
            headers["client"]: ["Hostelería Sol S.L.", "Almacenes Duero; \"Norte\""],
            headers["branch"]: ["Málaga", None],
            headers["overdue"]: [Decimal("1234.56"), Decimal("-0.10")],
            headers["large"]: [Decimal("987654321098.76"), Decimal("0.00")],
            headers["share"]: [0.11627735383415919, 0.5],
            headers["due"]: [date(2026, 1, 15), None],
            headers["days"]: [75, 0],
        }
    )


ES = {"id": "Id. cliente", "client": "Cliente", "branch": "Sucursal", "overdue": "Vencido",
      "large": "Saldo", "share": "Parte del vencido", "due": "Vencimiento", "days": "Días"}
EN = {"id": "Client id", "client": "Client", "branch": "Branch", "overdue": "Overdue",
      "large": "Balance", "share": "Share of overdue", "due": "Due date", "days": "Days"}


def export_of(headers: dict[str, str], language: str) -> TableExport:
    return TableExport(
        table=client_table(headers),
        money_columns=(headers["overdue"], headers["large"]),
        percent_columns=(headers["share"],),
        currency_code="EUR",
        language=language,
        as_of=AS_OF,
        file_stem="top_overdue_clients_2026-03-31",
    )


def read_csv(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_spanish_csv_uses_semicolons_decimal_commas_and_percentages():
    """Money with a decimal comma and no grouping, exact to the cent; shares as percentages with two decimals: 0.11627735... -> 11,63 %; the as-of
    date and the ids are in every row; a name with `;` and quotes is quoted."""
    rows = read_csv(csv_bytes(export_of(ES, "es")), ";")

    assert rows == [
        ["Fecha de corte", "Id. cliente", "Cliente", "Sucursal", "Vencido", "Saldo",
         "Parte del vencido", "Vencimiento", "Días"],
        ["2026-03-31", "C0042", "Hostelería Sol S.L.", "Málaga", "1234,56",
         "987654321098,76", "11,63%", "2026-01-15", "75"],
        ["2026-03-31", "C0007", 'Almacenes Duero; "Norte"', "", "-0,10", "0,00", "50,00%",
         "", "0"],
    ]


def test_english_csv_uses_commas_and_decimal_points():
    rows = read_csv(csv_bytes(export_of(EN, "en")), ",")

    assert rows[0][:2] == ["As-of date", "Client id"]
    assert rows[1] == ["2026-03-31", "C0042", "Hostelería Sol S.L.", "Málaga", "1234.56",
                       "987654321098.76", "11.63%", "2026-01-15", "75"]
    assert rows[2][4:7] == ["-0.10", "0.00", "50.00%"]


@pytest.mark.parametrize(("headers", "language"), [(ES, "es"), (EN, "en")])
def test_excel_cells_are_typed_with_headers_in_the_language(headers, language):
    """Money is a number to the cent under a currency format, dates are dates, shares are
    fractions under a percentage format (Excel shows 11.63 %), the header row translated."""
    sheet = load_workbook(io.BytesIO(xlsx_bytes(export_of(headers, language)))).active
    rows = list(sheet.iter_rows())
    as_of_header = {"es": "Fecha de corte", "en": "As-of date"}[language]

    assert [cell.value for cell in rows[0]] == [as_of_header, *headers.values()]
    assert sheet.title == "top_overdue_clients_2026-03-31"[:31]
    first, second = rows[1], rows[2]
    # as-of date and due date: real dates with a date format
    assert first[0].value == datetime(2026, 3, 31) and first[0].is_date
    assert first[7].value == datetime(2026, 1, 15) and first[7].is_date
    assert second[7].value is None
    # ids and names as text
    assert [first[1].value, first[2].value, first[3].value] == ["C0042", "Hostelería Sol S.L.", "Málaga"]
    assert second[3].value is None
    # money: numbers, exact to the cent, currency format
    money_format = currency_number_format("EUR", language)
    assert Decimal(str(first[4].value)) == Decimal("1234.56")
    assert Decimal(str(second[4].value)) == Decimal("-0.10")
    assert isinstance(first[4].value, (int, float))
    assert first[4].number_format == second[4].number_format == money_format
    assert "€" in money_format and "0.00" in money_format
    assert Decimal(str(first[5].value)) == Decimal("987654321098.76")
    assert first[5].number_format == money_format
    # shares: the fraction, shown as a percentage
    assert first[6].value == pytest.approx(0.11627735383415919)
    assert first[6].number_format == second[6].number_format == "0.00%"
    assert [first[8].value, second[8].value] == [75, 0]


def test_excel_writes_money_as_its_exact_digits():
    """The sheet's XML holds 1234.56 and 987654321098.76 as written. Excel keeps numbers
    as doubles (15 significant digits), so amounts up to 10^13 are exact to the cent."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(export_of(ES, "es")))) as workbook:
        sheet_xml = workbook.read("xl/worksheets/sheet1.xml").decode()

    assert "<v>1234.56</v>" in sheet_xml
    assert "<v>987654321098.76</v>" in sheet_xml
    assert "<v>-0.1</v>" in sheet_xml


def test_currency_formats_follow_the_locale_pattern():
    assert currency_number_format("EUR", "es") == '#,##0.00 "€"'
    assert currency_number_format("EUR", "en") == '"€"#,##0.00'
    assert currency_number_format("USD", "en") == '"US$"#,##0.00'


def test_an_empty_table_still_has_its_headers():
    export = TableExport(
        table=pd.DataFrame({"Cliente": [], "Vencido": []}),
        money_columns=("Vencido",), percent_columns=(), currency_code="EUR",
        language="es", as_of=AS_OF, file_stem="vacio",
    )

    assert read_csv(csv_bytes(export), ";") == [["Fecha de corte", "Cliente", "Vencido"]]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(export))).active
    assert [cell.value for cell in next(sheet.iter_rows())] == [
        "Fecha de corte", "Cliente", "Vencido",
    ]


def test_file_stem_drops_the_extension_only():
    assert file_stem("top_overdue_clients_2026-03-31.csv") == "top_overdue_clients_2026-03-31"
    assert file_stem("extracto_C0042") == "extracto_C0042"


def test_money_in_each_rows_currency_and_percentages_held_as_points():
    """Row money takes its row's currency format; a 0-100 percentage (41.2345) is written
    as 41,23 % in the CSV and as the fraction 0.412345 under a percentage format in Excel."""
    export = TableExport(
        table=pd.DataFrame({
            "Moneda": ["EUR", "USD"],
            "Importe": [Decimal("10.50"), Decimal("2000.00")],
            "Cuota": [Decimal("41.2345"), Decimal("0.5000")],
        }),
        money_columns=(), percent_columns=(), currency_code=None, language="es",
        as_of=AS_OF, file_stem="mixto", points_columns=("Cuota",),
        row_money_columns=("Importe",), currency_column="Moneda",
    )

    assert read_csv(csv_bytes(export), ";")[1:] == [
        ["2026-03-31", "EUR", "10,50", "41,23%"],
        ["2026-03-31", "USD", "2000,00", "0,50%"],
    ]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(export))).active
    eur, usd = list(sheet.iter_rows(min_row=2))
    assert eur[2].number_format == currency_number_format("EUR", "es") == '#,##0.00 "€"'
    assert usd[2].number_format == currency_number_format("USD", "es") == '#,##0.00 "US$"'
    assert Decimal(str(usd[2].value)) == Decimal("2000.00")
    assert eur[3].value == pytest.approx(0.412345) and eur[3].number_format == "0.00%"


def test_a_table_showing_one_page_downloads_every_row_read_on_the_click():
    """The page shows the first of three clients; the files hold all three (10.50 +
    2000.00 + 0.01), read only when a file is built."""
    reads = []

    def every_row() -> pd.DataFrame:
        reads.append(1)
        return pd.DataFrame({
            "Cliente": ["Ebro", "Norte", "Sol"],
            "Vencido": [Decimal("10.50"), Decimal("2000.00"), Decimal("0.01")],
        })

    export = TableExport(
        table=every_row().iloc[:1], money_columns=("Vencido",), percent_columns=(),
        currency_code="EUR", language="es", as_of=AS_OF, file_stem="clientes",
        all_rows=every_row,
    )
    reads.clear()

    assert read_csv(csv_bytes(export), ";")[1:] == [
        ["2026-03-31", "Ebro", "10,50"],
        ["2026-03-31", "Norte", "2000,00"],
        ["2026-03-31", "Sol", "0,01"],
    ]
    sheet = load_workbook(io.BytesIO(xlsx_bytes(export))).active
    assert [row[1].value for row in sheet.iter_rows(min_row=2)] == ["Ebro", "Norte", "Sol"]
    assert len(reads) == 2  # once per file, on its click
