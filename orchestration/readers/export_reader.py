from collections.abc import Callable
from pathlib import PurePath

from .contract import CONTRACT, ENTITIES
from .csv_sheet import read_csv_sheet
from .errors import ExportError, FieldError, ProblemLog
from .fx_rates import read_fx_rates
from .sheet import Sheet, UnreadableFile
from .typed_rows import read_typed_rows, unknown_columns
from .xlsx_sheet import read_xlsx_sheet

_SHEET_READERS: dict[str, Callable[[bytes], Sheet]] = {
    ".csv": read_csv_sheet,
    ".xlsx": read_xlsx_sheet,
}


def read_export(entity: str, file_name: str, data: bytes, warnings: list[FieldError] | None = None) -> list[dict]:
    """The rows of one export, typed per the contract, each with its "_line_number".

    Raises ExportError listing every problem when anything in the file is invalid:
    a file is loaded whole or not at all. A header alone is a valid export of no rows
    (a day without receipts). What is worth telling but loads anyway (columns the
    contract does not know: schema drift) is appended to `warnings` when given.
    """
    if entity not in CONTRACT:
        raise ValueError(f"unknown entity {entity!r}; expected one of {', '.join(ENTITIES)}")
    problems = ProblemLog()
    try:
        sheet = _read_sheet(file_name, data)
    except UnreadableFile as exc:
        problems.add(exc.line, "", "", exc.reason)
        raise ExportError(file_name, problems.errors) from None
    if entity == "fx_rates":
        rows = read_fx_rates(sheet, problems)
    else:
        rows = read_typed_rows(CONTRACT[entity], sheet, problems)
        if warnings is not None:
            warnings.extend(unknown_columns(CONTRACT[entity], sheet.header))
    problems.raise_if_any(file_name)
    return rows


def _read_sheet(file_name: str, data: bytes) -> Sheet:
    extension = PurePath(file_name).suffix.lower()
    if extension not in _SHEET_READERS:
        raise UnreadableFile(
            f"unsupported file type {extension or '(no extension)'!r}; expected .csv or .xlsx"
        )
    return _SHEET_READERS[extension](data)
