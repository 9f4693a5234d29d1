"""The checks across files: one export's rows against what raw already holds.

Run before a file reaches raw, on the rows the reader returned that can fail them (new or
changed rows, and repeated ones whose references changed since: _CHECKED_BY_CHANGE) and
the raw tables as the warehouse will read them (latest export wins, the file being checked
newest of all).
Files load in dependency order (fx_rates and clients, then documents and receipts, then
installments, withholdings and allocations: orchestration/ingest/assets.py), so raw
already holds what this run loaded before. A problem quarantines the file whole; a row the contract can
read safely (a note linked to another client's document is read as unlinked) loads with
a warning.
"""

from dataclasses import dataclass

import duckdb

from orchestration.ingest.raw_tables import WITHDRAWAL
from orchestration.readers import FieldError
from orchestration.readers.sql_messages import sql_row_message

# Kinds of warning recorded in raw.ingest_warnings.
SCHEMA_DRIFT = "schema_drift"
CROSS_CLIENT_LINK = "cross_client_link"

_INCOMING = "incoming_checked_rows"

# A document's type (credit_note, debit_note...) as the catalogue words it, inside a reason.
_DOCUMENT_TYPE = "cast(json_object('key', 'reader.document_type_' || {type}, 'args', json_object()) as varchar)"

# The current version of each document the checked rows name, as stg_invoicing__documents
# ranks them: only those are ranked (a file repeating raw's rows names few to check).
_CURRENT_DOCUMENTS = f"""
    select document_id, client_id, currency, total
    from (
        select *, row_number() over (
            partition by document_id order by updated_at desc, _file_id desc, _line_number desc
        ) as version_rank
        from raw.documents
        where document_id in (select document_id from {_INCOMING})
    ) as ranked
    where version_rank = 1
"""

# The current version of each receipt the checked rows name, as stg_invoicing__receipts
# ranks them.
_CURRENT_RECEIPTS = f"""
    select receipt_id, client_id, currency, amount
    from (
        select *, row_number() over (
            partition by receipt_id order by _file_id desc, _line_number desc
        ) as version_rank
        from raw.receipts
        where receipt_id in (select receipt_id from {_INCOMING})
    ) as ranked
    where version_rank = 1
"""

_UNKNOWN_CLIENT = f"""
    select _line_number, 'client_id', client_id, {sql_row_message("reader.unknown_client", client="client_id")}
    from {_INCOMING} as incoming
    where not exists (select 1 from raw.clients where clients.client_id = incoming.client_id)
"""

_UNKNOWN_DOCUMENT = f"""
    select _line_number, 'document_id', document_id, {sql_row_message("reader.unknown_document", document="document_id")}
    from {_INCOMING} as incoming
    where not exists (select 1 from raw.documents where documents.document_id = incoming.document_id)
"""

# Each allocation line with the receipt and document it names, read once for every rule
# (at L, allocations.csv's 9 M lines joined once instead of five times: 11.9 -> 8.0 s).
_ALLOCATION_PROBLEMS = f"""
    with receipts as ({_CURRENT_RECEIPTS}), documents as ({_CURRENT_DOCUMENTS}),
    named as materialized (
        select incoming._line_number, incoming.receipt_id, incoming.document_id, incoming.amount,
            receipts.receipt_id is not null as receipt_known, receipts.client_id as receipt_client,
            receipts.currency as receipt_currency, receipts.amount as receipt_amount,
            documents.document_id is not null as document_known, documents.client_id as document_client,
            documents.currency as document_currency
        from {_INCOMING} as incoming
        left join receipts on receipts.receipt_id = incoming.receipt_id
        left join documents on documents.document_id = incoming.document_id
    )
    select _line_number, 'receipt_id', receipt_id, {sql_row_message("reader.unknown_receipt", receipt="receipt_id")}
    from named
    where not receipt_known
    union all
    select _line_number, 'document_id', document_id, {sql_row_message("reader.unknown_document", document="document_id")}
    from named
    where not document_known
    union all
    select _line_number, 'document_id', document_id,
        {sql_row_message(
            "reader.allocation_across_clients", document="document_id", document_client="document_client",
            receipt="receipt_id", receipt_client="receipt_client",
        )}
    from named
    where receipt_known and document_known and document_client <> receipt_client
    union all
    select _line_number, 'document_id', document_id,
        {sql_row_message(
            "reader.allocation_across_currencies", document="document_id", document_currency="document_currency",
            receipt="receipt_id", receipt_currency="receipt_currency",
        )}
    from named
    where receipt_known and document_known and document_client = receipt_client
        and upper(document_currency) <> upper(receipt_currency)
    union all
    -- This file becomes the latest to list these receipts, so its lines are all the
    -- allocations the warehouse will see for them.
    select min(_line_number), 'amount', cast(sum(amount) as varchar),
        {sql_row_message(
            "reader.allocations_above_receipt", receipt="receipt_id", allocated="sum(amount)",
            amount="any_value(receipt_amount)",
        )}
    from named
    where receipt_known
    group by receipt_id
    having sum(amount) > any_value(receipt_amount)
"""

