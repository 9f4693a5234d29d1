"""Great Expectations suites of the raw tables (orchestration/checks).

Two tiny build databases: `good`, one clean row per table, where every check passes; and
`bad`, the same rows plus one bad row (or a drifted column type) per expectation, where
every check fails and names the row: file, line, value. Then the cache (a refresh with no
new file reuses the stored result and never imports great_expectations), the blocking of
an ERROR check, the switch CARTERA_GX_CHECKS, and one real refresh.

Tax ids (worked out in tests/orchestration/test_tax_ids.py): 12345678Z and B50123454 are
valid Spanish ids, 12345678A and B50123455 have a wrong check character.
"""

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.checks import runner
from orchestration.checks.runner import RESULTS_TABLE, RunInfo, check_suite
from orchestration.checks.suites import SUITES, Severity
from orchestration.ingest.raw_tables import ensure_raw_schema
from orchestration.ingest.tax_ids import refresh_tax_id_checks

REPO = Path(__file__).resolve().parents[2]
RUN = RunInfo("test-run", None)
ALL_CHECKS = {check.name for suite in SUITES for check in suite.checks}
LOADED_AT = datetime(2025, 7, 1, 8, 0)


class Raw:
    """Writes rows into a raw table the way the loaders do: lineage from a named file."""

    def __init__(self, conn: duckdb.DuckDBPyConnection):
        self.conn = conn
        self.file_ids: dict[str, int] = {}
        self.lines: dict[tuple[str, str], int] = {}

    def file_id(self, file_name: str) -> int:
        if file_name not in self.file_ids:
            self.file_ids[file_name] = len(self.file_ids) + 1
            self.conn.execute(
                "insert into raw.file_registry (file_id, file_name, entity, sha256, size_bytes, row_count, status, "
                "message, seen_at) values (?, ?, 'test', ?, 1, 1, 'loaded', null, ?)",
                [self.file_ids[file_name], file_name, f"sha-{file_name}", LOADED_AT],
            )
        return self.file_ids[file_name]

    def add(self, table: str, file_name: str, **values: object) -> None:
        line = self.lines[table, file_name] = self.lines.get((table, file_name), 1) + 1
        lineage = {"_file_id": self.file_id(file_name), "_source_file": file_name, "_sha256": f"sha-{file_name}", "_loaded_at": LOADED_AT}
        if table != "bank_statements":
            lineage["_line_number"] = line
        row = {**values, **lineage}
        names = ", ".join(f'"{name}"' for name in row)
        self.conn.execute(f"insert into raw.{table} ({names}) values ({', '.join('?' * len(row))})", list(row.values()))


def _good_rows(raw: Raw) -> None:
    client = dict(legal_name="Talleres Ebro S.L.", country="ES", payment_terms_days=30, currency="EUR", updated_at=LOADED_AT)
    raw.add("clients", "clients.csv", client_id="C1", tax_id="12345678Z", credit_limit="5000.00", **client)
    raw.add("clients", "clients.csv", client_id="C2", tax_id="B50123454", credit_limit=None, **client)
    document = dict(type="invoice", client_id="C1", currency="EUR", status="issued", updated_at=LOADED_AT)
    raw.add(
        "documents", "documents.csv", document_id="D1", number="F-1", issue_date=date(2025, 1, 1),
        due_date=date(2025, 1, 31), net="100.00", tax="21.00", withholding="0.00", total="121.00", **document,
    )
    raw.add("installments", "installments.csv", document_id="D1", installment_no=1, due_date=date(2025, 1, 31), amount="121.00")
    raw.add("receipts", "receipts.csv", receipt_id="R1", client_id="C1", date=date(2025, 2, 1), currency="EUR", amount="121.00")
    raw.add("allocations", "allocations.csv", receipt_id="R1", document_id="D1", installment_no=1, amount="121.00")
    raw.add("withholdings", "withholdings.csv", document_id="D1", type="IRPF", amount="15.00", certificate_number="C-1", date=date(2025, 2, 1))
    raw.add("fx_rates", "fx_rates.csv", rate_date=date(2025, 1, 1), currency="USD", rate="1.0850")
    statement = dict(account="ES91", currency="EUR", period_start=date(2025, 2, 1), period_end=date(2025, 2, 28), line_count=1, format="n43")
    raw.add("bank_statements", "bank.n43", statement_id="S1", statement_number=1, opening_balance="0.00", closing_balance="121.00", **statement)
    line = dict(account="ES91", booking_date=date(2025, 2, 1), value_date=date(2025, 2, 1), currency="EUR")
    raw.add("bank_statement_lines", "bank.n43", statement_id="S1", line_number=1, amount="121.00", **line)


