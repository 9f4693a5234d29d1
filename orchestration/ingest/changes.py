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
Contents are compared first by the lines' fingerprints (readers/staged_export.py: equal
fingerprints read as equal values, which the reader already relies on to skip a known
line), then column by column, NULL equal to NULL, for the rows whose fingerprints differ
or are missing: a row is never found repeated unless its values are equal.
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


def _holders_by_key(entity: str, incoming: str, marked: str) -> list[str]:
    """Statements making `marked`. A line with the fingerprint of its key's latest row in
    raw repeats it (equal fingerprints, equal values); only the lines left are compared
    column by column, with the latest rows of their keys: a full snapshot costs one join
    on one number (at L, documents.csv's 7.7 M lines: 7.1 -> 3.6 s), and a line read from
    another layout (another delimiter, columns reordered: another fingerprint) is still
    found repeated by its values."""
    columns = CONTRACT[entity].column_names
    key = CONTRACT[entity].key
    ranked = f"qualify row_number() over (partition by {', '.join(_quoted(key))} order by _file_id desc, _line_number desc) = 1"
    return [
        f"""
        create or replace temp table {marked} as
        select incoming.*, latest._file_id as _holder_file_id
        from {incoming} as incoming
        left join (select _line_fingerprint, _file_id from raw.{entity} {ranked}) as latest
            on latest._line_fingerprint = incoming._line_fingerprint
        """,
        f"""
        update {marked} set _holder_file_id = latest._file_id
        from (
            select {', '.join(_quoted(columns))}, _file_id
            from raw.{entity} as stored
            where exists (
                select 1 from {marked} as unmatched
                where unmatched._holder_file_id is null and {_same(key, 'unmatched', 'stored')}
            )
            {ranked}
        ) as latest
        where {marked}._holder_file_id is null and {_same(columns, marked, 'latest')}
        """,
    ]


def _holders_by_parent(entity: str, parent: str, incoming: str, marked: str) -> list[str]:
    """Statements making `marked`. A parent whose lines carry the fingerprints of its rows
    in raw repeats them (equal fingerprints, equal values); only the other parents, and
    those with a row of no fingerprint, are compared column by column (at L,
    allocations.csv's 9 M lines). A parent re-exported in another layout has other
    fingerprints and is still found repeated by its values."""
    columns = ", ".join(_quoted(CONTRACT[entity].column_names))
    latest = f"{marked}_latest"
    unconfirmed = f"(select {parent} from {marked}_unconfirmed)"
    return [
        f"""
        create or replace temp table {latest} as
        select {parent}, _line_fingerprint, _file_id
        from raw.{entity}
        where {parent} in (select {parent} from {incoming})
        qualify _file_id = max(_file_id) over (partition by {parent})
        """,
        f"""
        create or replace temp table {marked}_unconfirmed as
        -- A parent's lines are unique in a file (a repeated key is refused) and a line's
        -- fingerprint names its parent, so a line of either side that the other lacks
        -- (or that has no fingerprint, which matches nothing) leaves its parent unconfirmed.
        select distinct coalesce(incoming.{parent}, latest.{parent}) as {parent}
        from {incoming} as incoming
        full join {latest} as latest
            on latest._line_fingerprint = incoming._line_fingerprint
            and latest.{parent} = incoming.{parent}
        where incoming._line_number is null or latest._file_id is null
        """,
        f"""
        create or replace temp table {marked} as
        with compared as (
            select {columns}
            from raw.{entity}
            where {parent} in {unconfirmed}
            qualify _file_id = max(_file_id) over (partition by {parent})
        ),
        differing as (
            select {parent} from (
                select {columns} from {incoming} where {parent} in {unconfirmed}
                except all
                select {columns} from compared
            ) as only_incoming
            union
            select {parent} from (
                select {columns} from compared
                except all
                select {columns} from {incoming} where {parent} in {unconfirmed}
            ) as only_latest
        ),
        holders as (
            select {parent}, any_value(_file_id) as holder_file_id
            from {latest}
            where {parent} not in (select {parent} from differing)
            group by {parent}
        )
        select incoming.*, holders.holder_file_id as _holder_file_id
        from {incoming} as incoming
        left join holders on holders.{parent} = incoming.{parent}
        """,
        f"drop table {latest}",
        f"drop table {marked}_unconfirmed",
    ]


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
        statements = [f"create or replace temp table {marked} as select *, null::BIGINT as _holder_file_id from {incoming}"]
    elif parent:
        statements = _holders_by_parent(entity, parent, incoming, marked)
    else:
        statements = _holders_by_key(entity, incoming, marked)
    for statement in statements:
        conn.execute(statement)
    counts = conn.execute(
        f"select _holder_file_id, count(*) from {marked} group by _holder_file_id"
    ).fetchall()
    changed = sum(rows for holder, rows in counts if holder is None)
    return changed, {holder: rows for holder, rows in counts if holder is not None}