# A receipt's allocations come whole from the latest allocations file that lists it
# (stg_invoicing__allocations): a receipts export arriving later must not lower the
# receipt below them, or unapplied cash would turn negative.
_RECEIPT_BELOW_ITS_ALLOCATIONS = f"""
    with allocated as (
        select receipt_id, sum(amount) as allocated_amount, any_value(_source_file) as allocations_file
        from (
            select *, max(_file_id) over (partition by receipt_id) as latest_file_id
            from raw.allocations
            where receipt_id in (select receipt_id from {_INCOMING})
        ) as files
        where _file_id = latest_file_id
        group by receipt_id
    )
    select incoming._line_number, 'amount', cast(incoming.amount as varchar),
        {sql_row_message(
            "reader.receipt_below_its_allocations", receipt="incoming.receipt_id", amount="incoming.amount",
            allocated="allocated.allocated_amount", file="allocated.allocations_file",
        )}
    from {_INCOMING} as incoming
    inner join allocated on allocated.receipt_id = incoming.receipt_id
    where incoming.amount < allocated.allocated_amount
"""

# A note's related document as the warehouse will see it: this file's version when it
# is the newest (equal updated_at: the later file wins), else raw's current one.
# Only the documents the file's notes name are ranked (at L, 7.7 M documents in the file
# and 7.7 M in raw against the few hundred thousand a note names).
_CROSS_CLIENT_LINKS = f"""
    with related_ids as (
        select distinct related_document_id as document_id from {_INCOMING} where related_document_id is not null
    ),
    versions as (
        select document_id, client_id, updated_at, 1 as is_incoming, _line_number from {_INCOMING}
        where document_id in (select document_id from related_ids)
        union all
        select document_id, client_id, updated_at, 0, _line_number from raw.documents
        where document_id in (select document_id from related_ids)
    ),
    current_documents as (
        select document_id, client_id
        from (
            select *, row_number() over (
                partition by document_id order by updated_at desc, is_incoming desc, _line_number desc
            ) as version_rank
            from versions
        ) as ranked
        where version_rank = 1
    )
    select incoming._line_number, 'related_document_id', incoming.related_document_id,
        {sql_row_message(
            "reader.note_corrects_another_clients_document", {"type": _DOCUMENT_TYPE.format(type="incoming.type")},
            note="incoming.document_id", client="incoming.client_id", document="incoming.related_document_id",
            document_client="related.client_id",
        )}
    from {_INCOMING} as incoming
    inner join current_documents as related on related.document_id = incoming.related_document_id
    where related.client_id <> incoming.client_id
"""

# The other direction: notes already in raw that name a document this file gives to
# another client (the document arrived after its note, or moved to another client). Only
# documents that named one in some version are ranked: the others are no note now.
_NOTES_LEFT_UNLINKED = f"""
    with notes as (
        select document_id, type, client_id, related_document_id
        from (
            select *, row_number() over (
                partition by document_id order by updated_at desc, _file_id desc, _line_number desc
            ) as version_rank
            from raw.documents
            where document_id in (select document_id from raw.documents where related_document_id is not null)
        ) as ranked
        where version_rank = 1
            and related_document_id is not null
            and document_id not in (select document_id from {_INCOMING})
    )
    select incoming._line_number, 'client_id', incoming.client_id,
        {sql_row_message(
            "reader.document_corrected_by_another_clients_note", {"type": _DOCUMENT_TYPE.format(type="notes.type")},
            document="incoming.document_id", client="incoming.client_id", note="notes.document_id",
            note_client="notes.client_id",
        )}
    from {_INCOMING} as incoming
    inner join notes on notes.related_document_id = incoming.document_id
    where notes.client_id <> incoming.client_id
"""

