-- One row per month end from the month of the first document to the as-of date.
with months as (
    


    


    with rawdata as (

        
    select
        generate_series as generated_number
    from generate_series(1, 6)


    ),

    all_periods as (

        select (
            

    ((select date_trunc('month', min(issue_date)) from "cartera"."staging"."stg_invoicing__documents") + cast(row_number() over (order by 1) - 1 as bigint) * interval 1 month)
        ) as date_month
        from rawdata

    ),

    filtered as (

        select *
        from all_periods
        where date_month <= (select 

    (as_of_date + cast(1 as bigint) * interval 1 month) from "cartera"."intermediate"."int_as_of_date")

    )

    select * from filtered


)

select cast(cast(
        

    (

    (date_trunc('month', date_month) + cast(1 as bigint) * interval 1 month) + cast(-1 as bigint) * interval 1 day)
        as date) as date) as as_of_date
from months
where cast(cast(
        

    (

    (date_trunc('month', date_month) + cast(1 as bigint) * interval 1 month) + cast(-1 as bigint) * interval 1 day)
        as date) as date) <= (select as_of_date from "cartera"."intermediate"."int_as_of_date")