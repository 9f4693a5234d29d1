"""The raw schema, derived from the export contract: one table per entity with the
contract's columns typed for DuckDB, plus lineage, and the file registry."""

import duckdb
import pyarrow as pa

from orchestration.readers.cell_sql import SQL_TYPES
from orchestration.readers.contract import CONTRACT, Entity

LINEAGE_COLUMNS = (
    ("_file_id", "BIGINT"),
    ("_source_file", "VARCHAR"),
    ("_sha256", "VARCHAR"),
    ("_line_number", "BIGINT"),
    ("_loaded_at", "TIMESTAMP"),
    # What the row's values were read from (readers/staged_export.py line_fingerprint):
    # a later export's line with the same one is not read again. NULL before issue 17.
    ("_line_fingerprint", "UHUGEINT"),
)

# The registry row a withdrawal adds (orchestration/ingest/loader.py withdraw_file): its
# file_id tells what loaded before it.
WITHDRAWAL = "withdrawal"

REGISTRY_DDL = """
create table if not exists raw.file_registry (
    file_id BIGINT primary key,
    file_name VARCHAR not null,
    entity VARCHAR not null,
    sha256 VARCHAR not null,
    size_bytes BIGINT not null,
    row_count BIGINT,
    status VARCHAR not null,
    message VARCHAR,
    seen_at TIMESTAMP not null
)
"""
# Added since the registry was first made: of a loaded export's row_count, how many were
# new or changed and reached raw (the rest repeated rows raw holds: orchestration/ingest/
# changes.py). NULL for what is not compared (bank files, app state, quarantined files).
REGISTRY_ADDED = ("changed_rows BIGINT",)

# One row per (export, earlier export) pair: how many of the export's rows were not
# loaded because they repeat rows the earlier export loaded (orchestration/ingest/
# changes.py). While the later file is loaded, the earlier one cannot be withdrawn.
FILE_CONFIRMATIONS_DDL = """
create table if not exists raw.file_confirmations (
    file_id BIGINT not null,
    confirmed_file_id BIGINT not null,
    row_count BIGINT not null
)
"""


# One row per dbt build of a refresh (orchestration/builds.py): the raw file id it reads
# through, when every model and test passed, if they did, and when it was published. A
# published build passed every test, so the uniqueness tests of the kept tables count
# only the keys of rows written since (dbt_project/macros/tests/keys_written_since_published.sql).
DBT_BUILDS_DDL = """
create table if not exists raw.dbt_builds (
    build_id BIGINT not null,
    read_through_file_id BIGINT not null,
    started_at TIMESTAMP not null,
    published_at TIMESTAMP,
    passed_at TIMESTAMP
)
"""
# Added since raw.dbt_builds was first made.
DBT_BUILDS_ADDED = ("passed_at TIMESTAMP",)


# Written by orchestration/ingest/loader.py in the transaction that loads a file: one row
# per thing worth telling about a file that loaded anyway. kind is schema_drift (columns
# the contract does not know, not loaded), cross_client_link (a credit or debit note
# naming another client's document, read as unlinked by stg_invoicing__documents) or
# bank_format_note (orchestration/ingest/bank_loader.py: a bank reader accepted what its
# standard leaves open or could not check, e.g. no booked balance, a 30 February).
# line_number is the file's physical line; column_name the contract column (for drift,
# the unknown columns; for camt, the XML element). Withdrawing a file removes its
# warnings with its rows.
INGEST_WARNINGS_DDL = """
create table if not exists raw.ingest_warnings (
    file_id BIGINT not null,
    file_name VARCHAR not null,
    entity VARCHAR not null,
    line_number BIGINT,
    column_name VARCHAR,
    value VARCHAR,
    reason VARCHAR not null,
    kind VARCHAR not null,
    recorded_at TIMESTAMP not null
)
"""


# Committee decisions are app state, not an export: the dashboards write them to their
# own store and orchestration/ingest/app_state.py copies them here on each refresh.
CREDIT_DECISIONS_DDL = """
create table if not exists raw.credit_decisions (
    decision_id VARCHAR not null,
    client_id VARCHAR not null,
    decision VARCHAR not null,
    credit_limit DECIMAL(18, 2),
    currency VARCHAR,
    reason VARCHAR,
    decided_by VARCHAR not null,
    decided_at TIMESTAMP not null,
    next_review_date DATE,
    meeting_date DATE,
    _file_id BIGINT,
    _loaded_at TIMESTAMP
)
"""
# Columns added since the table was first made: a warehouse built before gets them too.
CREDIT_DECISIONS_ADDED = ("next_review_date DATE", "meeting_date DATE", "_file_id BIGINT", "_loaded_at TIMESTAMP")


# Written by orchestration/ingest/tax_ids.py after each clients load, not from a file:
# one row per distinct (country, tax_id) of raw.clients, invalid ids flagged.
CLIENT_TAX_ID_CHECKS_DDL = """
create table if not exists raw.client_tax_id_checks (
    country VARCHAR not null,
    tax_id VARCHAR not null,
    normalised_tax_id VARCHAR not null,
    tax_id_kind VARCHAR not null,
    is_valid BOOLEAN,
    reason VARCHAR,
    validator VARCHAR,
    primary key (country, tax_id)
)
"""


