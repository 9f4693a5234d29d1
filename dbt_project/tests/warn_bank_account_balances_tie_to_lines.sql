{{ config(severity='warn') }}
-- Per bank account: the first statement's opening balance + every movement = the last
-- statement's closing balance. A difference means a missing statement (a gap) or a
-- movement counted twice across overlapping copies (DECISIONLOG: Bank statements, limits);
-- the data is still published, with the difference in bank_account_reconciliation.
select *
from {{ ref('bank_account_reconciliation') }}
where balance_difference_amount <> 0
