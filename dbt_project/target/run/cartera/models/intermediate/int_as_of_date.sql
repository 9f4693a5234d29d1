
    

    create  table
      "cartera"."intermediate"."int_as_of_date__dbt_tmp"
  
    
    as (
      -- One row: the date every "as of" figure of this build answers for. The var as_of_date
-- when given (Dagster passes it; tests pin it), else the latest date in the data, so the
-- same exports always give the same warehouse (no clock in a model).


select
    cast('2025-06-30' as date) as as_of_date
    );
    
  