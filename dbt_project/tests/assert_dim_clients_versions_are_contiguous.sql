-- Per client, versions follow each other without gap or overlap: the first starts on
-- 1900-01-01, each ends where the next starts, only the last is open (valid_to NULL),
-- and every version lasts at least a day.
with ordered as (
    select
        client_id,
        version_no,
        valid_from,
        valid_to,
        lead(valid_from) over (partition by client_id order by valid_from) as next_valid_from,
        row_number() over (partition by client_id order by valid_from) as position
    from {{ ref('dim_clients') }}
)

select *
from ordered
where (position = 1 and valid_from <> cast('1900-01-01' as date))
    or position <> version_no
    or (next_valid_from is null and valid_to is not null)
    or (next_valid_from is not null and (valid_to is null or valid_to <> next_valid_from))
    or valid_to <= valid_from
