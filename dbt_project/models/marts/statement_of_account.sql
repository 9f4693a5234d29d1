{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='client_id',
    on_schema_change='sync_all_columns',
    post_hook=["{{ move_kept_rows_to_as_of_date() }}", "{{ drop_statements_gone() }}"]
) }}
-- One row per movement of a client's account up to the as-of date, per document
-- currency, in date order with its running balance (int_ar_ledger's movements).
--
-- Kept by client (DECISIONLOG: Statements by the day): a statement (client and currency)
-- is a function of its valued movements up to the as-of date alone, so a build values
-- the movements of the clients whose statement may have moved (candidate_clients, below),
-- fingerprints each of their statements, and numbers and balances again only the
-- clients with a statement whose fingerprint is not stored (delete+insert by client);
-- the others' rows move to the build's as-of date (the post-hook: the candidates read the
-- date the stored rows answer for). The model's code, the reporting currency and the
-- money cast are in the fingerprint and in _model_version: a table with rows of another
-- version values every movement, and numbers every client again.
{%- set movement_columns = ['currency_code', 'movement_source', 'movement_type', 'movement_id', 'client_name',
    'movement_date', 'recorded_date', 'reference', 'movement_amount', 'movement_reporting_amount'] %}
{%- set rules = var('reporting_currency') ~ money('amount') %}
{%- set fingerprint_prefix = model_version(rules=rules) %}
{%- set kept = is_incremental() and holds_column('_movements_fingerprint') %}
{#- The position the candidates are read after: none (value every movement) for an empty
    table, rows of another version, or a withdrawal of an invoicing file since. #}
{%- set position = read_after(reduction_entities(), rules=rules)
    if kept and holds_column('_model_version') else none %}
{%- set by_candidates = position is not none %}
-- Movements count from the ledger's movement_date, as the aging counts them, so the
-- closing balance is the client's net balance of ar_aging in that currency.
-- The reporting-currency amounts follow the aging's FX rules exactly (see DECISIONLOG:
-- statement of account), so their closing balance ties to ar_aging to the cent.
-- Built after fct_documents, never beside it: the two largest marts at once need more than
-- DuckDB's memory cap at L, shared by dbt's two threads (DECISIONLOG: DuckDB's memory cap).
-- The candidates (below) read the positions of the kept tables named here.
-- depends_on: {{ ref('fct_documents') }}, {{ ref('int_receivable_item_balances') }}, {{ ref('stg_invoicing__documents') }}, {{ ref('int_receipts') }}
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),
{%- if by_candidates %}

-- The clients whose statement may have moved since the table's last build: everything a
-- valued movement reads, by the positions of the kept tables it comes from (their rows
-- computed since: computed_since_last_build) and by the dates between the as-of date the
-- stored rows answer for and this build's. The fingerprints below then tell which of them
-- did move. A candidate too many costs its valuation; one too few would keep a statement
-- that moved, which the tests' full builds would show.
moved_dates as (
    select
        least(stored.as_of_date, build.as_of_date) as after_date,
        greatest(stored.as_of_date, build.as_of_date) as through_date
    from (select max(as_of_date) as as_of_date from {{ this }}) as stored
    cross join as_of as build
),

-- A document's value and its reductions' shares: its items (amounts, rates) and its
-- reductions, every column of which the periods' fingerprint holds (the balances compute
-- a document again when one moved: item_balance_fingerprints), and what it owes at the
-- as-of date: its periods start on its issue date (its movement's date, below) and on its
-- reductions' effective dates.
candidate_documents as (
    {{ computed_since_last_build(ref('int_receivable_item_balances')) }}
    union
    select reductions.document_id
    from {{ ref('int_document_reductions') }} as reductions
    cross join moved_dates
    where reductions.effective_date > moved_dates.after_date and reductions.effective_date <= moved_dates.through_date
),

-- A receipt's value: its shares of the documents it paid (every reduction of a candidate
-- document takes another share of its settled value) and its unapplied rest, whose
-- periods start on its payment date (its movement's date) and on its allocations'
-- effective dates (their documents are candidates).
candidate_receipts as (
    select receipt_id
    from {{ ref('int_document_reductions') }}
    where receipt_id is not null and document_id in (select document_id from candidate_documents)
    union
    {{ computed_since_last_build(ref('int_receipt_balances'), 'receipt_id') }}
),

-- A withholding and a linked credit note are of the client of the document they reduce
-- (the ledger gives a withholding its document's client; a note linked across clients is
-- read as unlinked), so a candidate document brings theirs; a receipt can have paid
-- another client's document (one whose client was corrected since).
candidate_clients as (
    -- Movements computed since (not the withholdings, which the ledger computes on every
    -- build: their documents' periods move with them), dated between the as-of dates, or
    -- valued from a candidate above.
    select movements.client_id
    from {{ ref('int_ar_ledger') }} as movements
    cross join moved_dates
    where movements.client_id in (
            select client_id
            from ({{ computed_since_last_build(ref('int_ar_ledger'), 'client_id, movement_source') }}) as computed
            where movement_source <> 'withholding')
        or (movements.movement_date > moved_dates.after_date and movements.movement_date <= moved_dates.through_date)
        or (movements.movement_source = 'document' and movements.movement_id in (select document_id from candidate_documents))
        or (movements.movement_source = 'receipt' and movements.movement_id in (select receipt_id from candidate_receipts))
    union
    -- A stored movement the ledger computed again may be gone (a void document): the
    -- ledger's own rule for the movements it deletes.
    select client_id
    from {{ this }}
    where (movement_source = 'document' and movement_id in ({{ documents_staged_since(position) }}))
        or (movement_source = 'receipt' and movement_id in ({{ receipts_computed_since(position) }}))
    union
    -- A client renamed.
    select client_id
    from (
        select client_id, client_name from {{ this }} where movement_seq = 1
        except
        select client_id, client_name from {{ ref('int_clients_current') }}
    ) as renamed
),

-- The candidates' movements, and the documents their values read: theirs (with those
-- their withholdings and linked credit notes reduce) and those their receipts paid.
ledger_movements as (
    select *
    from {{ ref('int_ar_ledger') }}
    where client_id in (select client_id from candidate_clients)
),

valued_documents as (
    select movement_id as document_id from ledger_movements where movement_source = 'document'
    union
    select document_id
    from {{ ref('int_document_reductions') }}
    where receipt_id in (select movement_id from ledger_movements where movement_source = 'receipt')
),
{%- else %}

ledger_movements as (
    select * from {{ ref('int_ar_ledger') }}
),
{%- endif %}

reductions as (
    select *
    from {{ ref('int_document_reductions') }}
    where effective_date <= (select as_of_date from as_of)
    {%- if by_candidates %}
        and document_id in (select document_id from valued_documents)
    {%- endif %}
),

-- The reporting value of each document at the as-of date, as the aging has it: its
-- instalments converted one by one at the issue date's rate.
document_values as (
    select
        document_id,
        sum(installment_reporting_amount) as document_reporting_amount,
        sum(installment_reporting_amount - outstanding_reporting_amount) as settled_reporting_amount,
        max(to_reporting_factor) as to_reporting_factor
    from {{ ref('fct_installments') }}
    {%- if by_candidates %}
    where document_id in (select document_id from valued_documents)
    {%- endif %}
    group by document_id
),

-- A document's settled reporting value is shared over the reductions that settled it
-- in date order: each takes the rounded cumulative less the rounded cumulative before it
-- (what the earlier ones took), the last one takes the remainder, so the shares add up to
-- the aging's figure to the cent. One window (one sort per document) gives the cumulative,
-- the position and the count; the cumulative before a reduction is its cumulative less
-- its own amount.
cumulative_reductions as (
    select
        reductions.reduction_type,
        reductions.reduction_id,
        reductions.receipt_id,
        reductions.reduction_amount,
        document_values.settled_reporting_amount,
        document_values.to_reporting_factor,
        sum(reductions.reduction_amount) over settlement_order as cumulative_amount,
        row_number() over settlement_order as settlement_seq,
        count(*) over (partition by reductions.document_id) as settlements
    from reductions
    inner join document_values
        on document_values.document_id = reductions.document_id
    window settlement_order as (
        partition by reductions.document_id
        order by reductions.effective_date, reductions.reduction_type, reductions.reduction_id
        rows between unbounded preceding and current row
    )
),

reduction_values as (
    select
        reduction_type,
        reduction_id,
        receipt_id,
        case
            when settlement_seq = settlements then settled_reporting_amount
            else {{ to_reporting('cumulative_amount', 'to_reporting_factor') }}
        end - {{ to_reporting('cumulative_amount - reduction_amount', 'to_reporting_factor') }} as reduction_reporting_amount
    from cumulative_reductions
),

-- A receipt is worth its applied shares plus its unapplied rest at the payment date's rate.
receipt_values as (
    select
        unapplied.receipt_id,
        unapplied.unapplied_reporting_amount + coalesce(applied.applied_reporting_amount, 0) as receipt_reporting_amount
    from ({{ unapplied_receipts('select as_of_date from ' ~ ref('int_as_of_date')) }}) as unapplied
    left join (
        select receipt_id, sum(reduction_reporting_amount) as applied_reporting_amount
        from reduction_values
        where reduction_type = 'receipt'
        group by receipt_id
    ) as applied
        on applied.receipt_id = unapplied.receipt_id
    {%- if by_candidates %}
    where unapplied.receipt_id in (select movement_id from ledger_movements where movement_source = 'receipt')
    {%- endif %}
),

-- Every movement read (the candidates', or the whole ledger's) is valued, not only those
-- up to the as-of date: the later
-- ones are dropped after the running balances (below). Filtered first, the movements were
-- what DuckDB built its hash joins on (it estimated 98,511 of L's 15.8 M movements left by
-- the as-of filter), and at L those wide rows ran out of memory at a 5.5 GiB cap
-- (DECISIONLOG: statement of account at L). Unfiltered, it builds them on the values.
valued_movements as (
    select
        movements.movement_source,
        movements.movement_type,
        movements.movement_id,
        movements.client_id,
        clients.client_name,
        movements.currency_code,
        movements.movement_date,
        movements.recorded_date,
        movements.reference,
        movements.movement_amount,
        case
            when movements.movement_source = 'receipt' then -receipt_values.receipt_reporting_amount
            when movements.movement_source = 'withholding' then -withholding_values.reduction_reporting_amount
            when linked_credit_values.reduction_id is not null then -linked_credit_values.reduction_reporting_amount
            else document_values.document_reporting_amount
        end as movement_reporting_amount
    from ledger_movements as movements
    left join receipt_values
        on movements.movement_source = 'receipt'
        and receipt_values.receipt_id = movements.movement_id
    left join reduction_values as withholding_values
        on movements.movement_source = 'withholding'
        and withholding_values.reduction_type = 'withholding'
        and withholding_values.reduction_id = movements.movement_id
    left join reduction_values as linked_credit_values
        on movements.movement_source = 'document'
        and linked_credit_values.reduction_type = 'credit_note'
        and linked_credit_values.reduction_id = movements.movement_id
    left join document_values
        on movements.movement_source = 'document'
        and document_values.document_id = movements.movement_id
    left join {{ ref('int_clients_current') }} as clients
        on clients.client_id = movements.client_id
),

{%- if kept %}
-- Everything a statement (a client and currency) is computed from, one fingerprint each:
-- its valued movements up to the as-of date, whatever their order.
statement_fingerprints as (
    select
        client_id,
        currency_code,
        {{ fingerprint_of_columns(fingerprint_prefix, movement_columns) }} as movements_fingerprint
    from valued_movements
    where movement_date <= (select as_of_date from as_of)
    group by client_id, currency_code
),

-- The clients this build numbers again (every statement of theirs: the table is replaced
-- by client): one of their statements is not the one stored. A statement with no
-- movement left goes in the post-hook. Every row of a stored statement carries its
-- fingerprint, so its first row alone is read: the except built its hash table on every
-- stored row (15.8 M at L, 6.8 s) rather than on one per statement.
computed as (
    select distinct client_id
    from (
        select client_id, currency_code, movements_fingerprint from statement_fingerprints
        except
        select client_id, currency_code, _movements_fingerprint from {{ this }}
        where movement_seq = 1
    ) as changed
),
{%- endif %}

-- The position and both running balances share one window (one sort per client and
-- currency): (movement_source, movement_id) is unique, so the order is total and a
-- running sum in it is the running sum in movement_seq order. A movement after the as-of
-- date sorts after every movement up to it, so dropping it after the window leaves each
-- earlier movement's position and balances as they would be without it.
ordered as (
    select
        valued_movements.*,
        -- The same fingerprint as statement_fingerprints', over the same window's rows.
        {{ fingerprint_of_columns(fingerprint_prefix, movement_columns,
            over='partition by client_id, currency_code',
            where='movement_date <= (select as_of_date from as_of)') }} as movements_fingerprint,
        row_number() over (
            partition by client_id, currency_code
            order by movement_date, movement_source, movement_id
        ) as movement_seq,
        sum(movement_amount) over (
            partition by client_id, currency_code
            order by movement_date, movement_source, movement_id
            rows between unbounded preceding and current row
        ) as running_balance_amount,
        sum(movement_reporting_amount) over (
            partition by client_id, currency_code
            order by movement_date, movement_source, movement_id
            rows between unbounded preceding and current row
        ) as running_balance_reporting_amount
    from valued_movements
    {%- if kept %}
    where client_id in (select client_id from computed)
    {%- endif %}
)

select
    (select as_of_date from as_of) as as_of_date,
    ordered.client_id,
    ordered.client_name,
    ordered.currency_code,
    ordered.movement_seq,
    ordered.movement_date,
    ordered.recorded_date,
    ordered.movement_source,
    ordered.movement_type,
    ordered.movement_id,
    ordered.reference,
    {{ money('case when ordered.movement_amount > 0 then ordered.movement_amount else 0 end') }} as debit_amount,
    {{ money('case when ordered.movement_amount < 0 then -ordered.movement_amount else 0 end') }} as credit_amount,
    ordered.movement_amount,
    {{ money('ordered.running_balance_amount') }} as running_balance_amount,
    '{{ var("reporting_currency") }}' as reporting_currency_code,
    {{ money('ordered.movement_reporting_amount') }} as movement_reporting_amount,
    {{ money('ordered.running_balance_reporting_amount') }} as running_balance_reporting_amount,
    ordered.movements_fingerprint as _movements_fingerprint,
    {{ fingerprint_prefix }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from ordered
where ordered.movement_date <= (select as_of_date from as_of)
-- Stored by client: the client file reads one client's statement, and DuckDB then reads
-- only the row groups whose min/max of client_id holds it (at L its three queries 31-64 ->
-- 1-4 ms of CPU; the sort costs no CPU beyond the noise of the build, DECISIONLOG:
-- statement of account at L).
order by ordered.client_id