# Each bad row, and the expectation it breaks. Money columns become DOUBLE (as a table
# left by a loader that read floats would be), which breaks the table's schema check and
# lets a fraction of a cent in; NOT NULL constraints are dropped so a null can be written.
def _bad_rows(raw: Raw) -> None:
    conn = raw.conn
    for table, column in [
    ("clients", "credit_limit"), ("documents", "net"), ("documents", "tax"), ("documents", "withholding"),
    ("documents", "total"), ("installments", "amount"), ("receipts", "amount"), ("allocations", "amount"),
    ("withholdings", "amount"), ("fx_rates", "rate"), ("bank_statements", "opening_balance"),
    ("bank_statements", "closing_balance"), ("bank_statement_lines", "amount"),
    ]:
        conn.execute(f'alter table raw.{table} alter "{column}" type double')
    for table, column in [("bank_statements", "statement_id"), ("bank_statement_lines", "statement_id"), ("bank_statement_lines", "line_number")]:
        conn.execute(f"alter table raw.{table} alter {column} drop not null")

    client = dict(legal_name="X", country="ES", payment_terms_days=30, currency="EUR", updated_at=LOADED_AT)
    raw.add("clients", "clients_bad.csv", client_id="C1", tax_id="12345678A", credit_limit=10.005, **client)
    raw.add("clients", "clients_bad.csv", client_id="C1", tax_id="B50123455", credit_limit=1.0, **client)  # same key
    raw.add("clients", "clients_bad.csv", client_id=None, tax_id="12345678Z", **{**client, "currency": "XYZ"})
    raw.add("clients", "clients_bad.csv", client_id="C9", tax_id="12345678Z", **{**client, "updated_at": None})

    document = dict(type="invoice", number="F-9", client_id="C1", currency="EUR", status="issued", updated_at=LOADED_AT,
                    issue_date=date(2025, 3, 1), due_date=date(2025, 3, 31), net=1.0, tax=1.0, withholding=0.0, total=2.0)
    raw.add("documents", "documents_bad.csv", **{**document, "document_id": "D2", "net": 100.001, "tax": 21.0001})
    raw.add("documents", "documents_bad.csv", **{**document, "document_id": "D2", "withholding": 0.005, "total": 121.009})
    raw.add("documents", "documents_bad.csv", **{**document, "document_id": None})
    raw.add("documents", "documents_bad.csv", **{**document, "document_id": "D4", "updated_at": None})
    raw.add("documents", "documents_bad.csv", **{**document, "document_id": "D5", "due_date": date(2025, 2, 1)})
    raw.add("documents", "documents_bad.csv", **{**document, "document_id": "D6", "currency": "XYZ", "client_id": "C404"})

    raw.add("installments", "installments_bad.csv", document_id="D404", installment_no=1, due_date=date(2025, 3, 1), amount=0.001)
    raw.add("installments", "installments_bad.csv", document_id="D404", installment_no=1, due_date=date(2025, 3, 1), amount=1.0)
    raw.add("installments", "installments_bad.csv", document_id=None, installment_no=None, due_date=date(2025, 3, 1), amount=1.0)

    raw.add("receipts", "receipts_bad.csv", receipt_id="R2", client_id="C404", date=date(2025, 3, 1), currency="XYZ", amount=0.001)
    raw.add("receipts", "receipts_bad.csv", receipt_id="R2", client_id="C1", date=date(2025, 3, 1), currency="EUR", amount=1.0)
    raw.add("receipts", "receipts_bad.csv", receipt_id=None, client_id="C1", date=date(2025, 3, 1), currency="EUR", amount=1.0)

    raw.add("allocations", "allocations_bad.csv", receipt_id="R404", document_id="D404", installment_no=None, amount=0.001)
    raw.add("allocations", "allocations_bad.csv", receipt_id="R404", document_id="D404", installment_no=None, amount=1.0)
    raw.add("allocations", "allocations_bad.csv", receipt_id=None, document_id=None, installment_no=None, amount=1.0)

    withholding = dict(type="IRPF", certificate_number="C-2", date=date(2025, 3, 1), amount=1.0)
    raw.add("withholdings", "withholdings_bad.csv", **{**withholding, "document_id": "D404", "amount": 0.001})
    raw.add("withholdings", "withholdings_bad.csv", **{**withholding, "document_id": "D404"})
    raw.add("withholdings", "withholdings_bad.csv", **{**withholding, "document_id": None, "type": None, "date": None})

    raw.add("fx_rates", "fx_rates_bad.csv", rate_date=date(2025, 3, 1), currency="XYZ", rate=0.0)
    raw.add("fx_rates", "fx_rates_bad.csv", rate_date=date(2025, 3, 1), currency="XYZ", rate=1.0)
    raw.add("fx_rates", "fx_rates_bad.csv", rate_date=None, currency=None, rate=1.0)

    statement = dict(account="ES91", currency="XYZ", period_start=date(2025, 3, 31), period_end=date(2025, 3, 1),
                     line_count=1, format="n43", statement_number=2, opening_balance=0.001, closing_balance=1.005)
    raw.add("bank_statements", "bank_bad.n43", statement_id="S2", **statement)
    raw.add("bank_statements", "bank_bad.n43", statement_id="S2", **statement)
    raw.add("bank_statements", "bank_bad.n43", statement_id=None, **statement)
    line = dict(account="ES91", booking_date=date(2025, 3, 1), value_date=date(2025, 3, 1), currency="XYZ", amount=0.001)
    raw.add("bank_statement_lines", "bank_bad.n43", statement_id="S2", line_number=1, **line)
    raw.add("bank_statement_lines", "bank_bad.n43", statement_id="S2", line_number=1, **line)
    raw.add("bank_statement_lines", "bank_bad.n43", statement_id=None, line_number=None, **line)


def _build(path: Path, bad: bool) -> Path:
    conn = duckdb.connect(str(path))
    ensure_raw_schema(conn)
    raw = Raw(conn)
    _good_rows(raw)
    if bad:
        _bad_rows(raw)
    refresh_tax_id_checks(conn)
    conn.close()
    return path


def _check_all(path: Path) -> dict[str, object]:
    conn = duckdb.connect(str(path))
    try:
        return {outcome.check.name: outcome for suite in SUITES for outcome in check_suite(conn, suite, RUN)}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = _build(tmp_path_factory.mktemp("gx_good") / "cartera.duckdb", bad=False)
    return path, _check_all(path)


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    path = _build(tmp_path_factory.mktemp("gx_bad") / "cartera.duckdb", bad=True)
    return path, _check_all(path)


def test_every_check_passes_on_good_data(good):
    _, outcomes = good
    assert set(outcomes) == ALL_CHECKS
    assert {name for name, outcome in outcomes.items() if not outcome.success} == set()
    assert outcomes["documents_due_date_on_or_after_issue_date"].element_count == 1
    assert outcomes["clients_tax_ids_mostly_valid"].unexpected_count == 0