# A document or receipt converts to the reporting currency at the rate of its date, or
# the latest earlier one (int_fx_rates): through the euro, so both its currency and the
# reporting currency need a rate on or before that date (the euro is quoted on every
# rate date). $reporting is the reporting currency; date_column the row's date.
def _currency_without_rate(date_column: str) -> str:
    return f"""
    with first_rates as (
        select upper(currency) as currency, min(rate_date) as first_rate_date
        from raw.fx_rates
        group by all
        union all
        select 'EUR', min(rate_date) from raw.fx_rates
    ),
    needed as (
        select incoming._line_number, incoming.currency, incoming.{date_column} as row_date,
            (select first_rate_date from first_rates where first_rates.currency = upper(incoming.currency))
                as currency_first_date,
            (select first_rate_date from first_rates where first_rates.currency = $reporting)
                as reporting_first_date
        from {_INCOMING} as incoming
        where upper(incoming.currency) <> $reporting
    )
    select _line_number, 'currency', currency,
        case
            when currency_first_date is null
                then {sql_row_message("reader.currency_without_rates", currency="upper(currency)")}
            when reporting_first_date is null
                then {sql_row_message("reader.reporting_currency_without_rates", currency="$reporting")}
            else {sql_row_message(
                "reader.currency_without_rate_by_date", currency="upper(currency)", reporting="$reporting", date="row_date",
                first_date="greatest(currency_first_date, reporting_first_date)",
            )}
        end
    from needed
    where currency_first_date is null
        or reporting_first_date is null
        or greatest(currency_first_date, reporting_first_date) > row_date
"""


# A document's instalments sum to its total (its current version's); each problem points
# at the document's first instalment row of the file.
_INSTALLMENTS_NOT_SUMMING = f"""
    with documents as ({_CURRENT_DOCUMENTS}),
    sums as (
        select document_id, min(_line_number) as first_line, sum(amount) as amount_sum
        from {_INCOMING}
        group by document_id
    )
    select first_line, 'amount', cast(amount_sum as varchar),
        case
            when documents.document_id is null
                then {sql_row_message("reader.installments_of_unknown_document", document="sums.document_id")}
            else {sql_row_message(
                "reader.installments_not_summing", document="sums.document_id", amount="amount_sum", total="documents.total",
            )}
        end
    from sums
    left join documents on documents.document_id = sums.document_id
    where documents.document_id is null or amount_sum <> documents.total
"""


_PROBLEM_QUERIES: dict[str, tuple[str, ...]] = {
    "documents": (_UNKNOWN_CLIENT, _currency_without_rate("issue_date")),
    "installments": (_INSTALLMENTS_NOT_SUMMING,),
    "receipts": (_UNKNOWN_CLIENT, _currency_without_rate("date"), _RECEIPT_BELOW_ITS_ALLOCATIONS),
    "withholdings": (_UNKNOWN_DOCUMENT,),
    "allocations": (_ALLOCATION_PROBLEMS,),
}

_WARNING_QUERIES: dict[str, tuple[tuple[str, str], ...]] = {
    "documents": ((CROSS_CLIENT_LINK, _CROSS_CLIENT_LINKS), (CROSS_CLIENT_LINK, _NOTES_LEFT_UNLINKED)),
}


# What of raw can make an entity's repeated rows fail their checks now, by the column of
# the checked row naming those rows: (raw table, column). A row the file repeats
# (changes.py: its _holder_file_id) passed the checks when its holder file loaded. Raw
# receives only rows that change it, so a row of these tables loaded after the holder is a
# change; a withdrawal after it may have brought back an older version of anything. Only
# the rows that are new, changed or touched by either are checked again: at L, a day's
# allocations.csv repeats 9 M lines and checks some 5,000. Left out, as no load can make
# a checked row fail through them: clients, and the documents a withholding names, which
# only a withdrawal takes away; the allocations a receipt must cover, which were checked
# against the receipt when they loaded after it; fx_rates, whose first date per currency a
# load only moves earlier. A group's sum stays whole where it can fail: a document's
# instalments all name the document, and a receipt's allocations (all positive) can add up
# to more than it only if the receipt changed, which selects every line of it. Documents
# are checked whole: their warnings are told for every export that lists the note.
_CHECKED_BY_CHANGE: dict[str, tuple[tuple[str, str], ...]] = {
    "receipts": (),
    "installments": (("documents", "document_id"),),
    "withholdings": (),
    "allocations": (("receipts", "receipt_id"), ("documents", "document_id")),
}


