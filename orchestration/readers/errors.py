"""Problems found in an export, as the bookkeeper reads them.

A problem's reason is a message of the catalogue (dashboards/i18n: reader.json, and
bank_reader.json for the bank statement formats): a key and its arguments, worded where
it is shown, in the reader's language: the quarantine report in CARTERA_LANGUAGE's and,
from its JSON twin, on the data-quality page in the session's. A bank reader's note (what
it accepted but could not check) is a FieldError too, kept as raw.ingest_warnings' reason.
"""

from dataclasses import dataclass

from dashboards.i18n.messages import Message, message, render

MAX_ERRORS = 1000


@dataclass(frozen=True)
class FieldError:
    """One problem in an export.

    `line` is the 1-based physical line (CSV) or sheet row (xlsx); 0 means the file as a
    whole. `column` is the contract column name (in a bank file the record's field, or the
    XML element's path), "" for file-level problems. `message` says what is wrong with it
    (a catalogue message, or text).
    """

    line: int
    column: str
    value: str
    message: Message

    @property
    def reason(self) -> str:
        """What is wrong, in English (logs, tests)."""
        return render(self.message, "en")

    def as_message(self) -> Message:
        """Where and what: "line 5, column amount, value '-3': negative amount (...)"."""
        where = [message("reader.where_line", line=str(self.line)) if self.line else message("reader.where_file")]
        if self.column:
            where.append(message("reader.where_column", column=self.column))
        if self.value:
            where.append(message("reader.where_value", value=repr(self.value)))
        return message("reader.problem", where=where, reason=self.message)

    def describe(self, language: str = "en") -> str:
        return render(self.as_message(), language)


class ExportError(Exception):
    """An export rejected whole, with every problem found in it."""

    def __init__(self, file_name: str, errors: list[FieldError]) -> None:
        # Both go to Exception.args so the error survives pickling between processes.
        super().__init__(file_name, errors)
        self.file_name = file_name
        self.errors = errors

    def summary(self) -> Message:
        """The rejection in one line: the file, how many problems, the first."""
        first = self.errors[0].as_message() if self.errors else message("reader.no_details")
        return message("reader.rejected", file=self.file_name, count=len(self.errors), first=first)

    def __str__(self) -> str:
        return render(self.summary(), "en")

    def report_lines(self) -> list[Message]:
        """The quarantine report, a message per line."""
        return [
            message("reader.report_rejected", file=self.file_name),
            message("reader.report_count", count=len(self.errors)),
            *(message("reader.report_problem", problem=error.as_message()) for error in self.errors),
        ]

    def report(self, language: str = "en") -> str:
        return "\n".join(render(line, language) for line in self.report_lines())


class ProblemLog:
    """Collects problems while a file is read, up to MAX_ERRORS."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    @property
    def full(self) -> bool:
        return len(self.errors) > MAX_ERRORS

    def add(self, line: int, column: str, value: str, reason: Message) -> None:
        if self.full:
            return
        if len(self.errors) == MAX_ERRORS:
            # Recorded as a problem of its own so the report says the list is incomplete.
            self.errors.append(FieldError(0, "", "", message("reader.too_many_problems", count=str(MAX_ERRORS))))
            return
        self.errors.append(FieldError(line, column, value, reason))

    def raise_if_any(self, file_name: str) -> None:
        if self.errors:
            # Found per check (cells, then rules across rows); the report reads by line.
            raise ExportError(file_name, sorted(self.errors, key=lambda error: error.line))
