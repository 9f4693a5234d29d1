"""No money column of any mart is derived through a DOUBLE (issue 14; DECISIONLOG: Money
never passes through a DOUBLE).

DuckDB divides decimals in DOUBLE, so a `/ 100` or `/ 30` anywhere on the way from a raw
amount to a mart's `*_amount` makes that figure a float. The check reads the compiled SQL
of every model from the manifest of a build (the one-invoice warehouse the small-input
tests build anyway; reading SQL costs under a second) and walks each money column's value
path with tests/dbt/money_lineage.py. The other tests show it flags what it must: money
divided by 100 in a hand-written model set, and the real credit_limits and int_fx_rates
with one exact operation turned back into a division."""

import json

import pytest
import sqlglot
from sqlglot import exp

from tests.dbt.money_lineage import MoneyLineage, is_money_column
from tests.dbt.warehouse import dbt_manifest


@pytest.fixture(scope="module")
def manifest(small_warehouse):
    return json.loads(dbt_manifest(small_warehouse("one_invoice")).read_text())


def compiled_models(manifest) -> dict[str, tuple[str, str]]:
    return {
        node["name"]: (node["compiled_code"], node["relation_name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
    }


def mart_names(manifest) -> list[str]:
    return sorted(
        node["name"] for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    )


def findings_of(lineage: MoneyLineage, marts) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for mart in marts:
        for finding in lineage.findings(mart):
            found.setdefault((finding.mart, finding.column), set()).add(str(finding))
    return found


def test_no_money_column_of_a_mart_is_derived_through_a_double(manifest):
    models = compiled_models(manifest)
    marts = mart_names(manifest)
    lineage = MoneyLineage(models)

    found = findings_of(lineage, marts)

    assert not found, "\n".join(sorted(line for lines in found.values() for line in lines))
    assert not lineage.unresolved, f"columns the walk could not trace: {sorted(lineage.unresolved)}"
    # It looked at the money it should: every mart, and their money columns by name.
    money_columns = {mart: [c for c in lineage.output_columns(mart) if is_money_column(c)] for mart in marts}
    assert len(marts) >= 25
    assert sum(len(columns) for columns in money_columns.values()) >= 100
    assert "recommended_limit_amount" in money_columns["credit_limits"]
    assert "paid_amount_365" in money_columns["payment_behavior"]


RAW_AND_STAGING = {
    "stg_prices": (
        "select id, cast(price as decimal(18, 2)) as price_amount, cast(rate as double) as rate"
        ' from "cartera"."raw"."prices"',
        '"cartera"."staging"."stg_prices"',
    ),
}


def test_the_check_flags_money_divided_by_100_in_a_model_set_made_for_it():
    """Flagged: charged_amount (price_amount / 100 in an upstream model, two CTEs and a
    star away), floored_amount (`//` of a decimal), half_max_amount (a division in a
    scalar subquery), total_amount (a cast to DOUBLE in one UNION branch). Not flagged:
    figures that only *decide* on a divided value (a CASE condition) or divide integers
    (cast to an integer type first)."""
    models = {
        **RAW_AND_STAGING,
        "int_fees": (
            'with base as (select * from "cartera"."staging"."stg_prices"), '
            "fees as (select base.*, price_amount / 100 as fee_amount from base) "
            "select id, fee_amount, price_amount * 0.01 as exact_fee_amount from fees",
            '"cartera"."intermediate"."int_fees"',
        ),
        "fees_mart": (
            'select fees.id, fees.fee_amount as charged_amount, fees.exact_fee_amount,'
            " case when fees.exact_fee_amount / 3 > 1 then fees.exact_fee_amount else 0 end as decided_amount,"
            " cast(cast(fees.id as integer) // 7 as decimal(18, 2)) as week_amount,"
            " cast(cast(fees.exact_fee_amount as hugeint) // 7 as decimal(18, 2)) as cents_amount,"
            " fees.exact_fee_amount // 7 as floored_amount,"
            " (select max(price_amount) / 2 from \"cartera\".\"staging\".\"stg_prices\") as half_max_amount"
            ' from "cartera"."intermediate"."int_fees" as fees',
            '"cartera"."marts"."fees_mart"',
        ),
        "union_mart": (
            'select price_amount as total_amount from "cartera"."staging"."stg_prices"'
            ' union all select cast(price_amount * rate as decimal(18, 2)) from "cartera"."staging"."stg_prices"',
            '"cartera"."marts"."union_mart"',
        ),
    }
    lineage = MoneyLineage(models)

    found = findings_of(lineage, ["fees_mart", "union_mart"])

    assert set(found) == {
        ("fees_mart", "charged_amount"),
        ("fees_mart", "floored_amount"),
        ("fees_mart", "half_max_amount"),
        ("union_mart", "total_amount"),
    }
    assert any("price_amount / 100" in line and "int_fees" in line for line in found[("fees_mart", "charged_amount")])
    assert any("CAST(rate AS DOUBLE)" in line for line in found[("union_mart", "total_amount")])


def replace_projection(sql: str, column: str, expression: str) -> str:
    """sql with the projection named `column` (in any CTE) computed as `expression`."""
    tree = sqlglot.parse_one(sql, read="duckdb")
    replaced = 0
    for alias in tree.find_all(exp.Alias):
        if alias.alias == column:
            alias.set("this", sqlglot.parse_one(expression, read="duckdb"))
            replaced += 1
    assert replaced, f"no projection {column}"
    return tree.sql(dialect="duckdb")


@pytest.mark.parametrize(
    ("model", "column", "division", "flagged"),
    [
        # The concentration cap as it was: 5 % of revenue "/ 100".
        (
            "credit_limits", "concentration_cap_amount",
            "cast(round(company_revenue_12m_amount * 5 / 100, 2) as decimal(18, 2))",
            {("credit_limits", "concentration_cap_amount"), ("credit_limits", "recommended_limit_amount")},
        ),
        # The FX factor as it was: every reporting amount downstream of int_fx_rates.
        (
            "int_fx_rates", "to_reporting_factor",
            "cast(target.units_per_eur / source.units_per_eur as decimal(18, 10))",
            {("ar_aging", "open_balance_amount"), ("fct_documents", "total_reporting_amount")},
        ),
    ],
)
def test_the_check_flags_a_division_put_back_in_the_real_models(manifest, model, column, division, flagged):
    models = compiled_models(manifest)
    sql, relation = models[model]
    models[model] = (replace_projection(sql, column, division), relation)
    lineage = MoneyLineage(models)

    found = findings_of(lineage, mart_names(manifest))

    assert flagged <= set(found)
    assert all(model in line for key in flagged for line in found[key])
