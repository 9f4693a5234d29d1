"""What each warehouse check means, in the bookkeeper's words.

A dbt test is named for the SQL (`assert_open_balance_ties_to_sources`,
`relationships_stg_invoicing__allocations_receipt_id__receipt_id__ref_...`); the refresh
summary and refresh_history.jsonl say instead what was checked and, when it fails, what
is wrong: "the open balance of 2 clients does not tie to the documents". Singular tests
have a sentence here; generic tests get one from their kind and arguments (the manifest).
A failure sentence takes `{n}`, the number of failing rows.
"""

from collections.abc import Mapping
from typing import Any

# test name -> (what it checks, what its failure says)
SINGULAR = {
    "assert_aging_by_currency_ties_to_ar_aging": (
        "the aging per currency adds up to each client's aging",
        "the aging per currency of {n} client(s) does not add up to their aging",
    ),
    "assert_ar_aging_ties_to_installments": (
        "each client's aging equals its open instalments",
        "the aging of {n} client(s) does not equal their open instalments",
    ),
    "assert_bank_accounts_tie_to_cash_application": (
        "the money received on each bank account is applied, suggested or unapplied, to the cent",
        "the money received on {n} bank account(s) is not fully accounted for by the cash application",
    ),
    "assert_bank_statements_tie_to_lines": (
        "each bank statement's opening balance plus its lines equals its closing balance",
        "{n} bank statement(s) do not add up: opening balance plus lines differs from the closing balance",
    ),
    "assert_cash_application_applies_nothing_twice": (
        "no bank money is applied to a document beyond what it owed",
        "bank money is applied beyond what is owed on {n} document(s)",
    ),
    "assert_cash_application_ties_to_bank_lines": (
        "every incoming bank line is applied or left unapplied, to the cent",
        "{n} incoming bank line(s) are not fully applied or left unapplied",
    ),
    "assert_cash_forecast_covers_open_installments": (
        "every open instalment is forecast once, whole",
        "the cash forecast of {n} client(s) does not cover their open instalments",
    ),
    "assert_cash_forecast_typical_days_match_payment_behavior": (
        "the forecast's typical days beyond terms are the payment behaviour's",
        "the forecast's typical days beyond terms differ from the payment behaviour for {n} client(s)",
    ),
    "assert_cash_forecast_weekly_ties_to_forecast": (
        "the weekly cash forecast has its 13 weeks and adds up to the forecast items",
        "the weekly cash forecast does not add up to the forecast items ({n} week(s))",
    ),
    "assert_collections_cover_open_balance": (
        "the collections worklist and the disputed items cover every client's open balance",
        "the collections worklist misses part of the open balance of {n} client(s)",
    ),
    "assert_concentration_hhi_within_bounds": (
        "the concentration index (HHI) and the top-N shares are within their bounds",
        "the concentration index or top-N shares are out of bounds in {n} period(s)",
    ),
    "assert_concentration_last_rank_is_100": (
        "each period's Pareto curve ends at 100 % with ranks 1..N",
        "the Pareto curve of {n} period(s) does not end at 100 %",
    ),
    "assert_concentration_revenue_ties_to_documents": (
        "each period's revenue equals its invoices, debit notes and credit notes",
        "the revenue of {n} period(s) does not tie to the documents",
    ),
    "assert_concentration_shares_sum_to_100": (
        "the clients' revenue shares add up to 100 %",
        "the revenue shares of {n} period(s) do not add up to 100 %",
    ),
    "assert_credit_exposure_ties_to_ar_aging": (
        "each client's credit exposure is its open balance in the aging",
        "the credit exposure of {n} client(s) differs from their open balance",
    ),
    "assert_credit_utilisation_is_exposure_over_limit": (
        "credit utilisation is exposure over limit",
        "the credit utilisation of {n} client(s) is not their exposure over their limit",
    ),
    "assert_dim_clients_current_matches_clients_current": (
        "each client has one current version, matching the latest clients export",
        "the current version of {n} client(s) does not match the latest clients export",
    ),
    "assert_dim_clients_versions_are_contiguous": (
        "each client's history has no gap or overlap",
        "the history of {n} client(s) has a gap or an overlap",
    ),
    "assert_document_outstanding_ties_to_reductions": (
        "each document's outstanding is its total less paid, withheld and credited",
        "the outstanding of {n} document(s) is not their total less paid, withheld and credited",
    ),
    "assert_installments_sum_to_document": (
        "the instalments of every document sum to its total",
        "the instalments of {n} document(s) do not sum to the document's total",
    ),
    "assert_kpis_dimensions_tie_to_company": (
        "the KPIs per branch and salesperson add up to the company's",
        "the KPIs per branch or salesperson do not add up to the company's ({n} row(s))",
    ),
    "assert_money_converts_to_reporting": (
        "every open item has an exchange rate to the reporting currency",
        "{n} open item(s) have no exchange rate to the reporting currency: add the rates to the fx_rates export",
    ),
    "assert_open_balance_ties_to_sources": (
        "each client's open balance ties to its documents, withholdings and receipts",
        "the open balance of {n} client(s) does not tie to the documents",
    ),
    "assert_payment_behavior_open_ties_to_aging": (
        "what payment behaviour shows as owed late equals the aging",
        "what payment behaviour shows as owed late differs from the aging for {n} client(s)",
    ),
    "assert_payment_behavior_paid_count_ties_to_payments": (
        "each client's count of payments equals its payments",
        "the count of payments of {n} client(s) differs from their payments",
    ),
    "assert_payment_behavior_payments_tie_to_installments": (
        "the payments are exactly the settled instalments",
        "{n} payment(s) do not match a settled instalment",
    ),
    "assert_payment_behavior_score_is_its_components": (
        "each client's score is the sum of its components and its grade follows",
        "the score or grade of {n} client(s) does not follow from its components",
    ),
    "assert_statement_closing_ties_to_ar_aging": (
        "each client's statement of account closes at its aging total",
        "the statement of account of {n} client(s) does not close at their aging total",
    ),
    "assert_statement_closing_ties_to_open_items": (
        "each statement of account closes at what its documents still owe less unapplied cash",
        "the statement of account of {n} client(s) does not close at their open documents",
    ),
    "warn_bank_account_balances_tie_to_lines": (
        "each bank account's statements follow each other without a gap",
        "the statements of {n} bank account(s) leave a gap: a statement may be missing",
    ),
}


