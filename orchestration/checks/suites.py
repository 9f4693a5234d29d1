"""The Great Expectations suites of the raw tables, as code: one `Suite` per table read,
each expectation a `Check` naming its GX Core class, its arguments and its severity.

They are plain data, so that defining the Dagster checks (and deciding that a cached
result still holds) never imports great_expectations; orchestration/checks/runner.py
turns them into `gx.ExpectationSuite`s when a table really has to be validated.

Severity, the rule of issue 14: bad data is caught at ingestion, where the loader
quarantines the whole file with a report; these checks are the second line that tells
the bookkeeper what reached raw anyway (a table made by an older loader, a file loaded
before a rule existed, a row the contract lets through). A check is ERROR, and blocks the
dbt build and the publish, only where a failure means the published figures would be
wrong; everything that leaves the figures right but worth a look is WARN.
"""

from dataclasses import dataclass
from enum import Enum

from orchestration.readers.contract import CONTRACT, Kind

# Expectation parameters the runner fills at validation time: the suites stay the same
# while the tables change.
ISO_CURRENCY_CODES = "iso_currency_codes"
EXPECTED_COLUMNS = "expected_columns"  # "name TYPE" of the table as the loader creates it

# A money value has at most two decimals: a DECIMAL(18, 2) prints as 12.30, a value with
# more precision (a DOUBLE 0.30000000000000004, a DECIMAL(18, 3) 1.005) does not match.
# Trailing zeros are allowed, so 1.500 in a wider decimal is still a value to the cent.
TWO_DECIMALS = r"^-?\d+(?:\.\d{1,2})?0*$"

# Below this share of valid tax ids among the checked ones, the clients export is more
# likely a wrong column or an unvalidated system than a few typos.
VALID_TAX_ID_SHARE = 0.95


class Severity(Enum):
    ERROR = "ERROR"  # blocks: the dbt build and the publish do not run
    WARN = "WARN"  # reported in the refresh summary, the UI and raw.data_quality_results


@dataclass(frozen=True)
class Lookup:
    """A column whose ids must be ids of another table. The runner looks them up in DuckDB
    as it reads the frame, into a column `unknown_<column>`: the id where `table` has no
    such `key`, else null. GX then checks that column is null, so it never holds a list
    of ids (a value_set of 450,000 ids that GX re-serialises for every metric), and an
    unexpected value is still the unknown id, with its file and line."""

    column: str
    table: str
    key: str

    @property
    def derived(self) -> str:
        return f"unknown_{self.column}"


@dataclass(frozen=True)
class Check:
    name: str  # the Dagster asset check's name, unique over all suites
    expectation: str  # a class of gx.expectations
    arguments: tuple[tuple[str, object], ...]
    severity: Severity
    description: str  # what a failure means, in the bookkeeper's words
    lookup: Lookup | None = None  # where the checked column is derived from an id lookup

    @property
    def kwargs(self) -> dict[str, object]:
        return {key: list(value) if isinstance(value, tuple) else value for key, value in self.arguments}

    @property
    def columns(self) -> tuple[str, ...]:
        kwargs = self.kwargs
        named = [kwargs.get(key) for key in ("column", "column_A", "column_B")]
        return tuple(name for name in [*named, *kwargs.get("column_list", ())] if name)

    def sample_name(self, column: str) -> str:
        """The column as the export names it: an unknown id is reported as the id."""
        return self.lookup.column if self.lookup and column == self.lookup.derived else column


@dataclass(frozen=True)
class Suite:
    """The checks of one table of the build database, reported on one Dagster asset.
    `index_columns` are read with the checked columns to say where an unexpected value
    is; `depends_on` are the other tables whose ids the checks look up."""

    table: str
    asset: tuple[str, ...]
    index_columns: tuple[str, ...]
    checks: tuple[Check, ...]
    depends_on: tuple[str, ...] = ()

    @property
    def row_checks(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.expectation != SCHEMA_EXPECTATION)

    @property
    def schema_checks(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if check.expectation == SCHEMA_EXPECTATION)

    @property
    def read_columns(self) -> tuple[str, ...]:
        """Only the columns some check needs, so a large table is read in bounded memory."""
        names = [*self.index_columns, *(column for check in self.row_checks for column in check.columns)]
        return tuple(dict.fromkeys(names))


