"""Rules that tie several columns of one row together, per entity."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    column: str
    reason: str


@dataclass(frozen=True)
class RowRule:
    # Checked only when all these columns parsed, so a bad value is not reported twice.
    columns: tuple[str, ...]
    check: Callable[[dict], Violation | None]


def _due_not_before_issue(row: dict) -> Violation | None:
    if row["due_date"] < row["issue_date"]:
        return Violation(
            "due_date", f"due_date {row['due_date']} is before issue_date {row['issue_date']}"
        )
    return None


def _total_is_net_plus_tax_minus_withholding(row: dict) -> Violation | None:
    expected = row["net"] + row["tax"] - row["withholding"]
    if row["total"] != expected:
        return Violation("total", f"total {row['total']} != net + tax - withholding = {expected}")
    return None


def _discount_days_given_with_pct(row: dict) -> Violation | None:
    if row["early_discount_pct"] is not None and row["early_discount_days"] is None:
        return Violation("early_discount_days", "required when early_discount_pct is given")
    return None


ROW_RULES: dict[str, tuple[RowRule, ...]] = {
    "documents": (
        RowRule(("issue_date", "due_date"), _due_not_before_issue),
        RowRule(("net", "tax", "withholding", "total"), _total_is_net_plus_tax_minus_withholding),
        RowRule(("early_discount_pct", "early_discount_days"), _discount_days_given_with_pct),
    ),
}
