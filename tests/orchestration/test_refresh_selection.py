"""Which assets a refresh rebuilds (orchestration/refresh_selection.py): everything when
what changed reaches every model, else the raw tables of what changed and what is
downstream of them. A partial refresh giving the tables a full one gives is shown on the
demo in test_unchanged_refresh.py."""

import dagster as dg
import pytest

from orchestration.dbt_project import prepare
from orchestration.refresh_inputs import PARTS
from orchestration.refresh_selection import changed_roots, rebuilt_assets

REGISTRY = ("raw", "file_registry")


@pytest.fixture(scope="module")
def defs():
    prepare()
    from orchestration.definitions import defs

    return defs


@pytest.mark.parametrize("part", ["dbt_project", "code", "settings", "warehouse"])
def test_a_change_that_reaches_every_model_rebuilds_everything(part):
    assert changed_roots([part], []) is None
    assert changed_roots(["inbox", "app_state", part], ["documents.csv"]) is None


def test_without_a_record_every_part_has_changed_and_everything_is_rebuilt():
    assert changed_roots(list(PARTS), ["documents.csv"]) is None


def test_a_committee_decision_starts_from_the_decisions_and_the_file_registry():
    assert changed_roots(["app_state"], ["documents.csv"]) == [("raw", "credit_decisions"), REGISTRY]


def test_inbox_files_start_from_their_entities_tables():
    """An invoicing export by the start of its name; anything else is looked at by the
    bank loader; clients also rewrite the tax-id checks."""
    roots = changed_roots(["inbox"], ["documents_2026-10-31.csv", "Clients.xlsx", "extracto.n43"])
    assert roots == [
        ("raw", "bank_statement_lines"), ("raw", "bank_statements"), ("raw", "client_tax_id_checks"),
        ("raw", "clients"), ("raw", "documents"), REGISTRY,
    ]
    assert changed_roots(["inbox", "app_state"], ["receipts.csv"]) == [
        ("raw", "credit_decisions"), REGISTRY, ("raw", "receipts"),
    ]


def test_every_table_the_ingest_writes_and_dbt_reads_is_a_root_of_some_change(defs):
    """The dbt sources no asset materialises are written by the ingest all the same: each
    must be a root of the changes that write it, or a partial refresh would leave what
    reads it stale."""
    graph = defs.resolve_asset_graph()
    unmaterialised = {
        key.path[1] for key in graph.get_all_asset_keys()
        if key.path[0] == "raw" and key not in graph.materializable_asset_keys
    }
    every_root = {root[1] for root in changed_roots(["inbox", "app_state"], ["clients.csv", "statement.xml"])}
    assert unmaterialised == {"file_registry", "client_tax_id_checks"}
    assert unmaterialised <= every_root
    for entity_root in changed_roots(["inbox"], [f"{entity}.csv" for entity in
                                                ("clients", "documents", "installments", "receipts", "allocations",
                                                 "withholdings", "fx_rates")] + ["n43.txt"]):
        assert dg.AssetKey(list(entity_root)) in graph.get_all_asset_keys()


def test_a_committee_decision_rebuilds_the_credit_models_and_the_freshness_mart(defs):
    rebuilt = {key.to_user_string() for key in rebuilt_assets(defs, changed_roots(["app_state"], []))}
    assert rebuilt == {
        "raw/credit_decisions", "staging/stg_app__credit_decisions", "intermediate/int_client_credit_decisions",
        "intermediate/int_client_credit_positions", "intermediate/int_client_credit_breaches",
        "marts/credit_limits", "marts/credit_decision_history", "marts/clients_al_dia", "marts/source_freshness",
        "published/warehouse",
    }


def test_a_new_invoicing_export_rebuilds_what_reads_it_and_loads_nothing_else(defs):
    rebuilt = {key.to_user_string() for key in rebuilt_assets(defs, changed_roots(["inbox"], ["receipts.csv"]))}
    assert {"raw/receipts", "raw/allocations", "staging/stg_invoicing__receipts", "marts/ar_aging",
            "marts/cash_application", "published/warehouse"} <= rebuilt
    # Loaded only when their own files arrive; their staging is not rebuilt either.
    assert not {"raw/documents", "raw/clients", "raw/bank_statements", "staging/stg_invoicing__documents",
                "staging/stg_bank__statement_lines", "staging/stg_app__credit_decisions"} & rebuilt
