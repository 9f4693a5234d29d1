{#- Fails on every row whose aging buckets do not add up to its open balance, or whose
    overdue part is not the buckets past due. -#}
{% test aging_buckets_sum_to_open_balance(model) %}
{%- set buckets = aging_buckets() -%}
select *
from {{ model }}
where open_balance_amount <> (
        {%- for bucket in buckets %}{{ bucket.column }}{% if not loop.last %} + {% endif %}{% endfor -%}
    )
    or overdue_amount <> (
        {%- for bucket in buckets if bucket.min_days is not none and bucket.min_days >= 1 %}{{ bucket.column }}{% if not loop.last %} + {% endif %}{% endfor -%}
    )
    or net_balance_amount <> open_balance_amount - unapplied_cash_amount
{% endtest %}
