-- utilisation = exposure / limit (x 100, to the 4 decimals it is stored with: checked in
-- exact decimals as |utilisation x limit - exposure x 100| <= half a unit of the 4th
-- decimal x limit, so no floating-point division decides it); available
-- credit = limit - exposure when positive, else 0; breach = exposure above the limit. No
-- limit (or a zero one) gives no utilisation.
select client_id, credit_limit_reporting_amount, measured_exposure_amount, utilisation_pct, available_credit_amount, is_in_breach
from {{ ref('credit_limits') }}
where (
        coalesce(credit_limit_reporting_amount, 0) = 0
        and utilisation_pct is not null
    )
    or (
        credit_limit_reporting_amount <> 0
        and abs({{ wide('utilisation_pct', 4) }} * {{ wide('credit_limit_reporting_amount') }} - {{ wide('measured_exposure_amount') }} * 100)
            > abs({{ wide('credit_limit_reporting_amount') }}) * 0.00005
    )
    or (
        credit_limit_reporting_amount is not null
        and available_credit_amount <> case
            when credit_limit_reporting_amount > measured_exposure_amount then credit_limit_reporting_amount - measured_exposure_amount
            else 0
        end
    )
    or is_in_breach <> coalesce(measured_exposure_amount > credit_limit_reporting_amount, false)
