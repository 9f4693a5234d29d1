import io

import openpyxl

from .sheet import Sheet, SheetRow, UnreadableFile, split_header

# Numbers typed as text in a workbook follow the comma-delimited CSV convention.
_XLSX_TEXT_DECIMAL_SEPARATOR = "."


def read_xlsx_sheet(data: bytes) -> Sheet:
    """The first sheet; cached formula results, never formulas."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            worksheet = workbook.worksheets[0]
            # Writers often leave a wrong <dimension>, which would make read-only mode stop early.
            worksheet.reset_dimensions()
            rows = [
                SheetRow(row_number, list(values))
                for row_number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
            ]
        finally:
            workbook.close()
    # openpyxl reports damaged workbooks through many unrelated exception types
    # (BadZipFile, KeyError, ValueError, XML parse errors...), all meaning the same here.
    except Exception as exc:
        reason = f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        raise UnreadableFile(reason) from None
    return split_header(rows, _XLSX_TEXT_DECIMAL_SEPARATOR)