def test_every_check_fails_on_its_bad_row(bad):
    _, outcomes = bad
    assert {name for name, outcome in outcomes.items() if outcome.success} == set()


# What each failing check says: the unexpected count and where the row is.
FAILURES = [
    ("clients_columns_and_types", 1, "credit_limit DECIMAL(18,2)"),
    ("clients_client_id_not_null", 1, "clients_bad.csv line 4: client_id=empty"),
    ("clients_updated_at_not_null", 1, "clients_bad.csv line 5"),
    ("clients_unique_per_file", 2, "clients_bad.csv line 2: client_id=C1"),
    ("clients_credit_limit_has_two_decimals", 1, "clients_bad.csv line 2: credit_limit=10.005"),
    ("clients_currency_is_iso_4217", 1, "clients_bad.csv line 4: currency=XYZ"),
        # 12345678Z, B50123454 valid; 12345678A, B50123455 not: 2 of 4 = 50 % < 95 %.
    # The check's reason is stored as a message and worded in the (English) sample.
    ("clients_tax_ids_mostly_valid", 2, "country=ES, tax_id=12345678A, reason=wrong check digit"),
    ("documents_columns_and_types", 4, "net DECIMAL(18,2)"),
    ("documents_document_id_not_null", 1, "documents_bad.csv line 4"),
    ("documents_updated_at_not_null", 1, "documents_bad.csv line 5"),
    ("documents_unique_per_file", 2, "documents_bad.csv line 3: document_id=D2, updated_at=2025-07-01T08:00:00"),
    ("documents_net_has_two_decimals", 1, "net=100.001"),
    ("documents_tax_has_two_decimals", 1, "tax=21.0001"),
    ("documents_withholding_has_two_decimals", 1, "withholding=0.005"),
    ("documents_total_has_two_decimals", 1, "total=121.009"),
    ("documents_currency_is_iso_4217", 1, "documents_bad.csv line 7: currency=XYZ"),
    ("documents_due_date_on_or_after_issue_date", 1, "documents_bad.csv line 6: due_date=2025-02-01"),
    ("documents_client_id_is_known", 1, "documents_bad.csv line 7: client_id=C404"),
    ("installments_columns_and_types", 1, "amount DECIMAL(18,2)"),
    ("installments_document_id_not_null", 1, "installments_bad.csv line 4"),
    ("installments_installment_no_not_null", 1, "installments_bad.csv line 4"),
    ("installments_unique_per_file", 2, "document_id=D404"),
    ("installments_amount_has_two_decimals", 1, "amount=0.001"),
    ("installments_document_id_is_known", 2, "document_id=D404"),
    ("receipts_columns_and_types", 1, "amount DECIMAL(18,2)"),
    ("receipts_receipt_id_not_null", 1, "receipts_bad.csv line 4"),
    ("receipts_unique_per_file", 2, "receipt_id=R2"),
    ("receipts_amount_has_two_decimals", 1, "receipts_bad.csv line 2: amount=0.001"),
    ("receipts_currency_is_iso_4217", 1, "currency=XYZ"),
    ("receipts_client_id_is_known", 1, "receipts_bad.csv line 2: client_id=C404"),
    ("allocations_columns_and_types", 1, "amount DECIMAL(18,2)"),
    ("allocations_receipt_id_not_null", 1, "allocations_bad.csv line 4"),
    ("allocations_document_id_not_null", 1, "allocations_bad.csv line 4"),
    ("allocations_unique_per_file", 2, "receipt_id=R404"),
    ("allocations_amount_has_two_decimals", 1, "amount=0.001"),
    ("allocations_receipt_id_is_known", 2, "receipt_id=R404"),
    ("allocations_document_id_is_known", 2, "document_id=D404"),
    ("withholdings_columns_and_types", 1, "amount DECIMAL(18,2)"),
    ("withholdings_document_id_not_null", 1, "withholdings_bad.csv line 4"),
    ("withholdings_type_not_null", 1, "withholdings_bad.csv line 4"),
    ("withholdings_date_not_null", 1, "withholdings_bad.csv line 4"),
    ("withholdings_unique_per_file", 2, "document_id=D404"),
    ("withholdings_amount_has_two_decimals", 1, "amount=0.001"),
    ("withholdings_document_id_is_known", 2, "document_id=D404"),
    ("fx_rates_columns_and_types", 1, "rate DECIMAL(38,18)"),
    ("fx_rates_rate_date_not_null", 1, "fx_rates_bad.csv line 4"),
    ("fx_rates_currency_not_null", 1, "fx_rates_bad.csv line 4"),
    ("fx_rates_unique_per_file", 2, "currency=XYZ"),
    ("fx_rates_currency_is_iso_4217", 2, "currency=XYZ"),
    ("fx_rates_rate_is_positive", 1, "fx_rates_bad.csv line 2: rate=0.0"),
    ("bank_statements_columns_and_types", 2, "opening_balance DECIMAL(18,2)"),
    ("bank_statements_statement_id_not_null", 1, "bank_bad.n43"),
    ("bank_statements_unique_per_file", 2, "statement_id=S2"),
    ("bank_statements_opening_balance_has_two_decimals", 3, "opening_balance=0.001"),
    ("bank_statements_closing_balance_has_two_decimals", 3, "closing_balance=1.005"),
    ("bank_statements_currency_is_iso_4217", 3, "currency=XYZ"),
    ("bank_statements_period_end_on_or_after_period_start", 3, "period_end=2025-03-01"),
    ("bank_statement_lines_columns_and_types", 1, "amount DECIMAL(18,2)"),
    ("bank_statement_lines_statement_id_not_null", 1, "bank_bad.n43 line 4"),
    ("bank_statement_lines_line_number_not_null", 1, "bank_bad.n43 line 4"),
    ("bank_statement_lines_unique_per_file", 2, "bank_bad.n43 line 3: statement_id=S2, line_number=1"),
    ("bank_statement_lines_amount_has_two_decimals", 3, "amount=0.001"),
    ("bank_statement_lines_currency_is_iso_4217", 3, "currency=XYZ"),
]


