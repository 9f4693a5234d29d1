"""What a refresh rebuilds: everything, or, when only new exports or the committee's
decisions changed since the last published refresh, only the assets those inputs reach.

The build database stays in the home between refreshes (publish copies it), so a model
none of whose inputs changed already holds what a full build would write again. The
inputs that reach every model — the dbt project, cartera's code, the settings (dbt vars),
the warehouse files written by something else (a withdrawal, a failed refresh) — make the
refresh rebuild everything, as does a home with no record of its last published refresh
(orchestration/refresh_inputs.py: the record is removed when a refresh starts and written
when one publishes, so a refresh that failed half-way is followed by a full one).

The roots of a partial refresh are raw assets: the tables of the entities of the files in
the inbox (an invoicing export by its name, any other file as a bank statement), the
committee's decisions when the app-state store changed, and the file registry, which every
loaded, quarantined or repeated file writes to. The refresh runs them and everything
downstream of them in Dagster's asset graph; dagster-dbt turns that subset into the
`dbt build` selection (models and the tests on them, and the tests across models that read
one of them).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagster as dg

# Any change of these reaches every model (or may): the refresh rebuilds everything.
EVERYTHING = frozenset({"dbt_project", "code", "settings", "warehouse"})
# Written by every ingest asset, the app-state one included: read by source_freshness.
_REGISTERS = (("raw", "file_registry"),)
# The clients asset recomputes the tax-id checks whole after a clients load.
_WRITTEN_WITH = {"clients": (("raw", "clients"), ("raw", "client_tax_id_checks"))}
_BANK = (("raw", "bank_statements"), ("raw", "bank_statement_lines"))
_DECISIONS = (("raw", "credit_decisions"),)


def changed_roots(changed: Iterable[str], inbox_file_names: Iterable[str]) -> list[tuple[str, ...]] | None:
    """The raw assets a refresh starts from, given the parts of its inputs that changed
    (refresh_inputs.PARTS) and the names of the files in the inbox; None when
    it must rebuild everything."""
    # Here, not at the top: the readers import DuckDB, which a refresh with nothing new
    # never imports (orchestration/refresh.py).
    from orchestration.readers import detect_entity

    changed = set(changed)
    if not changed or changed & EVERYTHING:
        return None
    roots = set(_REGISTERS)
    if "app_state" in changed:
        roots.update(_DECISIONS)
    if "inbox" in changed:
        for name in inbox_file_names:
            entity = detect_entity(name)
            if entity is None:
                roots.update(_BANK)
            else:
                roots.update(_WRITTEN_WITH.get(entity, (("raw", entity),)))
    return sorted(roots)


def rebuilt_assets(defs: "dg.Definitions", roots: list[tuple[str, ...]]) -> "list[dg.AssetKey]":
    """The materialisable assets downstream of the roots (the roots included), the
    published warehouse among them."""
    import dagster as dg

    graph = defs.resolve_asset_graph()
    reached = dg.AssetSelection.assets(*(dg.AssetKey(list(root)) for root in roots)).downstream().resolve(graph)
    return sorted(key for key in reached if key in graph.materializable_asset_keys)
