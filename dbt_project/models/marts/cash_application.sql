{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='sync_all_columns',
    pre_hook=[
        "{{ drop_cash_application_read_again() }}",
        "{{ drop_changed_booking_months(cash_application_month_fingerprints()) }}",
        "{{ move_kept_rows_to_as_of_date() }}",
    ]
) }}
{#- One row per incoming bank line booked by the as-of date and document it pays, plus one
    row for whatever part of the line no rule applied. The rules run in order on what the
    rules before left (DECISIONLOG: Cash application).

    Kept by month (DECISIONLOG: Cash application by the month): the rows of the registered
    lines booked in a month depend on that month's lines, payers and matched receipts
    (cash_application_month_fingerprints) and on the allocations and documents they name
    (drop_cash_application_read_again), so a build computes the registered lines of the
    months the table does not hold, and every line nobody registered. -#}
{%- set max_in_sum = var('cash_application_max_documents_in_sum') | int %}
{%- set searched = var('cash_application_documents_searched') | int %}
with as_of as (
    select as_of_date from {{ ref('int_as_of_date') }}
),

-- The months whose registered lines this build computes: those the table does not hold.
computed_months as (
    {{ booking_months_to_compute('(select booking_date from ' ~ ref('int_bank_incoming_lines')
        ~ ' where booking_date <= (' ~ build_as_of_date() ~ '))') }}
),

fingerprints as (
    {{ cash_application_month_fingerprints('computed_months') }}
),

registered_lines as (
    select bank_line_id, bank_account, booking_date, value_date, currency_code, line_amount,
        payer_client_id, payer_source, receipt_id
    from {{ ref('int_bank_lines_matched') }}
    where receipt_id is not null
        and booking_date <= (select as_of_date from as_of)
        and {{ month_of('booking_date') }} in (select booking_month from computed_months)
),

unregistered_lines as (
    select bank_line_id, bank_account, booking_date, value_date, currency_code, line_amount,
        payer_client_id, payer_source, cast(null as {{ dbt.type_string() }}) as receipt_id
    from {{ ref('int_bank_lines_unregistered') }}
    where booking_date <= (select as_of_date from as_of)
),

-- The lines whose rows this build writes.
lines as (
    select * from registered_lines
    union all
    select * from unregistered_lines
),

open_documents as (
    select
        document_id,
        document_number,
        client_id,
        currency_code,
        issue_date,
        due_date,
        net_amount,
        withholding_amount,
        total_amount,
        early_discount_pct,
        early_discount_days,
        outstanding_amount
    from {{ ref('fct_documents') }}
    where document_type in ('invoice', 'debit_note') and outstanding_amount > 0
),

-- Rule 1: the invoicing system registered this money; its allocations are the application.
registered_allocations as (
    select
        lines.bank_line_id,
        lines.booking_date,
        lines.line_amount,
        lines.receipt_id,
        allocations.document_id,
        allocations.allocated_amount,
        sum(allocations.allocated_amount) over (
            partition by lines.bank_line_id order by allocations.allocation_id
            rows between unbounded preceding and current row
        ) as allocated_to_here
    from registered_lines as lines
    inner join {{ ref('stg_invoicing__allocations') }} as allocations
        on allocations.receipt_id = lines.receipt_id
),

-- One row per document even when the receipt paid two of its instalments.
rule_1 as (
    select
        bank_line_id,
        document_id,
        receipt_id,
        sum(least(allocated_amount, greatest(line_amount - (allocated_to_here - allocated_amount), 0))) as applied_amount
    from registered_allocations
    group by bank_line_id, document_id, receipt_id
),

-- Rule 2: the text names the document. A line pays the documents it names in the order
-- it names them, each up to what is open; a document named by several lines goes to
-- the earliest first.
reference_claims as (
    select
        line_references.bank_line_id,
        line_references.document_id,
        unregistered_lines.booking_date,
        open_documents.outstanding_amount,
        least(open_documents.outstanding_amount, greatest(unregistered_lines.line_amount - (
            sum(open_documents.outstanding_amount) over (
                partition by line_references.bank_line_id
                order by line_references.reference_no, line_references.document_id
                rows between unbounded preceding and current row
            ) - open_documents.outstanding_amount), 0)) as claimed_amount
    from {{ ref('int_bank_line_references') }} as line_references
    inner join unregistered_lines
        on unregistered_lines.bank_line_id = line_references.bank_line_id
    inner join open_documents
        on open_documents.document_id = line_references.document_id
        and open_documents.currency_code = unregistered_lines.currency_code
),

rule_2 as (
    select
        bank_line_id,
        document_id,
        greatest(least(claimed_amount, outstanding_amount - coalesce(sum(claimed_amount) over (
            partition by document_id order by booking_date, bank_line_id
            rows between unbounded preceding and 1 preceding
        ), 0)), 0) as applied_amount
    from reference_claims
),

lines_3 as ({{ remaining_after('unregistered_lines', 'bank_line_id', 'line_amount', ['rule_2']) }}),
documents_3 as ({{ remaining_after('open_documents', 'document_id', 'outstanding_amount', ['rule_2']) }}),

-- Rule 3: a known payer pays exactly what one of its open documents still owes.
exact_amount_candidates as (
    select lines_3.bank_line_id, lines_3.booking_date, documents_3.document_id, documents_3.due_date,
        lines_3.remaining_amount as applied_amount
    from lines_3
    inner join documents_3
        on documents_3.client_id = lines_3.payer_client_id
        and documents_3.currency_code = lines_3.currency_code
        and documents_3.remaining_amount = lines_3.remaining_amount
        and documents_3.issue_date <= lines_3.booking_date
    where lines_3.remaining_amount > 0
),

rule_3 as ({{ chosen_by_both('exact_amount_candidates', 'due_date') }}),

lines_4 as ({{ remaining_after('unregistered_lines', 'bank_line_id', 'line_amount', ['rule_2', 'rule_3']) }}),
documents_4 as ({{ remaining_after('open_documents', 'document_id', 'outstanding_amount', ['rule_2', 'rule_3']) }}),

-- Rule 4: a known payer pays exactly the sum of 2 to max_in_sum of its open documents,
-- looked for among its `searched` oldest (by due date), so the search stays bounded.
searched_documents as (
    select *
    from (
        select
            documents_4.*,
            row_number() over (
                partition by documents_4.client_id, documents_4.currency_code
                order by documents_4.due_date, documents_4.issue_date, documents_4.document_id
            ) as age_rank
        from documents_4
        where documents_4.remaining_amount > 0
            and documents_4.client_id in (select payer_client_id from lines_4 where remaining_amount > 0)
    ) as ranked
    where age_rank <= {{ searched }}
),

combinations as (
{%- for size in range(2, max_in_sum + 1) %}
    select
        d1.client_id,
        d1.currency_code,
        [{% for i in range(1, size + 1) %}d{{ i }}.document_id{{ ", " if not loop.last }}{% endfor %}] as document_ids,
        [{% for i in range(1, size + 1) %}d{{ i }}.age_rank{{ ", " if not loop.last }}{% endfor %}] as age_ranks,
        {% for i in range(1, size + 1) %}d{{ i }}.remaining_amount{{ " + " if not loop.last }}{% endfor %} as combined_amount,
        greatest({% for i in range(1, size + 1) %}d{{ i }}.issue_date{{ ", " if not loop.last }}{% endfor %}) as latest_issue_date
    from searched_documents as d1
    {%- for i in range(2, size + 1) %}
    inner join searched_documents as d{{ i }}
        on d{{ i }}.client_id = d1.client_id
        and d{{ i }}.currency_code = d1.currency_code
        and d{{ i }}.age_rank > d{{ i - 1 }}.age_rank
    {%- endfor %}
    {{ "union all" if not loop.last }}
{%- endfor %}
),

-- Each line takes the combination of the fewest, oldest documents; a document two lines
-- chose goes to the earlier line, and the later one leaves the rule.
sum_choices as (
    select *
    from (
        select
            lines_4.bank_line_id,
            lines_4.booking_date,
            combinations.document_ids,
            row_number() over (
                partition by lines_4.bank_line_id
                order by len(combinations.age_ranks), combinations.age_ranks
            ) as line_choice
        from lines_4
        inner join combinations
            on combinations.client_id = lines_4.payer_client_id
            and combinations.currency_code = lines_4.currency_code
            and combinations.combined_amount = lines_4.remaining_amount
            and combinations.latest_issue_date <= lines_4.booking_date
        where lines_4.remaining_amount > 0
    ) as ranked
    where line_choice = 1
),

sum_claims as (
    select
        *,
        row_number() over (partition by document_id order by booking_date, bank_line_id) as document_choice
    from (select bank_line_id, booking_date, unnest(document_ids) as document_id from sum_choices) as claimed
),

rule_4 as (
    select sum_claims.bank_line_id, sum_claims.document_id, documents_4.remaining_amount as applied_amount
    from sum_claims
    inner join documents_4
        on documents_4.document_id = sum_claims.document_id
    where sum_claims.bank_line_id not in (select bank_line_id from sum_claims where document_choice > 1)
),

lines_5 as ({{ remaining_after('unregistered_lines', 'bank_line_id', 'line_amount', ['rule_2', 'rule_3', 'rule_4']) }}),
documents_5 as ({{ remaining_after('open_documents', 'document_id', 'outstanding_amount', ['rule_2', 'rule_3', 'rule_4']) }}),

-- Rule 5: a known payer pays one open document less what it may deduct: the early-payment
-- discount the document offers (paid within its days) or a withholding at an expected
-- rate on the net (when the document withholds nothing itself).
expected_deductions as (
    select
        document_id,
        'early_payment_discount' as deduction_type,
        -- "* 0.01", not "/ 100": DuckDB divides decimals into a DOUBLE, and money stays DECIMAL.
        cast(round({{ wide('total_amount') }} * early_discount_pct * 0.01, 2) as decimal(18, 2)) as deduction_amount,
        issue_date + cast(early_discount_days as integer) as deduction_deadline
    from documents_5
    where remaining_amount > 0 and early_discount_pct > 0
    {%- for rate in var('expected_withholding_rates') %}
    union all
    select
        document_id,
        'withholding',
        cast(round({{ wide('net_amount') }} * {{ rate }} * 0.01, 2) as decimal(18, 2)),
        cast(null as date)
    from documents_5
    where remaining_amount > 0 and coalesce(withholding_amount, 0) = 0 and net_amount > 0
    {%- endfor %}
),

-- What each open document asks for after each deduction it allows: a line meets it on
-- (payer, currency, amount), so a payer with many open documents is not paired with all of
-- them first.
net_payable_documents as (
    select
        documents_5.document_id,
        documents_5.client_id,
        documents_5.currency_code,
        documents_5.issue_date,
        documents_5.due_date,
        expected_deductions.deduction_type,
        expected_deductions.deduction_amount,
        expected_deductions.deduction_deadline,
        documents_5.remaining_amount - expected_deductions.deduction_amount as net_payable_amount
    from documents_5
    inner join expected_deductions
        on expected_deductions.document_id = documents_5.document_id
),

net_amount_candidates as (
    select
        lines_5.bank_line_id,
        lines_5.booking_date,
        net_payable_documents.document_id,
        net_payable_documents.due_date,
        net_payable_documents.deduction_type,
        net_payable_documents.deduction_amount,
        lines_5.remaining_amount as applied_amount
    from lines_5
    inner join net_payable_documents
        on net_payable_documents.client_id = lines_5.payer_client_id
        and net_payable_documents.currency_code = lines_5.currency_code
        and net_payable_documents.net_payable_amount = lines_5.remaining_amount
        and net_payable_documents.issue_date <= lines_5.booking_date
        and (net_payable_documents.deduction_deadline is null or lines_5.booking_date <= net_payable_documents.deduction_deadline)
    where lines_5.remaining_amount > 0
),

rule_5 as ({{ chosen_by_both('net_amount_candidates', 'due_date, deduction_type') }}),

lines_6 as ({{ remaining_after('unregistered_lines', 'bank_line_id', 'line_amount', ['rule_2', 'rule_3', 'rule_4', 'rule_5']) }}),
-- A document rule 5 settled is settled: its deduction is expected, not open to others.
documents_6 as (
    select *
    from ({{ remaining_after('open_documents', 'document_id', 'outstanding_amount', ['rule_2', 'rule_3', 'rule_4', 'rule_5']) }}) as left_open
    where document_id not in (select document_id from rule_5)
),

-- Rule 6: what a known payer sent beyond that is suggested for its open documents oldest
-- due date first (lines in booking order), like unapplied cash against the oldest debt.
fifo_lines as (
    select
        *,
        sum(remaining_amount) over (
            partition by payer_client_id, currency_code order by booking_date, bank_line_id
            rows between unbounded preceding and current row
        ) as cumulative_end
    from lines_6
    where payer_client_id is not null and remaining_amount > 0
),

fifo_documents as (
    select
        *,
        sum(remaining_amount) over (
            partition by client_id, currency_code order by due_date, issue_date, document_id
            rows between unbounded preceding and current row
        ) as cumulative_end
    from documents_6
    where remaining_amount > 0
        and client_id in (select payer_client_id from fifo_lines)
),

rule_6 as (
    select
        fifo_lines.bank_line_id,
        fifo_documents.document_id,
        least(fifo_lines.cumulative_end, fifo_documents.cumulative_end)
            - greatest(fifo_lines.cumulative_end - fifo_lines.remaining_amount,
                       fifo_documents.cumulative_end - fifo_documents.remaining_amount) as applied_amount
    from fifo_lines
    inner join fifo_documents
        on fifo_documents.client_id = fifo_lines.payer_client_id
        and fifo_documents.currency_code = fifo_lines.currency_code
        and fifo_documents.cumulative_end - fifo_documents.remaining_amount < fifo_lines.cumulative_end
        and fifo_lines.cumulative_end - fifo_lines.remaining_amount < fifo_documents.cumulative_end
),

applications as (
    select bank_line_id, document_id, receipt_id, 1 as rule_order, 'registered_receipt' as match_rule,
        cast(1.00 as decimal(3, 2)) as confidence, applied_amount,
        cast(null as {{ dbt.type_string() }}) as deduction_type, cast(null as decimal(18, 2)) as deduction_amount
    from rule_1
    union all
    select bank_line_id, document_id, null, 2, 'reference', 0.95, applied_amount, null, null
    from rule_2
    union all
    select bank_line_id, document_id, null, 3, 'payer_exact_amount',
        case when line_candidates = 1 then 0.85 else 0.70 end, applied_amount, null, null
    from rule_3
    union all
    select bank_line_id, document_id, null, 4, 'payer_exact_sum', 0.75, applied_amount, null, null
    from rule_4
    union all
    select bank_line_id, document_id, null, 5, 'payer_net_amount', 0.70, applied_amount, deduction_type, deduction_amount
    from rule_5
    union all
    select bank_line_id, document_id, null, 6, 'payer_fifo', 0.40, applied_amount, null, null
    from rule_6
),

applied_per_line as (
    select bank_line_id, sum(applied_amount) as applied_amount
    from applications
    where applied_amount > 0
    group by bank_line_id
),

-- Rule 7: the rest of each line, with why nothing took it.
unapplied as (
    select
        lines.bank_line_id,
        cast(null as {{ dbt.type_string() }}) as document_id,
        lines.receipt_id,
        7 as rule_order,
        'unapplied' as match_rule,
        cast(null as decimal(3, 2)) as confidence,
        lines.line_amount - coalesce(applied_per_line.applied_amount, 0) as applied_amount,
        cast(null as {{ dbt.type_string() }}) as deduction_type,
        cast(null as decimal(18, 2)) as deduction_amount
    from lines
    left join applied_per_line
        on applied_per_line.bank_line_id = lines.bank_line_id
    where lines.line_amount - coalesce(applied_per_line.applied_amount, 0) <> 0
)

select
    lines.bank_line_id,
    lines.bank_account,
    lines.booking_date,
    lines.value_date,
    lines.currency_code,
    {{ money('lines.line_amount') }} as line_amount,
    lines.payer_client_id,
    lines.payer_source,
    applied.rule_order,
    applied.match_rule,
    applied.confidence,
    applied.match_rule = 'registered_receipt' or (applied.match_rule = 'unapplied' and lines.receipt_id is not null) as is_registered,
    coalesce(applied.receipt_id, lines.receipt_id) as receipt_id,
    applied.document_id,
    documents.document_number,
    documents.client_id as document_client_id,
    case when applied.document_id is not null then {{ money('applied.applied_amount') }} end as applied_amount,
    case when applied.document_id is null then {{ money('applied.applied_amount') }} end as unapplied_amount,
    applied.deduction_type,
    applied.deduction_amount,
    case
        when applied.document_id is not null then null
        when lines.receipt_id is not null then 'registered_without_allocation'
        when lines.payer_client_id is null then 'payer_unknown'
        else 'nothing_open'
    end as unapplied_reason,
    (select as_of_date from as_of) as as_of_date,
    {{ month_of('lines.booking_date') }} as _booking_month,
    fingerprints._window_fingerprint,
    {{ cash_application_version() }} as _model_version,
    {{ read_through_file_id() }} as _read_through_file_id
from (
    select * from applications where applied_amount > 0
    union all
    select * from unapplied
) as applied
inner join lines
    on lines.bank_line_id = applied.bank_line_id
left join {{ ref('stg_invoicing__documents') }} as documents
    on documents.document_id = applied.document_id
-- The registered lines' rows carry their month's fingerprint; the others are not kept.
left join fingerprints
    on fingerprints._booking_month = {{ month_of('lines.booking_date') }}
    and lines.receipt_id is not null