@pytest.mark.parametrize(("check", "count", "sample"), FAILURES)
def test_a_failing_check_counts_and_names_its_rows(bad, check, count, sample):
    _, outcomes = bad
    outcome = outcomes[check]
    assert not outcome.success
    assert outcome.unexpected_count == count
    assert sample in outcome.unexpected_sample


def test_a_referential_check_names_each_unknown_id_where_it_is_and_leaves_a_missing_id_to_its_own_check(bad):
    """allocations_bad.csv: lines 2 and 3 name receipt R404 and document D404, line 4 names
    neither (null ids). raw.receipts has R1, R2, R2 and a null: R404 is unknown; raw.documents
    has D1, D2, D4, D5, D6: D404 is unknown. So 2 unexpected rows per lookup (lines 2 and 3),
    the null line is the not-null checks' finding (1 each), and with the good file's line
    (R1, D1, known) 4 rows were read: "2 of 4"."""
    _, outcomes = bad
    for column, unknown in [("receipt_id", "R404"), ("document_id", "D404")]:
        outcome = outcomes[f"allocations_{column}_is_known"]
        assert (outcome.success, outcome.element_count, outcome.unexpected_count) == (False, 4, 2)
        assert outcome.unexpected_sample == (
            f"allocations_bad.csv line 2: {column}={unknown}; allocations_bad.csv line 3: {column}={unknown}"
        )
        assert outcome.observed_value == "2 of 4 checked rows unexpected (50.00%)"
        assert outcomes[f"allocations_{column}_not_null"].unexpected_count == 1


def test_no_expectation_holds_a_list_that_grows_with_the_data():
    """GX re-serialises an expectation's arguments for each of its metrics: a value_set of
    every known id made the checks quadratic (354 s at 10,000 clients). Ids are looked up
    in DuckDB; the only lists left are the ISO 4217 codes and the table's own columns."""
    from orchestration.checks.suites import EXPECTED_COLUMNS, ISO_CURRENCY_CODES

    parameters = {
        value["$PARAMETER"]
        for suite in SUITES
        for check in suite.checks
        for _, value in check.arguments
        if isinstance(value, dict)
    }
    assert parameters == {EXPECTED_COLUMNS, ISO_CURRENCY_CODES}
    lookups = {check.name: check.lookup for suite in SUITES for check in suite.checks if check.lookup}
    assert len(lookups) == 6 and all(name.endswith("_is_known") for name in lookups)


def test_money_to_the_cent_is_read_as_duckdb_prints_the_decimal(tmp_path):
    """A documents table left with total DECIMAL(18, 3): 121.000 and 1.500 are to the cent
    (trailing zeros), 1.005 is not. The check reads the decimal's own digits, never a float."""
    documents = next(suite for suite in SUITES if suite.table == "raw.documents")
    with duckdb.connect(str(tmp_path / "cartera.duckdb")) as conn:
        ensure_raw_schema(conn)
        conn.execute("alter table raw.documents alter total type decimal(18, 3)")
        raw = Raw(conn)
        document = dict(type="invoice", number="F-1", client_id="C1", currency="EUR", status="issued", updated_at=LOADED_AT,
                        issue_date=date(2025, 1, 1), due_date=date(2025, 1, 31), net="1.00", tax="0.00", withholding="0.00")
        for document_id, total in [("D1", "121.000"), ("D2", "1.500"), ("D3", "1.005")]:
            raw.add("documents", "documents.csv", **document, document_id=document_id, total=total)
        outcomes = {outcome.check.name: outcome for outcome in check_suite(conn, documents, RUN)}
    total = outcomes["documents_total_has_two_decimals"]
    assert (total.success, total.unexpected_count) == (False, 1)
    assert total.unexpected_sample == "documents.csv line 4: total=1.005"
    assert outcomes["documents_net_has_two_decimals"].success
    assert not outcomes["documents_columns_and_types"].success


