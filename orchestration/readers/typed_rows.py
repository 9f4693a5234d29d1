"""The rows of a sheet typed and checked against one entity of the contract."""

from .contract import Entity
from .duplicate_keys import report_duplicate_keys
from .errors import FieldError, ProblemLog
from .row_rules import ROW_RULES
from .sheet import Sheet, SheetRow
from .values import InvalidValue, cell_text, parse_cell


def read_typed_rows(entity: Entity, sheet: Sheet, problems: ProblemLog) -> list[dict]:
    positions = _column_positions(entity, sheet.header, problems)
    header_width = _named_width(sheet.header)
    typed_rows: list[dict] = []
    complete_key_rows: list[dict] = []
    for row in sheet.rows:
        if problems.full:
            break
        _report_values_beyond_header(row, header_width, problems)
        typed, failed = _typed_row(entity, row, positions, sheet.decimal_separator, problems)
        for rule in ROW_RULES.get(entity.name, ()):
            if failed.isdisjoint(rule.columns) and (violation := rule.check(typed)):
                problems.add(
                    row.line,
                    violation.column,
                    cell_text(row.cell(positions.get(violation.column))),
                    violation.reason,
                )
        typed_rows.append(typed)
        if failed.isdisjoint(entity.key):
            complete_key_rows.append(typed)
    report_duplicate_keys(complete_key_rows, entity.key, problems)
    return typed_rows


def _column_positions(entity: Entity, header: SheetRow, problems: ProblemLog) -> dict[str, int]:
    """Where each contract column sits; reports missing required and repeated columns."""
    wanted = set(entity.column_names)
    positions: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        name = cell_text(cell).lower()
        if name not in wanted:
            continue
        if name in positions:
            problems.add(
                header.line,
                name,
                cell_text(cell),
                f"column appears twice (columns {positions[name] + 1} and {index + 1})",
            )
            continue
        positions[name] = index
    unknown = _unknown_names(entity, header)
    # A required column missing beside columns nobody knows is most often one renamed.
    hint = f" (the header has column(s) the contract does not know: {', '.join(unknown)}; renamed?)" if unknown else ""
    for column in entity.columns:
        if column.required and column.name not in positions:
            problems.add(header.line, column.name, "", f"required column missing{hint}")
    return positions


def unknown_columns(entity: Entity, header: SheetRow) -> list[FieldError]:
    """Schema drift: named header columns the contract does not know, one warning naming
    them all. They are not loaded; the file is not rejected for them."""
    unknown = _unknown_names(entity, header)
    if not unknown:
        return []
    return [
        FieldError(
            header.line,
            ", ".join(unknown),
            "",
            f"column(s) {', '.join(unknown)} are not in the {entity.name} contract and were not loaded (schema drift)",
        )
    ]


def _unknown_names(entity: Entity, header: SheetRow) -> list[str]:
    known = set(entity.column_names)
    return [cell_text(cell) for cell in header.cells if cell_text(cell) and cell_text(cell).lower() not in known]


def _typed_row(
    entity: Entity,
    row: SheetRow,
    positions: dict[str, int],
    decimal_separator: str,
    problems: ProblemLog,
) -> tuple[dict, set[str]]:
    typed: dict = {}
    failed: set[str] = set()
    for column in entity.columns:
        if column.required and column.name not in positions:
            # Already reported once for the header; not again on every row.
            typed[column.name] = None
            failed.add(column.name)
            continue
        cell = row.cell(positions.get(column.name))
        try:
            typed[column.name] = parse_cell(column, cell, decimal_separator)
        except InvalidValue as exc:
            typed[column.name] = None
            failed.add(column.name)
            problems.add(row.line, column.name, cell_text(cell), exc.reason)
    typed["_line_number"] = row.line
    return typed, failed


def _named_width(header: SheetRow) -> int:
    named = [index for index, cell in enumerate(header.cells) if cell_text(cell)]
    return named[-1] + 1 if named else 0


def _report_values_beyond_header(row: SheetRow, header_width: int, problems: ProblemLog) -> None:
    """Data past the last named column usually means a delimiter inside an unquoted value."""
    extra = [cell_text(cell) for cell in row.cells[header_width:] if cell_text(cell)]
    if extra:
        problems.add(
            row.line,
            "",
            extra[0],
            f"{len(extra)} value(s) beyond the last named column; "
            "is a value containing the delimiter left unquoted?",
        )
