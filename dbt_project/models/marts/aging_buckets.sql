-- One row per aging bucket: the column of ar_aging that holds it and its bounds in days
-- past due (NULL = unbounded), so readers need not know the var's values.
{% for bucket in aging_buckets() %}
select
    {{ bucket.order }} as bucket_order,
    '{{ bucket.column }}' as column_name,
    cast({{ bucket.min_days if bucket.min_days is not none else 'null' }} as integer) as min_days,
    cast({{ bucket.max_days if bucket.max_days is not none else 'null' }} as integer) as max_days
{% if not loop.last %}union all{% endif %}
{% endfor %}
