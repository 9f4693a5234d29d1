
    

    create  table
      "cartera"."marts"."aging_buckets__dbt_tmp"
  
    
    as (
      -- One row per aging bucket: the column of ar_aging that holds it and its bounds in days
-- past due (NULL = unbounded), so readers need not know the var's values.

select
    1 as bucket_order,
    'not_due_amount' as column_name,
    cast(null as integer) as min_days,
    cast(0 as integer) as max_days
union all

select
    2 as bucket_order,
    'days_1_30_amount' as column_name,
    cast(1 as integer) as min_days,
    cast(30 as integer) as max_days
union all

select
    3 as bucket_order,
    'days_31_60_amount' as column_name,
    cast(31 as integer) as min_days,
    cast(60 as integer) as max_days
union all

select
    4 as bucket_order,
    'days_61_90_amount' as column_name,
    cast(61 as integer) as min_days,
    cast(90 as integer) as max_days
union all

select
    5 as bucket_order,
    'days_91_120_amount' as column_name,
    cast(91 as integer) as min_days,
    cast(120 as integer) as max_days
union all

select
    6 as bucket_order,
    'days_over_120_amount' as column_name,
    cast(121 as integer) as min_days,
    cast(null as integer) as max_days


    );
    
  