def check_sentence(test_node: Mapping[str, Any] | None, check_name: str) -> str:
    """What the check verifies, e.g. "every receipt_id of stg_invoicing__allocations
    names a receipt_id of stg_invoicing__receipts"."""
    if check_name in SINGULAR:
        return SINGULAR[check_name][0]
    metadata = (test_node or {}).get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    kind = metadata.get("name")
    model = _model_name(test_node)
    column = kwargs.get("column_name")
    if kind == "not_null":
        return f"{column} is never empty in {model}"
    if kind == "not_null_columns":
        columns = kwargs.get("columns") or []
        return f"{', '.join(columns)} {'is' if len(columns) == 1 else 'are'} never empty in {model}"
    if kind == "unique":
        return f"{column} is unique in {model}"
    if kind == "relationships":
        return f"every {column} of {model} names a {kwargs.get('field')} of {_ref_name(kwargs.get('to'))}"
    if kind == "accepted_values":
        values = ", ".join(str(value) for value in kwargs.get("values") or [])
        return f"{column} of {model} is one of: {values}"
    if kind == "unique_combination":
        columns = kwargs.get("combination_of_columns") or kwargs.get("columns") or []
        return f"{', '.join(columns)} together are unique in {model}"
    if test_node and test_node.get("description"):
        return test_node["description"]
    return check_name.replace("_", " ")


def failure_sentence(
    test_node: Mapping[str, Any] | None,
    check_name: str,
    failing_rows: int,
    empty_values: Mapping[str, int] | None = None,
) -> str:
    """What is wrong, e.g. "the open balance of 2 client(s) does not tie to the documents".
    A folded not-null test says which columns are empty and how often when `empty_values`
    (column -> number of empty values, from its failing rows) is given."""
    if check_name in SINGULAR:
        return SINGULAR[check_name][1].format(n=failing_rows)
    metadata = (test_node or {}).get("test_metadata") or {}
    if metadata.get("name") == "not_null_columns":
        model = _model_name(test_node)
        if empty_values:
            counts = [f"{n} value{'' if n == 1 else 's'} of {column}" for column, n in empty_values.items()]
            listed = counts[0] if len(counts) == 1 else f"{', '.join(counts[:-1])} and {counts[-1]}"
            one = len(counts) == 1 and next(iter(empty_values.values())) == 1
            return f"{listed} {'is' if one else 'are'} empty in {model}"
        # Only dbt's count at hand (the failing rows could not be read): every listed column.
        columns = ", ".join((metadata.get("kwargs") or {}).get("columns") or [])
        return f"{failing_rows} value(s) are empty in {model} among {columns}, which must always be filled"
    return f"{failing_rows} row(s) break the rule that {check_sentence(test_node, check_name)}"


def _model_name(test_node: Mapping[str, Any] | None) -> str:
    attached = (test_node or {}).get("attached_node") or ""
    if attached:
        return attached.split(".")[-1]
    refs = (test_node or {}).get("refs") or []
    return refs[0]["name"] if refs else "the warehouse"


def _ref_name(ref: str | None) -> str:
    # "ref('stg_invoicing__receipts')" -> stg_invoicing__receipts
    if not ref:
        return "its parent table"
    return ref.split("'")[1] if "'" in ref else ref