@dataclass(frozen=True)
class IngestWarning:
    kind: str
    problem: FieldError


def check_references(
    conn: duckdb.DuckDBPyConnection, entity: str, marked: str, rows: int, reporting_currency: str
) -> tuple[list[FieldError], list[IngestWarning]]:
    """What makes the file unloadable (problems, by line) and what loads with a warning;
    `marked` holds the file's `rows` checked rows (orchestration/readers.staged_export),
    each with the file whose row it repeats, if any (changes.mark_repeated_rows)."""
    problem_queries = _PROBLEM_QUERIES.get(entity, ())
    warning_queries = _WARNING_QUERIES.get(entity, ())
    if not rows or not (problem_queries or warning_queries):
        return [], []
    conn.execute(f"create or replace temp view {_INCOMING} as {_rows_to_check(conn, entity, marked)}")
    try:
        parameters = {"reporting": reporting_currency}
        problems = [error for query in problem_queries for error in _errors(conn, query, parameters)]
        warnings = [
            IngestWarning(kind, error) for kind, query in warning_queries for error in _errors(conn, query, parameters)
        ]
    finally:
        conn.execute(f"drop view if exists {_INCOMING}")
    return sorted(problems, key=lambda error: error.line), warnings


def _rows_to_check(conn: duckdb.DuckDBPyConnection, entity: str, marked: str) -> str:
    """SQL: the rows of `marked` the checks must read (_CHECKED_BY_CHANGE)."""
    reads = _CHECKED_BY_CHANGE.get(entity)
    (oldest_holder,) = conn.execute(f"select min(_holder_file_id) from {marked}").fetchall()[0]
    if reads is None or oldest_holder is None:
        return f"select * from {marked}"
    # Per table read, the last file that changed each of its rows since the oldest holder.
    changes = "\n".join(
        f"""
        left join (
            select {column}, max(_file_id) as changed_file_id from raw.{table} where _file_id > {oldest_holder} group by {column}
        ) as changed_{index}
            on changed_{index}.{column} = marked.{column}"""
        for index, (table, column) in enumerate(reads)
    )
    touched = "".join(f" or changed_{index}.changed_file_id > marked._holder_file_id" for index in range(len(reads)))
    return f"""
        select marked.* from {marked} as marked {changes}
        where marked._holder_file_id is null
            or marked._holder_file_id < (select max(file_id) from raw.file_registry where status = '{WITHDRAWAL}')
            {touched}
    """


def _errors(conn: duckdb.DuckDBPyConnection, query: str, parameters: dict) -> list[FieldError]:
    # Only the queries that name $reporting take it: DuckDB refuses unused parameters.
    used = {name: value for name, value in parameters.items() if f"${name}" in query}
    return [
        FieldError(line, column, value, reason)
        for line, column, value, reason in conn.execute(query, used).fetchall()
    ]


# What other loaded files name, per entity whose rows they name: (table, column).
_REFERENCED_BY: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "clients": ("client_id", (("documents", "client_id"), ("receipts", "client_id"))),
    "documents": (
        "document_id",
        (
            ("installments", "document_id"),
            ("withholdings", "document_id"),
            ("allocations", "document_id"),
            ("documents", "related_document_id"),
        ),
    ),
    "receipts": ("receipt_id", (("allocations", "receipt_id"),)),
}


def still_referenced(conn: duckdb.DuckDBPyConnection, entity: str, file_id: int) -> dict[str, list[str]]:
    """The keys only file `file_id` holds (no other loaded export of its entity has them)
    that rows of other loaded files name, each with the names of those files: what
    withdrawing the file would leave pointing at nothing. Empty for entities nothing names."""
    if entity not in _REFERENCED_BY:
        return {}
    key, references = _REFERENCED_BY[entity]
    naming = " union all ".join(
        f"select {column} as key, _source_file from raw.{table} where _file_id <> $file_id" for table, column in references
    )
    rows = conn.execute(
        f"""
        with only_here as (
            select {key} as key from raw.{entity} where _file_id = $file_id
            except
            select {key} from raw.{entity} where _file_id <> $file_id
        )
        select only_here.key, list(distinct naming._source_file order by naming._source_file)
        from only_here
        inner join ({naming}) as naming on naming.key = only_here.key
        group by only_here.key
        order by only_here.key
        """,
        {"file_id": file_id},
    ).fetchall()
    return {found: files for found, files in rows}