# Bank statements, written by orchestration/ingest/bank_loader.py from the bank readers'
# output (any format): one row per statement of a loaded file, and one per booked line.
# Every copy is kept (a monthly file repeats the daily ones); stg_bank__statement_lines
# keeps one row per movement. Balances are null where the format has none (OFX opening,
# camt.054). `_line_number` is the physical line a movement starts on, null in XML.
_MONEY = pa.decimal128(18, 2)
_SQL_OF_ARROW = {
    pa.string(): "VARCHAR",
    pa.int64(): "BIGINT",
    pa.date32(): "DATE",
    _MONEY: "DECIMAL(18, 2)",
    pa.timestamp("us"): "TIMESTAMP",
}


def _required(name: str, arrow_type: pa.DataType) -> pa.Field:
    return pa.field(name, arrow_type, nullable=False)


BANK_STATEMENTS_SCHEMA = pa.schema(
    [
        _required("statement_id", pa.string()),
        _required("statement_number", pa.int64()),
        _required("account", pa.string()),
        _required("currency", pa.string()),
        _required("period_start", pa.date32()),
        _required("period_end", pa.date32()),
        pa.field("opening_balance", _MONEY),
        pa.field("closing_balance", _MONEY),
        _required("line_count", pa.int64()),
        _required("format", pa.string()),
        _required("_file_id", pa.int64()),
        _required("_source_file", pa.string()),
        _required("_sha256", pa.string()),
        _required("_loaded_at", pa.timestamp("us")),
    ]
)

BANK_STATEMENT_LINES_SCHEMA = pa.schema(
    [
        _required("statement_id", pa.string()),
        _required("account", pa.string()),
        _required("line_number", pa.int64()),
        _required("booking_date", pa.date32()),
        _required("value_date", pa.date32()),
        _required("amount", _MONEY),
        _required("currency", pa.string()),
        pa.field("counterparty_name", pa.string()),
        pa.field("counterparty_account", pa.string()),
        pa.field("remittance_text", pa.string()),
        pa.field("bank_transaction_code", pa.string()),
        pa.field("reference", pa.string()),
        _required("_file_id", pa.int64()),
        _required("_source_file", pa.string()),
        _required("_sha256", pa.string()),
        pa.field("_line_number", pa.int64()),
        _required("_loaded_at", pa.timestamp("us")),
    ]
)


def _ddl_from_arrow(table: str, schema: pa.Schema) -> str:
    columns = [
        f"{field.name} {_SQL_OF_ARROW[field.type]}{'' if field.nullable else ' not null'}" for field in schema
    ]
    return f"create table if not exists raw.{table} (\n    " + ",\n    ".join(columns) + "\n)"


def _table_ddl(entity: Entity) -> str:
    columns = [f'"{column.name}" {SQL_TYPES[column.kind]}' for column in entity.columns]
    columns += [f"{name} {sql_type}" for name, sql_type in LINEAGE_COLUMNS]
    return f"create table if not exists raw.{entity.name} (\n    " + ",\n    ".join(columns) + "\n)"


def ensure_raw_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Creates every raw table, loaded or not, so dbt always finds its sources."""
    conn.execute("create schema if not exists raw")
    conn.execute("create sequence if not exists raw.file_id_seq start 1")
    conn.execute(REGISTRY_DDL)
    for column in REGISTRY_ADDED:
        conn.execute(f"alter table raw.file_registry add column if not exists {column}")
    conn.execute(FILE_CONFIRMATIONS_DDL)
    conn.execute(DBT_BUILDS_DDL)
    for column in DBT_BUILDS_ADDED:
        conn.execute(f"alter table raw.dbt_builds add column if not exists {column}")
    conn.execute(INGEST_WARNINGS_DDL)
    conn.execute(CREDIT_DECISIONS_DDL)
    for column in CREDIT_DECISIONS_ADDED:
        conn.execute(f"alter table raw.credit_decisions add column if not exists {column}")
    conn.execute(CLIENT_TAX_ID_CHECKS_DDL)
    conn.execute(_ddl_from_arrow("bank_statements", BANK_STATEMENTS_SCHEMA))
    conn.execute(_ddl_from_arrow("bank_statement_lines", BANK_STATEMENT_LINES_SCHEMA))
    for entity in CONTRACT.values():
        conn.execute(_table_ddl(entity))
        conn.execute(f"alter table raw.{entity.name} add column if not exists _line_fingerprint UHUGEINT")
        _widen_columns(conn, entity)


def _widen_columns(conn: duckdb.DuckDBPyConnection, entity: Entity) -> None:
    """Widens a DECIMAL column of a raw table made by an earlier release to the contract's
    (FX rates were DECIMAL(18, 6) before they were kept at full precision). Any other type
    difference is drift, left for the Great Expectations schema check to report."""
    existing = dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns where table_schema = 'raw' and table_name = ?",
            [entity.name],
        ).fetchall()
    )
    for column in entity.columns:
        declared = SQL_TYPES[column.kind]
        found = existing.get(column.name, declared).replace(" ", "")
        if found != declared.replace(" ", "") and found.startswith("DECIMAL") and declared.startswith("DECIMAL"):
            conn.execute(f'alter table raw.{entity.name} alter column "{column.name}" type {declared}')
