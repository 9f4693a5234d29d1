"""Which rows of an export change what raw holds (DECISIONLOG: Full-snapshot exports
loaded by change).

The invoicing system exports whole snapshots: each day's documents.csv lists every
document again. Raw keeps only what changes the warehouse's reading of it (latest export
wins, stg_invoicing__* through macros/latest_export.sql):

- a row whose key (the contract's, unique in a file) has, as its latest row in raw, one
  with the same content in every contract column is repeated, not loaded: that latest
  row is what staging reads either way;
- a document's instalments and a receipt's allocations come whole from the latest file
  that lists the parent, so they are decided per parent: the file's rows of a parent load
  when they differ in any row, or in number, from the rows staging reads for it now;
  otherwise the parent's rows are all repeated.

Each repeated row names the file whose row it repeated (the holder): withdrawing that
file would lose the version the later file still lists, so loader.withdraw_file refuses
it while the later file is loaded (raw.file_confirmations counts the rows per pair).
Contents are compared column by column, NULL equal to NULL: exact, no hash to collide.
"""

import duckdb

from orchestration.readers.contract import CONTRACT


# Entities staging reads by parent (macros/latest_export.sql latest_file); the others it
# reads by key (latest_version).
_PARENTS = {"installments": "document_id", "allocations": "receipt_id"}


def _quoted(names) -> list[str]:
    return [f'"{name}"' for name in names]


def _same(names, one: str, other: str) -> str:
    return " and ".join(f"{one}.{name} is not distinct from {other}.{name}" for name in _quoted(names))


def _holders_by_key(entity: str, incoming: str) -> str:
    columns = CONTRACT[entity].column_names
    key = ", ".join(_quoted(CONTRACT[entity].key))
    return f"""
        with latest as (
            select {', '.join(_quoted(columns))}, _file_id
            from raw.{entity}
            qualify row_number() over (partition by {key} order by _file_id desc, _line_number desc) = 1
        )
        select incoming.*, latest._file_id as _holder_file_id
        from {incoming} as incoming
        left join latest on {_same(columns, 'incoming', 'latest')}
    """


def _holders_by_parent(entity: str, parent: str, incoming: str) -> str:
    columns = ", ".join(_quoted(CONTRACT[entity].column_names))
    return f"""
        with latest as (
            select {columns}, _file_id
            from raw.{entity}
            where {parent} in (select {parent} from {incoming})
            qualify _file_id = max(_file_id) over (partition by {parent})
        ),
        differing as (
            select {parent} from (
                select {columns} from {incoming}
                except all
                select {columns} from latest
            ) as only_incoming
            union
            select {parent} from (
                select {columns} from latest
                except all
                select {columns} from {incoming}
            ) as only_latest
        ),
        holders as (
            select {parent}, any_value(_file_id) as holder_file_id
            from latest
            where {parent} not in (select {parent} from differing)
            group by {parent}
        )
        select incoming.*, holders.holder_file_id as _holder_file_id
        from {incoming} as incoming
        left join holders on holders.{parent} = incoming.{parent}
    """


def known_rows(entity: str) -> str:
    """The rows of raw.<entity> a later export's lines can be recognised by (readers/
    staged_export.py: a line with the fingerprint of one is not read again)."""
    columns = ", ".join(_quoted(CONTRACT[entity].column_names))
    return f"(select {columns}, _line_fingerprint from raw.{entity} where _line_fingerprint is not null)"


def mark_repeated_rows(conn: duckdb.DuckDBPyConnection, entity: str, incoming: str, marked: str) -> tuple[int, dict[int, int]]:
    """Makes the temp table `marked`: the rows of `incoming` with _holder_file_id, the raw
    file whose rows they repeat (NULL: new or changed, to load). Returns the number of
    rows to load and the repeated rows per holder file."""
    parent = _PARENTS.get(entity)
    if not conn.execute(f"select exists (select 1 from raw.{entity})").fetchall()[0][0]:
        # A first load: nothing to repeat, and no need to compare every row with nothing.
        query = f"select *, null::BIGINT as _holder_file_id from {incoming}"
    elif parent:
        query = _holders_by_parent(entity, parent, incoming)
    else:
        query = _holders_by_key(entity, incoming)
    conn.execute(f"create or replace temp table {marked} as {query}")
    counts = conn.execute(
        f"select _holder_file_id, count(*) from {marked} group by _holder_file_id"
    ).fetchall()
    changed = sum(rows for holder, rows in counts if holder is None)
    return changed, {holder: rows for holder, rows in counts if holder is not None}
