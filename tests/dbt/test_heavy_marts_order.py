"""The two largest marts are built one after the other, never on dbt's two threads at once
(DECISIONLOG: DuckDB's memory cap): at L the pair needed more than DuckDB's cap, shared by
the threads of dbt's one database."""

import json

from tests.dbt.warehouse import dbt_manifest


def test_statement_of_account_is_built_after_fct_documents(small_warehouse):
    nodes = json.loads(dbt_manifest(small_warehouse("one_invoice")).read_text())["nodes"]
    assert "model.cartera.fct_documents" in nodes["model.cartera.statement_of_account"]["depends_on"]["nodes"]