# The schema is checked on a frame of the table's catalogue entry, one row per column
# ("total DECIMAL(18,2)"), so the types are DuckDB's own, not pandas' reading of them.
SCHEMA_EXPECTATION = "ExpectColumnDistinctValuesToContainSet"
REGEX_EXPECTATION = "ExpectColumnValuesToMatchRegex"
SCHEMA_COLUMN = "column_and_type"
FILE_INDEX = ("_file_id", "_line_number")


def _check(
    name: str, expectation: str, severity: Severity, description: str, *,
    lookup: Lookup | None = None, **arguments: object,
) -> Check:
    frozen = {key: tuple(value) if isinstance(value, list) else value for key, value in arguments.items()}
    return Check(name, expectation, tuple(sorted(frozen.items())), severity, description, lookup)


def _columns_and_types(table: str) -> Check:
    # ERROR: dbt's staging selects these columns by name and type; a missing column or a
    # money column that is not DECIMAL(18, 2) (a table left by an older loader, which
    # `create table if not exists` does not migrate) would build wrong figures or none.
    return _check(
        f"{table}_columns_and_types", SCHEMA_EXPECTATION, Severity.ERROR,
        f"raw.{table} has every column the loader writes, with its type",
        column=SCHEMA_COLUMN, value_set={"$PARAMETER": EXPECTED_COLUMNS},
    )


# How staging reads a table decides what a duplicate key within one file does to the
# figures. latest_version() keeps one row per key, the last line of the latest file: a
# duplicate loses a line but counts nothing twice (WARN). latest_file() (installments,
# allocations) and the bank lines' movement numbering keep every row of a file: a
# duplicate counts its amount twice (ERROR).
_KEEPS_EVERY_ROW_OF_A_FILE = frozenset({"installments", "allocations", "bank_statement_lines"})

# ERROR for a null key: rows without their key collapse into one in latest_version() (the
# others' amounts are lost) or cannot be applied to anything. Except fx_rates (WARN): a
# rate without its date or currency is never used in a conversion, the others still are.
_NULL_KEY_WARNS = frozenset({"fx_rates"})


def _not_null(table: str, column: str) -> Check:
    return _check(
        f"{table}_{column}_not_null", "ExpectColumnValuesToNotBeNull",
        Severity.WARN if table in _NULL_KEY_WARNS else Severity.ERROR,
        f"every {table} row has a {column}",
        column=column,
    )


def _unique_per_file(table: str, key: tuple[str, ...]) -> Check:
    return _check(
        f"{table}_unique_per_file", "ExpectCompoundColumnsToBeUnique",
        Severity.ERROR if table in _KEEPS_EVERY_ROW_OF_A_FILE else Severity.WARN,
        f"each {' + '.join(key)} appears once per {table} export file",
        column_list=("_file_id", *key),
    )


def _two_decimals(table: str, column: str) -> Check:
    # WARN: a money column that is not DECIMAL(18, 2) already fails the ERROR schema
    # check (only such a column can hold a fraction of a cent); this one names the rows
    # that do, so the bookkeeper can find them in the export.
    return _check(
        f"{table}_{column}_has_two_decimals", REGEX_EXPECTATION, Severity.WARN,
        f"{table}.{column} is money to the cent (two decimals)",
        column=column, regex=TWO_DECIMALS,
    )


def _iso_currency(table: str, column: str = "currency") -> Check:
    # WARN: the reader only checks three letters. A code ISO 4217 does not know (XYZ) is a
    # typo the bookkeeper should fix; its amounts stay in their own currency and the FX
    # step reports the missing rate, so the rest of the warehouse is right.
    return _check(
        f"{table}_{column}_is_iso_4217", "ExpectColumnValuesToBeInSet", Severity.WARN,
        f"{table}.{column} is an ISO 4217 currency code",
        column=column, value_set={"$PARAMETER": ISO_CURRENCY_CODES},
    )


def _known(table: str, column: str, of: str) -> Check:
    # WARN: the loader's cross-file rules quarantine an unknown reference before raw;
    # what still gets here (a file loaded before the rule, a clients file withdrawn later)
    # is listed for the bookkeeper, and the marts keep the row under its own id.
    lookup = Lookup(column, f"raw.{of}", column)
    return _check(
        f"{table}_{column}_is_known", "ExpectColumnValuesToBeNull", Severity.WARN,
        f"every {table}.{column} is in raw.{of}",
        lookup=lookup, column=lookup.derived,
    )