def _documents_of(conn: duckdb.DuckDBPyConnection, documents: int) -> None:
    """`documents` invoices in one file, four per client; the last names client Z404, unknown."""
    ensure_raw_schema(conn)
    conn.execute("insert into raw.file_registry (file_id, file_name, entity, sha256, size_bytes, row_count, status, message, seen_at) "
                 "values (1, 'documents.csv', 'documents', 'sha', 1, 1, 'loaded', null, ?)", [LOADED_AT])
    conn.execute(
        "insert into raw.clients (client_id, tax_id, legal_name, country, payment_terms_days, currency, updated_at,"
        " _file_id, _source_file, _sha256, _line_number, _loaded_at)"
        " select 'C' || i, '12345678Z', 'X', 'ES', 30, 'EUR', ?, 2, 'clients.csv', 'sha-c', i + 2, ? from range(?) t(i)",
        [LOADED_AT, LOADED_AT, documents // 4],
    )
    conn.execute(
        "insert into raw.documents (document_id, type, number, client_id, issue_date, due_date, currency, net, tax,"
        " withholding, total, status, updated_at, _file_id, _source_file, _sha256, _line_number, _loaded_at)"
        " select 'D' || i, 'invoice', 'F-' || i, case when i = ? - 1 then 'Z404' else 'C' || (i // 4) end,"
        " date '2025-01-01', date '2025-01-31', 'EUR', 100.00, 21.00, 0.00, 121.00, 'issued', ?, 1, 'documents.csv',"
        " 'sha', i + 2, ? from range(?) t(i)",
        [documents, LOADED_AT, LOADED_AT, documents],
    )


def test_the_python_work_of_a_suite_does_not_grow_with_its_rows():
    """No Python work per value: the documents suite (11 checks: known client, money to the
    cent, unique per file, ISO codes...) makes as many Python calls on 40,000 documents of
    10,000 clients as on 400 of 100. A value_set of the known client ids (GX serialised it
    for each metric) or GX's fingerprint of each batch made them grow with the rows. (All
    suites at 10,000 clients: 6.35 M calls, as many as on the demo's 300.)"""
    import cProfile
    import pstats

    from orchestration.checks.runner import _gx_context, expected_columns, validate

    documents = next(suite for suite in SUITES if suite.table == "raw.documents")

    def python_calls(rows: int) -> tuple[int, dict[str, object]]:
        with duckdb.connect() as conn:
            _documents_of(conn, rows)
            profile = cProfile.Profile()
            outcomes = profile.runcall(validate, conn, documents, expected_columns("raw.documents"))
        known = next(outcome for outcome in outcomes if outcome.check.name == "documents_client_id_is_known")
        return pstats.Stats(profile).total_calls, known  # type: ignore[attr-defined]

    _gx_context()  # imported and set up once per process, outside the count
    # The large one first: what GX caches on its first validation counts against it.
    large, known_large = python_calls(40_000)
    small, known_small = python_calls(400)
    assert large < small * 1.05, (small, large)
    # Both still find the one unknown client, on the last line (line 401 and 40,001).
    assert (known_small.unexpected_count, known_large.unexpected_count) == (1, 1)
    assert known_small.unexpected_sample == "documents.csv line 401: client_id=Z404"
    assert known_large.unexpected_sample == "documents.csv line 40001: client_id=Z404"


def test_every_check_has_a_failing_case():
    assert {check for check, _, _ in FAILURES} == ALL_CHECKS


def test_most_checks_warn_and_the_blocking_ones_are_those_the_figures_depend_on():
    severities = {check.name: check.severity for suite in SUITES for check in suite.checks}
    warn = {name for name, severity in severities.items() if severity is Severity.WARN}
    assert len(warn) == 35 and len(severities) - len(warn) == 28
    # Staging keeps the last line of a duplicated document: nothing counted twice.
    assert "documents_unique_per_file" in warn
    # It keeps every allocation of the latest file: a duplicate applies money twice.
    assert "allocations_unique_per_file" not in warn
    # A money column that can hold a fraction of a cent fails the schema check (ERROR).
    assert "documents_total_has_two_decimals" in warn and "documents_columns_and_types" not in warn
    assert {"documents_due_date_on_or_after_issue_date", "documents_client_id_is_known", "clients_tax_ids_mostly_valid",
            "documents_currency_is_iso_4217", "fx_rates_rate_date_not_null"} <= warn
    assert {"documents_document_id_not_null", "fx_rates_rate_is_positive"}.isdisjoint(warn)


def test_results_are_stored_for_the_data_quality_page(bad):
    path, _ = bad
    with duckdb.connect(str(path), read_only=True) as conn:
        rows = conn.execute(
            f"select severity, success, unexpected_count, unexpected_sample, observed_value, expectation, run_id"
            f" from {RESULTS_TABLE} where table_name = 'raw.documents' and check_name = 'documents_client_id_is_known'"
        ).fetchall()
        stored = conn.execute(f"select count(*) from {RESULTS_TABLE}").fetchall()[0][0]
    assert stored == len(ALL_CHECKS)
    [(severity, success, unexpected, sample, observed, expectation, run_id)] = rows
    assert (severity, success, unexpected, run_id) == ("WARN", False, 1, "test-run")
    assert sample == "documents_bad.csv line 7: client_id=C404"
    # 7 documents, 1 of them (D6) with an unknown client.
    assert observed == "1 of 7 checked rows unexpected (14.29%)"
    # DuckDB looks the ids up as the frame is read; GX checks what it found unknown.
    assert expectation == (
        "expect_column_values_to_be_null(column=unknown_client_id)"
        " where unknown_client_id = client_id not found in raw.clients.client_id"
    )


def test_a_stored_result_is_reused_until_a_file_it_reads_changes(good, tmp_path, monkeypatch):
    path = tmp_path / "cartera.duckdb"
    path.write_bytes(good[0].read_bytes())  # results of the good run are stored in it
    documents = next(suite for suite in SUITES if suite.table == "raw.documents")
    with duckdb.connect(str(path)) as conn:
        assert all(outcome.from_cache for outcome in check_suite(conn, documents, RUN))
        # A new clients file changes what "known client" means for the documents, but it
        # cannot make a known client unknown: with none unknown before, the documents'
        # result stands for the new files without a validation.
        conn.execute(
            "insert into raw.clients (client_id, tax_id, legal_name, country, payment_terms_days, currency, updated_at,"
            " _file_id, _source_file, _sha256, _line_number, _loaded_at)"
            " values ('C3', '12345678Z', 'Y', 'ES', 30, 'EUR', ?, 99, 'clients_2.csv', 'sha-new', 2, ?)",
            [LOADED_AT, LOADED_AT],
        )
        validations = _count_validations(monkeypatch)
        outcomes = check_suite(conn, documents, RUN)
        assert validations == []
        assert all(outcome.success for outcome in outcomes)
        stored_key = conn.execute(
            f"select distinct input_key from {RESULTS_TABLE} where table_name = 'raw.documents'"
        ).fetchall()
        assert stored_key == [(runner.input_key(conn, documents, runner.expected_columns("raw.documents")),)]


def _count_validations(monkeypatch) -> list[tuple[str, list[int] | None]]:
    """Each validation from now on: its table and the files it was limited to (None: all)."""
    validations: list[tuple[str, list[int] | None]] = []
    validate = runner.validate

    def counted(conn, suite, expected, file_ids=None):
        validations.append((suite.table, file_ids))
        return validate(conn, suite, expected, file_ids)

    monkeypatch.setattr(runner, "validate", counted)
    return validations


def _second_day(raw: Raw) -> None:
    """New files: good rows and rows that break row checks, no column changing type."""
    client = dict(tax_id="12345678Z", legal_name="Y", country="ES", payment_terms_days=30, updated_at=LOADED_AT)
    raw.add("clients", "clients_2.csv", client_id="C3", currency="EUR", **client)
    for number in range(3):
        raw.add("clients", "clients_2.csv", client_id=f"CX{number}", currency="XYZ", **client)
    document = dict(type="invoice", number="F-2", currency="EUR", status="issued", updated_at=LOADED_AT,
                    issue_date=date(2025, 4, 1), due_date=date(2025, 4, 30), net="1.00", tax="0.00", withholding="0.00",
                    total="1.00")
    raw.add("documents", "documents_2.csv", **{**document, "document_id": "D7", "client_id": "C3"})
    raw.add("documents", "documents_2.csv", **{**document, "document_id": "D8", "client_id": "C404",
                                               "due_date": date(2025, 3, 1)})
    raw.add("documents", "documents_2.csv", **{**document, "document_id": "D9", "client_id": "C1"})
    raw.add("documents", "documents_2.csv", **{**document, "document_id": "D9", "client_id": "C1"})
    raw.add("documents", "documents_2.csv", **{**document, "document_id": None, "client_id": "C1", "currency": "XYZ"})
    raw.add("installments", "installments_2.csv", document_id="D404", installment_no=1, due_date=date(2025, 4, 30), amount="1.00")
    raw.add("receipts", "receipts_2.csv", receipt_id="R3", client_id="C404", date=date(2025, 4, 2), currency="EUR", amount="1.00")
    raw.add("allocations", "allocations_2.csv", receipt_id="R404", document_id="D7", installment_no=None, amount="1.00")
    raw.add("fx_rates", "fx_rates_2.csv", rate_date=date(2025, 4, 1), currency="USD", rate="0")


def _third_day(raw: Raw) -> None:
    """C404 becomes a known client; four more clients in an unknown currency."""
    client = dict(tax_id="12345678Z", legal_name="Z", country="ES", payment_terms_days=30, updated_at=LOADED_AT)
    raw.add("clients", "clients_3.csv", client_id="C404", currency="EUR", **client)
    for number in range(4):
        raw.add("clients", "clients_3.csv", client_id=f"CY{number}", currency="XYZ", **client)


def _checked(conn) -> dict[str, tuple]:
    return {
        outcome.check.name: (
            outcome.success, outcome.element_count, outcome.unexpected_count, outcome.unexpected_sample,
            outcome.observed_value,
        )
        for suite in SUITES
        for outcome in check_suite(conn, suite, RUN)
    }


def _next_day(raw: Raw, path: Path, add_rows, validations: list) -> tuple[dict[str, tuple], dict]:
    """The day's files added and every suite checked: the outcomes and which files each
    table's validation read (None: all)."""
    validations.clear()
    with duckdb.connect(str(path)) as conn:
        raw.conn = conn
        add_rows(raw)
        refresh_tax_id_checks(conn)
        return _checked(conn), dict(validations)


def _checked_whole(path: Path, tmp_path: Path) -> dict[str, tuple]:
    """The same database checked with no stored result."""
    copy = tmp_path / f"whole_{path.name}"
    copy.write_bytes(path.read_bytes())
    with duckdb.connect(str(copy)) as conn:
        conn.execute(f"delete from {RESULTS_TABLE}")
        return _checked(conn)


def test_new_files_are_checked_alone_and_add_up_to_checking_everything(tmp_path, monkeypatch):
    path = tmp_path / "cartera.duckdb"
    with duckdb.connect(str(path)) as conn:
        ensure_raw_schema(conn)
        raw = Raw(conn)
        _good_rows(raw)
        refresh_tax_id_checks(conn)
        _checked(conn)
    validations = _count_validations(monkeypatch)

    second, new_files = _next_day(raw, path, _second_day, validations)

    assert second == _checked_whole(path, tmp_path)
    # Each table that gained a file had only that file's rows validated (the tax ids, one
    # row per distinct id, gained none: the new clients reuse a checked id).
    assert new_files == {
        f"raw.{entity}": [raw.file_ids[f"{entity}_2.csv"]]
        for entity in ("clients", "documents", "installments", "receipts", "allocations", "fx_rates")
    }
    # Worked out by hand: D8's unknown client among 5 new documents and 1 earlier one.
    assert second["documents_client_id_is_known"] == (
        False, 6, 1, "documents_2.csv line 3: client_id=C404", "1 of 6 checked rows unexpected (16.67%)",
    )
    assert second["fx_rates_rate_is_positive"][:3] == (False, 2, 1)

    third, new_files = _next_day(raw, path, _third_day, validations)

    assert third == _checked_whole(path, tmp_path)
    # The documents had an unknown client and the clients gained a file: checked whole.
    assert new_files["raw.documents"] is None
    assert third["documents_client_id_is_known"][:3] == (True, 6, 0)
    # Seven clients in currency XYZ over two days: the sample keeps the first five, the
    # second day's three and the first two of the third day.
    assert new_files["raw.clients"] == [raw.file_ids["clients_3.csv"]]
    assert third["clients_currency_is_iso_4217"][2] == 7
    assert third["clients_currency_is_iso_4217"][3].count("clients_2.csv") == 3
    assert third["clients_currency_is_iso_4217"][3].count("clients_3.csv") == 2


_CACHED_RUN = """
import sys, duckdb
from orchestration.checks.runner import RunInfo, check_suite
from orchestration.checks.suites import SUITES
conn = duckdb.connect(sys.argv[1])
outcomes = [outcome for suite in SUITES for outcome in check_suite(conn, suite, RunInfo("second", None))]
print(all(outcome.from_cache for outcome in outcomes), len(outcomes), "great_expectations" in sys.modules)
"""


def test_a_refresh_without_new_files_does_not_import_great_expectations(good, tmp_path):
    path = tmp_path / "cartera.duckdb"
    path.write_bytes(good[0].read_bytes())
    result = subprocess.run(
        [sys.executable, "-c", _CACHED_RUN, str(path)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", str(len(ALL_CHECKS)), "False"]


AGING_INBOX = REPO / "tests" / "fixtures" / "aging_inbox"


def _job_on(home: Path, downstream_of: str) -> dg.JobDefinition:
    """raw clients and documents loaded by the real assets, checked by the real checks, and
    one asset downstream of raw.documents standing for the dbt build."""
    from orchestration.checks.asset_checks import gx_asset_checks
    from orchestration.ingest.assets import raw_assets
    from orchestration.resources import WarehouseResource

    keys = {dg.AssetKey(["raw", "clients"]), dg.AssetKey(["raw", "documents"])}
    assets = [asset for asset in raw_assets if set(asset.keys) <= keys]
    checks = [check for check in gx_asset_checks if {key.asset_key for key in check.check_keys} <= keys]

    @dg.asset(deps=[dg.AssetKey(["raw", downstream_of])])
    def dbt_build_stand_in() -> None:
        pass

    defs = dg.Definitions(
        assets=[*assets, dbt_build_stand_in],
        asset_checks=checks,
        jobs=[dg.define_asset_job("refresh", selection=dg.AssetSelection.all())],
        resources={"warehouse": WarehouseResource(home=str(home))},
        executor=dg.in_process_executor,
    )
    return defs.resolve_job_def("refresh")


def _inbox(home: Path, *files: str) -> None:
    (home / "inbox").mkdir(parents=True)
    for name in files:
        (home / "inbox" / name).write_bytes((AGING_INBOX / name).read_bytes())


def _evaluations(result: dg.ExecuteInProcessResult) -> dict[str, bool]:
    return {evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()}


def test_a_failing_error_check_blocks_what_is_built_on_the_table(tmp_path, monkeypatch):
    monkeypatch.delenv("CARTERA_GX_CHECKS", raising=False)
    _inbox(tmp_path, "clients.csv", "documents.csv")
    # A build database left with documents.total as DOUBLE: the loader still inserts into
    # it, and only the schema check can tell.
    (tmp_path / "build").mkdir()
    with duckdb.connect(str(tmp_path / "build" / "cartera.duckdb")) as conn:
        ensure_raw_schema(conn)
        conn.execute("alter table raw.documents alter total type double")

    result = _job_on(tmp_path, "documents").execute_in_process(raise_on_error=False)

    evaluations = _evaluations(result)
    assert evaluations["documents_columns_and_types"] is False
    assert evaluations["documents_client_id_is_known"] is True
    # The check's step fails with the check's name, and nothing downstream is built.
    [failure] = [event for event in result.all_events if event.is_step_failure]
    assert failure.step_key == "gx_raw_documents"
    assert "documents_columns_and_types" in failure.step_failure_data.error.message
    materialized = {event.asset_key for event in result.get_asset_materialization_events()}
    assert materialized == {dg.AssetKey(["raw", "clients"]), dg.AssetKey(["raw", "documents"])}


def test_a_failing_warning_check_lets_the_build_go_on(tmp_path, monkeypatch):
    monkeypatch.delenv("CARTERA_GX_CHECKS", raising=False)
    # Ingestion quarantines a file naming an unknown client, so the unknown client stands in
    # raw as a row loaded by an earlier release would: the clients file knows C1 and C2, the
    # old documents file names them and C404 (a WARN).
    _inbox(tmp_path, "clients.csv", "documents.csv")
    (tmp_path / "build").mkdir()
    with duckdb.connect(str(tmp_path / "build" / "cartera.duckdb")) as conn:
        ensure_raw_schema(conn)
        conn.execute(
            "insert into raw.documents (document_id, type, number, client_id, issue_date, due_date, currency, net, tax, "
            "total, status, updated_at, _file_id, _source_file, _sha256, _line_number, _loaded_at) values "
            "('D404', 'invoice', 'F404', 'C404', '2025-01-10', '2025-02-10', 'EUR', 100.00, 21.00, 121.00, 'issued', "
            "'2025-01-10 08:00:00', 0, 'documents_old.csv', '', 2, now())"
        )

    result = _job_on(tmp_path, "documents").execute_in_process(raise_on_error=False)

    evaluations = _evaluations(result)
    assert evaluations["documents_client_id_is_known"] is False
    assert evaluations["documents_columns_and_types"] is True
    assert result.success and result.is_node_success("dbt_build_stand_in")
    warning = next(e for e in result.get_asset_check_evaluations() if e.check_name == "documents_client_id_is_known")
    assert warning.severity is dg.AssetCheckSeverity.WARN
    # The fixture's six documents name C1 and C2, both known; D404 alone is unexpected.
    assert warning.metadata["unexpected_count"].value == 1
    assert warning.metadata["unexpected_sample"].value.endswith("line 2: client_id=C404")


_CHECKS_OFF = """
import sys, duckdb
from pathlib import Path
from tests.orchestration.test_gx_checks import _inbox, _job_on
home = Path(sys.argv[1])
_inbox(home, "clients.csv", "documents.csv")
result = _job_on(home, "documents").execute_in_process()
with duckdb.connect(str(home / "build" / "cartera.duckdb")) as conn:
    stored = conn.execute("select count(*) from raw.data_quality_results").fetchall()[0][0]
print(result.success, len(result.get_asset_check_evaluations()), stored, "great_expectations" in sys.modules)
"""


def test_checks_off_report_nothing_and_do_not_import_great_expectations(tmp_path):
    env = {**os.environ, "CARTERA_GX_CHECKS": "off"}
    result = subprocess.run(
        [sys.executable, "-c", _CHECKS_OFF, str(tmp_path)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # The run succeeds, no check reports, the results table exists (empty) for the page.
    assert result.stdout.split()[-4:] == ["True", "0", "0", "False"]


_SECOND_RUN = """
import sys
from pathlib import Path
from tests.orchestration.test_gx_checks import _job_on
result = _job_on(Path(sys.argv[1]), "documents").execute_in_process()
evaluations = result.get_asset_check_evaluations()
reused = all(evaluation.metadata["reused_stored_result"].value for evaluation in evaluations)
print(result.success, len(evaluations), reused, "great_expectations" in sys.modules)
"""


def test_a_second_run_with_no_new_file_reuses_the_results_without_importing_great_expectations(tmp_path, monkeypatch):
    monkeypatch.delenv("CARTERA_GX_CHECKS", raising=False)
    _inbox(tmp_path, "clients.csv", "documents.csv")
    first = _job_on(tmp_path, "documents").execute_in_process()
    checks = len(first.get_asset_check_evaluations())
    assert checks == sum(len(suite.checks) for suite in SUITES if suite.asset[1] in ("clients", "documents"))

    env = {key: value for key, value in os.environ.items() if key != "CARTERA_GX_CHECKS"}
    second = subprocess.run(
        [sys.executable, "-c", _SECOND_RUN, str(tmp_path)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert second.returncode == 0, second.stderr[-3000:]
    # The files are still in the inbox: loaded before, so nothing new reaches raw.
    assert second.stdout.split()[-4:] == ["True", str(checks), "True", "False"]


def test_the_switch_takes_on_or_off_only(monkeypatch):
    from orchestration.config import load_settings

    monkeypatch.setenv("CARTERA_GX_CHECKS", "OFF")
    assert load_settings().gx_checks is False
    monkeypatch.setenv("CARTERA_GX_CHECKS", "no")
    with pytest.raises(ValueError, match="CARTERA_GX_CHECKS must be on or off"):
        load_settings()


def test_a_real_refresh_reports_every_check_in_dagster_and_in_the_published_warehouse(demo_home, monkeypatch):
    """The demo home's refresh (`cartera refresh` with the checks on, as `make demo` runs
    it): every check has its evaluation in the home's Dagster instance and the same outcome
    in the published warehouse, stored under that run."""
    monkeypatch.setenv("DAGSTER_HOME", str(demo_home / "dagster"))
    with dg.DagsterInstance.get() as instance:
        [run] = instance.get_runs(limit=1)
        records = instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=100_000
        ).records
    evaluations = (record.event_log_entry.dagster_event.event_specific_data for record in records)
    gx_evaluations = {e.check_name: e.passed for e in evaluations if e.check_name in ALL_CHECKS}
    assert set(gx_evaluations) == ALL_CHECKS
    with duckdb.connect(str(demo_home / "cartera.duckdb"), read_only=True) as conn:
        stored = dict(conn.execute(f"select check_name, success from {RESULTS_TABLE}").fetchall())
        runs = conn.execute(f"select distinct run_id from {RESULTS_TABLE}").fetchall()
    assert stored == gx_evaluations
    assert runs == [(run.run_id,)]


def test_a_missing_table_fails_every_check_of_its_suite(good, tmp_path):
    path = tmp_path / "cartera.duckdb"
    path.write_bytes(good[0].read_bytes())
    receipts = next(suite for suite in SUITES if suite.table == "raw.receipts")
    with duckdb.connect(str(path)) as conn:
        conn.execute("drop table raw.receipts")
        outcomes = check_suite(conn, receipts, RUN)
    assert [outcome.success for outcome in outcomes] == [False] * len(receipts.checks)
    assert outcomes[1].observed_value == "could not be checked: raw.receipts does not exist"


def test_ids_that_cannot_be_looked_up_fail_their_check_and_say_why(good, tmp_path):
    path = tmp_path / "cartera.duckdb"
    path.write_bytes(good[0].read_bytes())
    documents = next(suite for suite in SUITES if suite.table == "raw.documents")
    with duckdb.connect(str(path)) as conn:
        conn.execute("alter table raw.clients rename column client_id to client_code")
        outcomes = {outcome.check.name: outcome for outcome in check_suite(conn, documents, RUN)}
    known = outcomes.pop("documents_client_id_is_known")
    assert not known.success
    assert known.observed_value == "could not be checked: raw.clients has no column client_id to look client_id up in"
    assert all(outcome.success for outcome in outcomes.values())


def test_each_raw_asset_has_its_checks_and_the_error_ones_block():
    from orchestration.checks.asset_checks import gx_asset_checks
    from orchestration.ingest.assets import raw_assets

    specs = [spec for checks in gx_asset_checks for spec in checks.check_specs]
    # The committee's decisions come from the app-state store, which validates them as it
    # writes them; the export and bank tables are the ones with suites.
    raw_keys = {key for asset in raw_assets for key in asset.keys} - {dg.AssetKey(["raw", "credit_decisions"])}
    assert {spec.asset_key for spec in specs} == raw_keys
    assert {spec.name for spec in specs} == ALL_CHECKS
    severities = {check.name: check.severity for suite in SUITES for check in suite.checks}
    assert all(spec.blocking == (severities[spec.name] is Severity.ERROR) for spec in specs)
