from dataclasses import dataclass

MAX_ERRORS = 1000


@dataclass(frozen=True)
class FieldError:
    """One problem in an export.

    `line` is the 1-based physical line (CSV) or sheet row (xlsx); 0 means the file as a
    whole. `column` is the contract column name, "" for file-level problems.
    """

    line: int
    column: str
    value: str
    reason: str

    def describe(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        if self.column:
            where += f", column {self.column}"
        if self.value:
            where += f", value {self.value!r}"
        return f"{where}: {self.reason}"


class ExportError(Exception):
    """An export rejected whole, with every problem found in it."""

    def __init__(self, file_name: str, errors: list[FieldError]) -> None:
        # Both go to Exception.args so the error survives pickling between processes.
        super().__init__(file_name, errors)
        self.file_name = file_name
        self.errors = errors

    def __str__(self) -> str:
        first = self.errors[0].describe() if self.errors else "no details"
        return f"{self.file_name} rejected, {len(self.errors)} problem(s); first: {first}"

    def report(self) -> str:
        lines = [
            f"{self.file_name} was rejected whole; nothing of it was loaded.",
            f"{len(self.errors)} problem(s):",
        ]
        lines.extend(f"  {error.describe()}" for error in self.errors)
        return "\n".join(lines)


class ProblemLog:
    """Collects problems while a file is read, up to MAX_ERRORS."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    @property
    def full(self) -> bool:
        return len(self.errors) > MAX_ERRORS

    def add(self, line: int, column: str, value: str, reason: str) -> None:
        if self.full:
            return
        if len(self.errors) == MAX_ERRORS:
            # Recorded as a problem of its own so the report says the list is incomplete.
            self.errors.append(
                FieldError(0, "", "", f"more than {MAX_ERRORS} problems; the rest were not listed")
            )
            return
        self.errors.append(FieldError(line, column, value, reason))

    def raise_if_any(self, file_name: str) -> None:
        if self.errors:
            # Found per check (cells, then rules across rows); the report reads by line.
            raise ExportError(file_name, sorted(self.errors, key=lambda error: error.line))