def _date_order(table: str, later: str, earlier: str) -> Check:
    # WARN: the reader rejects it row by row; an invoice due before it was issued is
    # still aged from its due date, so the figures hold, but the export is suspicious.
    return _check(
        f"{table}_{later}_on_or_after_{earlier}", "ExpectColumnPairValuesAToBeGreaterThanB", Severity.WARN,
        f"{table}.{later} is on or after {earlier}",
        column_A=later, column_B=earlier, or_equal=True,
    )


def _money_columns(entity: str) -> tuple[str, ...]:
    return tuple(column.name for column in CONTRACT[entity].columns if column.kind is Kind.MONEY)


def _contract_suite(entity: str, *extra: Check, depends_on: tuple[str, ...] = ()) -> Suite:
    contract = CONTRACT[entity]
    required_key = tuple(name for name in contract.key if next(c for c in contract.columns if c.name == name).required)
    checks = (
        _columns_and_types(entity),
        *(_not_null(entity, column) for column in required_key),
        _unique_per_file(entity, contract.key),
        *(_two_decimals(entity, column) for column in _money_columns(entity)),
        *(_iso_currency(entity, column.name) for column in contract.columns if column.kind is Kind.CURRENCY),
        *extra,
    )
    return Suite(f"raw.{entity}", ("raw", entity), FILE_INDEX, checks, depends_on)


_TAX_IDS = Suite(
    "raw.client_tax_id_checks",
    ("raw", "clients"),
    ("country", "tax_id", "reason"),
    (
        # WARN: an invalid tax id changes no figure; the committee and the bookkeeper
        # should see it. Unchecked countries (is_valid null) do not count either way.
        _check(
            "clients_tax_ids_mostly_valid", "ExpectColumnValuesToBeInSet", Severity.WARN,
            f"at least {VALID_TAX_ID_SHARE:.0%} of the checked client tax ids are valid",
            column="is_valid", value_set=(True,), mostly=VALID_TAX_ID_SHARE,
        ),
    ),
)

SUITES: tuple[Suite, ...] = (
    _contract_suite("clients"),
    _TAX_IDS,
    _contract_suite(
        "documents",
        _date_order("documents", "due_date", "issue_date"),
        _known("documents", "client_id", "clients"),
        depends_on=("raw.clients",),
    ),
    _contract_suite(
        "installments",
        _known("installments", "document_id", "documents"),
        depends_on=("raw.documents",),
    ),
    _contract_suite(
        "receipts",
        _known("receipts", "client_id", "clients"),
        depends_on=("raw.clients",),
    ),
    _contract_suite(
        "allocations",
        _known("allocations", "receipt_id", "receipts"),
        _known("allocations", "document_id", "documents"),
        depends_on=("raw.receipts", "raw.documents"),
    ),
    _contract_suite(
        "withholdings",
        _known("withholdings", "document_id", "documents"),
        depends_on=("raw.documents",),
    ),
    _contract_suite(
        "fx_rates",
        # ERROR: amounts are divided by the rate into the reporting currency; a zero or
        # negative rate would turn every amount of that day and currency into nonsense.
        _check(
            "fx_rates_rate_is_positive", "ExpectColumnValuesToBeBetween", Severity.ERROR,
            "every fx_rates.rate is above zero",
            column="rate", min_value=0, strict_min=True,
        ),
    ),
    Suite(
        "raw.bank_statements",
        ("raw", "bank_statements"),
        ("_file_id", "statement_id"),  # a statement has no line of its own
        (
            _columns_and_types("bank_statements"),
            _not_null("bank_statements", "statement_id"),
            _unique_per_file("bank_statements", ("statement_id",)),
            _two_decimals("bank_statements", "opening_balance"),
            _two_decimals("bank_statements", "closing_balance"),
            _iso_currency("bank_statements"),
            _date_order("bank_statements", "period_end", "period_start"),
        ),
    ),
    Suite(
        "raw.bank_statement_lines",
        ("raw", "bank_statement_lines"),
        FILE_INDEX,
        (
            _columns_and_types("bank_statement_lines"),
            _not_null("bank_statement_lines", "statement_id"),
            _not_null("bank_statement_lines", "line_number"),
            _unique_per_file("bank_statement_lines", ("statement_id", "line_number")),
            _two_decimals("bank_statement_lines", "amount"),
            _iso_currency("bank_statement_lines"),
        ),
    ),
)
