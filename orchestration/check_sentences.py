"""What each warehouse check means, in the bookkeeper's words, as messages of the
i18n catalogue (dashboards/i18n/*/checks.json; dashboards/i18n/messages.py stores and
renders them).

A dbt test is named for the SQL (`assert_open_balance_ties_to_sources`,
`relationships_stg_invoicing__allocations_receipt_id__receipt_id__ref_...`); the refresh
summary and refresh_history.jsonl say instead what was checked and, when it fails, what
is wrong: "the open balance of 2 clients does not tie to the documents". Singular tests
have their sentences in the catalogue (`check.<test>` and `check.<test>.failed`, the
latter with `{n}`, the number of failing rows); generic tests get one from their kind and
arguments (the manifest).
"""

from collections.abc import Mapping
from typing import Any

from dashboards.i18n.messages import Message, message

# The singular tests with sentences of their own in the catalogue.
SINGULAR = frozenset({
    "assert_aging_by_currency_ties_to_ar_aging",
    "assert_ar_aging_ties_to_installments",
    "assert_bank_accounts_tie_to_cash_application",
    "assert_bank_statements_tie_to_lines",
    "assert_cash_application_applies_nothing_twice",
    "assert_cash_application_ties_to_bank_lines",
    "assert_cash_forecast_covers_open_installments",
    "assert_cash_forecast_typical_days_match_payment_behavior",
    "assert_cash_forecast_weekly_ties_to_forecast",
    "assert_collections_cover_open_balance",
    "assert_concentration_hhi_within_bounds",
    "assert_concentration_last_rank_is_100",
    "assert_concentration_revenue_ties_to_documents",
    "assert_concentration_shares_sum_to_100",
    "assert_credit_exposure_ties_to_ar_aging",
    "assert_credit_utilisation_is_exposure_over_limit",
    "assert_dim_clients_current_matches_clients_current",
    "assert_dim_clients_versions_are_contiguous",
    "assert_document_outstanding_ties_to_reductions",
    "assert_installments_sum_to_document",
    "assert_kpis_dimensions_tie_to_company",
    "assert_money_converts_to_reporting",
    "assert_open_balance_ties_to_sources",
    "assert_payment_behavior_open_ties_to_aging",
    "assert_payment_behavior_paid_count_ties_to_payments",
    "assert_payment_behavior_payments_tie_to_installments",
    "assert_payment_behavior_score_is_its_components",
    "assert_statement_closing_ties_to_ar_aging",
    "assert_statement_closing_ties_to_open_items",
    "warn_bank_account_balances_tie_to_lines",
})


def check_sentence(test_node: Mapping[str, Any] | None, check_name: str) -> Message:
    """What the check verifies, e.g. "every receipt_id of stg_invoicing__allocations
    names a receipt_id of stg_invoicing__receipts"; a test of no known kind says its own
    description (text, in the language it was written in)."""
    if check_name in SINGULAR:
        return message(f"check.{check_name}")
    metadata = (test_node or {}).get("test_metadata") or {}
    kwargs = metadata.get("kwargs") or {}
    kind = metadata.get("name")
    model = _model_name(test_node)
    column = kwargs.get("column_name")
    if kind == "not_null":
        return message("check.not_null", column=column, model=model)
    if kind == "not_null_columns":
        columns = list(kwargs.get("columns") or [])
        if len(columns) == 1:
            return message("check.not_null_columns_one", columns=columns, model=model)
        return message("check.not_null_columns", columns=columns, model=model)
    if kind == "unique":
        return message("check.unique", column=column, model=model)
    if kind == "relationships":
        return message("check.relationships", column=column, model=model, field=kwargs.get("field"), parent=_ref_name(kwargs.get("to")))
    if kind == "accepted_values":
        return message("check.accepted_values", column=column, model=model, values=[str(value) for value in kwargs.get("values") or []])
    if kind == "unique_combination":
        columns = kwargs.get("combination_of_columns") or kwargs.get("columns") or []
        return message("check.unique_combination", columns=list(columns), model=model)
    if test_node and test_node.get("description"):
        return test_node["description"]
    return check_name.replace("_", " ")


def failure_sentence(
    test_node: Mapping[str, Any] | None,
    check_name: str,
    failing_rows: int,
    empty_values: Mapping[str, int] | None = None,
) -> Message:
    """What is wrong, e.g. "the open balance of 2 client(s) does not tie to the documents".
    A folded not-null test says which columns are empty and how often when `empty_values`
    (column -> number of empty values, from its failing rows) is given."""
    if check_name in SINGULAR:
        return message(f"check.{check_name}.failed", n=failing_rows)
    metadata = (test_node or {}).get("test_metadata") or {}
    if metadata.get("name") == "not_null_columns":
        model = _model_name(test_node)
        if empty_values:
            counts = [
                message("check.empty_value", n=n, column=column) if n == 1 else message("check.empty_values", n=n, column=column)
                for column, n in empty_values.items()
            ]
            if list(empty_values.values()) == [1]:
                return message("check.failed_empty_one", counts=counts[0], model=model)
            listed = counts[0] if len(counts) == 1 else message("check.and", items=counts[:-1], last=counts[-1])
            return message("check.failed_empty", counts=listed, model=model)
        # Only dbt's count at hand (the failing rows could not be read): every listed column.
        columns = list((metadata.get("kwargs") or {}).get("columns") or [])
        return message("check.failed_empty_among", n=failing_rows, model=model, columns=columns)
    return message("check.failed_rule", n=failing_rows, rule=check_sentence(test_node, check_name))


def _model_name(test_node: Mapping[str, Any] | None) -> Message:
    attached = (test_node or {}).get("attached_node") or ""
    if attached:
        return attached.split(".")[-1]
    refs = (test_node or {}).get("refs") or []
    return refs[0]["name"] if refs else message("check.the_warehouse")


def _ref_name(ref: str | None) -> Message:
    # "ref('stg_invoicing__receipts')" -> stg_invoicing__receipts
    if not ref:
        return message("check.its_parent_table")
    return ref.split("'")[1] if "'" in ref else ref
