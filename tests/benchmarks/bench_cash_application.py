"""Benchmark: the bank-matching models (cash application) on 1 million incoming bank
lines against 1 million open documents.

Prints figures, asserts nothing about time: `make bench` (LINES=… DOCUMENTS=… to scale).
Exits non-zero only when dbt fails or the cash application does not tie out to the bank
lines (a correctness failure, not a timing one).

The raw tables are filled with DuckDB SQL straight into the build database (CSV files and
the Python readers would take longer than the models at this size), then
`dbt run --select +bank_reconciliation +bank_account_reconciliation` builds everything
the matching needs, and target/run_results.json gives each model's execution time.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from orchestration.ingest.raw_tables import ensure_raw_schema

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"
AS_OF_DATE = "2026-12-31"
DOCUMENTS_PER_CLIENT = 10
ACCOUNTS = ["ES9121000418450200051332", "ES7900491500052810123456", "ES6601820000000201234567"]
MATCHING_MODELS = (
    "int_bank_incoming_lines",
    "int_bank_line_reference_keys",
    "int_bank_reference_candidates",
    "int_bank_payer_evidence",
    "int_bank_payers",
    "int_bank_line_references",
    "int_bank_receipt_matches",
    "int_bank_lines_matched",
    "cash_application",
)
DOWNSTREAM_MODELS = ("bank_reconciliation", "bank_account_reconciliation")

# How incoming line j behaves, by a hash of j into 0..99 (upper bounds, in order).
SCENARIOS = [
    (7, "registered"),       # a receipt the invoicing system registered (rule 1)
    (52, "reference"),       # the text names the document(s) (rule 2)
    (64, "exact_amount"),    # a known IBAN pays one document's total (rule 3)
    (70, "exact_sum"),       # ... the sum of 2-3 of its documents (rule 4)
    (78, "net_amount"),      # ... a document less 15 % IRPF on the net (rule 5)
    (88, "on_account"),      # "A CUENTA": FIFO (rule 6)
    (100, "unknown_payer"),  # an IBAN nobody has used for a document (rule 7)
]

LINEAGE = "'bench' as _sha256, now()::timestamp as _loaded_at"


def generate(conn: duckdb.DuckDBPyConnection, documents: int, lines: int) -> None:
    """Fills raw.clients, documents, receipts, allocations, bank_statements and
    bank_statement_lines. Deterministic: every draw is hash(row number, purpose)."""
    clients = max(1, documents // DOCUMENTS_PER_CLIENT)
    ensure_raw_schema(conn)

    conn.execute(f"""
        insert into raw.clients by name
        select
            'C' || lpad(c::varchar, 6, '0') as client_id,
            'B' || (10000000 + c)::varchar as tax_id,
            'CLIENTE ' || c || ' S.L.' as legal_name,
            'ES' as country,
            30 as payment_terms_days,
            'EUR' as currency,
            timestamp '2024-12-01' as updated_at,
            1 as _file_id, 'bench_clients.csv' as _source_file, c + 2 as _line_number, {LINEAGE}
        from range({clients}) as t(c)
    """)

    # Document i belongs to client i % clients, so a client's documents are i, i + clients,
    # i + 2 * clients, … in issue order: a line can pick "the same client's next document".
    conn.execute(f"""
        create temp table bench_documents as
        select
            i,
            i % {clients} as client_no,
            date '2025-01-01' + (i * 640 // {documents})::integer as issue_date,
            ((10000 + hash(i, 'net') % 500000)::decimal(18, 2) / 100)::decimal(18, 2) as net
        from range({documents}) as t(i)
    """)
    conn.execute("""
        create temp table bench_documents_full as
        select
            *,
            'F-' || year(issue_date) || '-' || lpad((i + 1)::varchar, 7, '0') as number,
            year(issue_date)::varchar as number_year,
            (i + 1)::varchar as number_seq,
            round(net * 0.21, 2)::decimal(18, 2) as tax,
            (net + round(net * 0.21, 2))::decimal(18, 2) as total
        from bench_documents
    """)
    conn.execute(f"""
        insert into raw.documents by name
        select
            'D' || lpad(i::varchar, 8, '0') as document_id,
            'invoice' as type,
            number,
            'C' || lpad(client_no::varchar, 6, '0') as client_id,
            issue_date,
            issue_date + (30 * (1 + hash(i, 'terms') % 2))::integer as due_date,
            'EUR' as currency,
            net, tax, 0.00 as withholding, total,
            -- A purchase order on one document in five: more keys for the references to miss.
            case when hash(i, 'po') % 5 = 0 then 'PO45' || lpad((i % 100000000)::varchar, 8, '0') end as purchase_order,
            'issued' as status,
            issue_date::timestamp as updated_at,
            2 as _file_id, 'bench_documents.csv' as _source_file, i + 2 as _line_number, {LINEAGE}
        from bench_documents_full
    """)

    scenario = "case " + " ".join(
        f"when hash(j, 'scenario') % 100 < {bound} then '{name}'" for bound, name in SCENARIOS
    ) + " end"
    # Line j comes from client j % clients; each client's lines pay its documents in issue
    # order, each line the next 0-3 documents its scenario needs, so no two lines aim at
    # the same document. A line that finds its client's documents used up pays on account.
    conn.execute(f"""
        create temp table bench_lines as
        with picks as (
            select
                j,
                j % {clients} as client_no,
                {scenario} as scenario,
                hash(j, 'variant') % 5 as variant,
                ({documents} - 1 - j % {clients}) // {clients} + 1 as client_documents
            from range({lines}) as t(j)
        ),
        needs as (
            select
                *,
                case
                    when scenario = 'exact_sum' then 2 + hash(j, 'three') % 2
                    when scenario = 'reference' and variant = 4 then 2
                    when scenario in ('on_account', 'unknown_payer') then 0
                    else 1
                end as needed
            from picks
        ),
        queued as (
            select
                *,
                sum(needed) over (partition by client_no order by j rows unbounded preceding) - needed as first_ordinal
            from needs
        ),
        planned as (
            select
                j, client_no, variant, needed,
                case when first_ordinal + needed > client_documents then 'on_account' else scenario end as scenario,
                -- Document i is client i % clients' (i // clients)-th.
                client_no + first_ordinal * {clients} as doc_no
            from queued
        )
        select
            l.j,
            l.scenario,
            l.client_no,
            d.i as doc_no,
            case
                when l.scenario = 'exact_sum' then d.total + p1.total + coalesce(p2.total, 0)
                when l.scenario = 'reference' and l.variant = 4 then d.total + p1.total
                when l.scenario = 'net_amount' then d.total - round(d.net * 0.15, 2)
                when l.scenario = 'on_account' then (5 + hash(l.j, 'amount') % 60) * 50.00
                when l.scenario = 'unknown_payer' then (1000 + hash(l.j, 'amount') % 400000)::decimal(18, 2) / 100
                else d.total
            end::decimal(18, 2) as amount,
            coalesce(p2.issue_date, p1.issue_date, d.issue_date, date '2025-01-15' + (hash(l.j, 'date') % 640)::integer)
                + (3 + hash(l.j, 'days') % 40)::integer as booking_date,
            case
                when l.scenario = 'unknown_payer' then 'DE89' || lpad((hash(l.j, 'iban') % 10000000000000000)::varchar, 18, '0')
                else 'ES76' || '21000418' || lpad(l.client_no::varchar, 12, '0')
            end as counterparty_account,
            case
                when l.scenario = 'unknown_payer' then 'PARTICULAR ' || l.j
                else 'CLIENTE ' || l.client_no || ' S.L.'
            end as counterparty_name,
            case l.scenario
                when 'reference' then case l.variant
                    when 0 then 'PAGO FRA ' || d.number
                    when 1 then 'Fra. F ' || d.number_year || ' ' || d.number_seq
                    when 2 then 'FRA ' || d.number_year || '/' || d.number_seq
                    when 3 then 'F' || d.number_year || lpad(d.number_seq, 7, '0')
                    else 'PAGO FRA ' || d.number || ' Y ' || p1.number
                end
                when 'registered' then case when l.variant < 2 then 'TRANSFERENCIA ' || d.number else 'TRANSFERENCIA' end
                when 'exact_sum' then 'PAGO FACTURAS'
                when 'on_account' then case when l.variant < 2 then 'PAGO A CUENTA B' || (10000000 + l.client_no) else 'PAGO A CUENTA' end
                else 'TRANSFERENCIA'
            end as remittance_text
        from planned as l
        left join bench_documents_full as d on d.i = l.doc_no and l.needed >= 1 and l.scenario <> 'on_account'
        left join bench_documents_full as p1 on p1.i = l.doc_no + {clients} and l.needed >= 2 and l.scenario <> 'on_account'
        left join bench_documents_full as p2 on p2.i = l.doc_no + 2 * {clients} and l.needed >= 3 and l.scenario <> 'on_account'
    """)

    # One registered receipt in ten has no allocation (rule 7: registered_without_allocation).
    conn.execute(f"""
        insert into raw.receipts by name
        select
            'R' || lpad(j::varchar, 8, '0') as receipt_id,
            'C' || lpad(client_no::varchar, 6, '0') as client_id,
            booking_date as date, 'EUR' as currency, amount, 'transfer' as method,
            3 as _file_id, 'bench_receipts.csv' as _source_file, j + 2 as _line_number, {LINEAGE}
        from bench_lines
        where scenario = 'registered'
    """)
    conn.execute(f"""
        insert into raw.allocations by name
        select
            'R' || lpad(j::varchar, 8, '0') as receipt_id,
            'D' || lpad(doc_no::varchar, 8, '0') as document_id,
            amount,
            4 as _file_id, 'bench_allocations.csv' as _source_file, j + 2 as _line_number, {LINEAGE}
        from bench_lines
        where scenario = 'registered' and hash(j, 'allocated') % 10 <> 0
    """)

    # Every incoming line, plus one debit per hundred, on one statement per account whose
    # opening + Σ lines = closing (the statement tie-out test would pass).
    accounts = ", ".join(f"({n}, '{iban}')" for n, iban in enumerate(ACCOUNTS))
    conn.execute(f"""
        create temp table bench_bank_lines as
        with movements as (
            select j, booking_date, amount, counterparty_name, counterparty_account, remittance_text,
                'TRF' as code
            from bench_lines
            union all
            select {lines} + k, date '2025-01-05' + (k * 670 // greatest({lines} // 100, 1))::integer,
                -((10000 + hash(k, 'debit') % 490000)::decimal(18, 2) / 100)::decimal(18, 2),
                null, null, case when k % 2 = 0 then 'COMISIONES' else 'NOMINAS' end, 'FEE'
            from range({lines} // 100) as t(k)
        )
        select
            accounts.iban as account,
            movements.*,
            movements.booking_date + (hash(movements.j, 'value') % 3)::integer as value_date,
            row_number() over (partition by accounts.iban order by movements.booking_date, movements.j) as line_number
        from movements
        inner join (values {accounts}) as accounts(account_no, iban)
            on accounts.account_no = movements.j % {len(ACCOUNTS)}
    """)
    conn.execute(f"""
        insert into raw.bank_statements by name
        select
            account || '|' || min(booking_date) || '|' || max(booking_date) || '|1' as statement_id,
            1 as statement_number, account, 'EUR' as currency,
            min(booking_date) as period_start, max(booking_date) as period_end,
            250000.00 as opening_balance, (250000.00 + sum(amount))::decimal(18, 2) as closing_balance,
            count(*) as line_count, 'camt053' as format,
            10 + list_position({ACCOUNTS}, account) as _file_id, 'bench_camt053_' || account || '.xml' as _source_file,
            {LINEAGE}
        from bench_bank_lines
        group by account
    """)
    conn.execute(f"""
        insert into raw.bank_statement_lines by name
        select
            statements.statement_id, lines.account, lines.line_number, lines.booking_date, lines.value_date,
            lines.amount, 'EUR' as currency, lines.counterparty_name, lines.counterparty_account,
            lines.remittance_text, lines.code as bank_transaction_code, 'BNK' || lines.j as reference,
            statements._file_id, statements._source_file, null as _line_number, {LINEAGE}
        from bench_bank_lines as lines
        inner join raw.bank_statements as statements on statements.account = lines.account
    """)


def run_dbt(home: Path) -> tuple[float, dict[str, float]]:
    """`dbt run` of everything the matching marts need; wall time and seconds per model."""
    command = [
        str(DBT), "run",
        "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(home / "dbt_target"), "--log-path", str(home / "dbt_logs"),
        "--select", "+bank_reconciliation", "+bank_account_reconciliation",
        "--vars", json.dumps({"as_of_date": AS_OF_DATE}),
    ]
    env = {**os.environ, "CARTERA_HOME": str(home), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(result.stdout[-6000:] + result.stderr[-3000:])
    run_results = json.loads((home / "dbt_target" / "run_results.json").read_text())
    return elapsed, {r["unique_id"].split(".")[-1]: r["execution_time"] for r in run_results["results"]}


def main() -> None:
    lines = int(os.environ.get("LINES", "1000000"))
    documents = int(os.environ.get("DOCUMENTS", "1000000"))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        database = home / "build" / "cartera.duckdb"
        database.parent.mkdir()

        started = time.perf_counter()
        with duckdb.connect(str(database)) as conn:
            generate(conn, documents=documents, lines=lines)
        print(f"generated {documents} documents and {lines} incoming bank lines in {time.perf_counter() - started:.1f} s")

        # Another process on the cores (a test run) doubles these times on a 2-core machine.
        print(f"load average before dbt: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
        elapsed, seconds = run_dbt(home)
        print(f"dbt run (+bank_reconciliation +bank_account_reconciliation, {len(seconds)} models): {elapsed:.1f} s wall, parsing included")
        for group, names in (("matching models", MATCHING_MODELS), ("downstream", DOWNSTREAM_MODELS)):
            print(f"{group}: {sum(seconds[name] for name in names):.1f} s")
            for name in names:
                print(f"  {name}: {seconds[name]:.1f} s")
        upstream = {name: t for name, t in seconds.items() if name not in MATCHING_MODELS + DOWNSTREAM_MODELS}
        slowest = sorted(upstream.items(), key=lambda item: -item[1])[:3]
        print(f"upstream ({len(upstream)} models): {sum(upstream.values()):.1f} s; slowest "
              + ", ".join(f"{name} {t:.1f} s" for name, t in slowest))

        with duckdb.connect(str(database), read_only=True) as conn:
            def one(sql: str):
                return conn.execute(sql).fetchone()

            print(f"documents: {one('select count(*) from raw.documents')[0]}, open: "
                  f"{one('select count(*) from marts.fct_documents where outstanding_amount > 0')[0]}; "
                  f"incoming lines: {one('select count(*) from intermediate.int_bank_incoming_lines')[0]}, "
                  f"with a known payer: {one('select count(payer_client_id) from intermediate.int_bank_payers')[0]}")
            print("rule (unapplied: reason)                   rows    lines          applied        unapplied")
            for rule, rows, line_count, applied, unapplied in conn.execute("""
                select match_rule || coalesce(': ' || unapplied_reason, ''), count(*), count(distinct bank_line_id),
                    coalesce(sum(applied_amount), 0), coalesce(sum(unapplied_amount), 0)
                from marts.cash_application
                group by all
                order by min(rule_order), 1
            """).fetchall():
                print(f"  {rule:<40} {rows:>7} {line_count:>7} {applied:>16,.2f} {unapplied:>16,.2f}")

            # Incoming money from raw, independently of the models, against what the cash
            # application accounted for.
            incoming, applied, unapplied = one(f"""
                select
                    (select sum(amount) from raw.bank_statement_lines where amount > 0 and booking_date <= date '{AS_OF_DATE}'),
                    (select sum(applied_amount) from marts.cash_application),
                    (select sum(unapplied_amount) from marts.cash_application)
            """)
            ties = applied + unapplied == incoming
            print(f"tie-out: applied {applied:,.2f} + unapplied {unapplied:,.2f} = {applied + unapplied:,.2f}"
                  f" vs incoming {incoming:,.2f}: {'equal' if ties else 'NOT EQUAL'}")
    if not ties:
        sys.exit(1)


if __name__ == "__main__":
    main()
