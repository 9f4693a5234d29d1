"""The bank reconciliation page on the demo warehouse, in Spanish and English."""

import pytest

from apptest import displayed_frame, marts, metrics, open_page
from dashboards import formatting

PAGE = "app_pages/bank.py"


@pytest.mark.parametrize("language", ["es", "en"])
def test_each_account_ties_out_with_the_marts_figures(demo, language):
    """Per account, the eight cards in order: opening, movements, closing, difference;
    incoming, applied by registered receipts, suggested, unapplied, as the mart has them."""
    accounts = marts(demo, "select * from marts.bank_account_reconciliation order by bank_account")
    app = open_page(PAGE, language)

    shown = [metric.value for metric in app.metric]
    expected = []
    for account in accounts.itertuples():
        expected += [
            formatting.money(getattr(account, column), account.currency_code, language)
            for column in ("opening_balance_amount", "lines_amount", "closing_balance_amount",
                           "balance_difference_amount", "incoming_amount",
                           "registered_applied_amount", "suggested_amount", "unapplied_amount")
        ]
    assert len(accounts) == 2
    assert shown[: len(expected)] == expected
    assert app.title[0].value == ("Conciliación bancaria" if language == "es" else "Bank reconciliation")


def test_lines_by_rule_are_the_cash_applications_rows_grouped(demo):
    by_rule = marts(
        demo,
        """
        select count(distinct bank_line_id) as lines,
               coalesce(sum(applied_amount), 0) + coalesce(sum(unapplied_amount), 0) as amount
        from marts.cash_application group by rule_order, match_rule, confidence
        order by rule_order, confidence desc nulls last
        """,
    )
    app = open_page(PAGE, "es")

    table = next(frame for frame in app.dataframe if "Regla" in frame.value.columns
                 and "Orden" in frame.value.columns)
    shown = displayed_frame(table)

    assert list(shown["Regla"])[0] == "Cobro registrado"
    assert [int(value) for value in table.value["Apuntes"]] == list(by_rule["lines"])
    assert list(shown["Importe"]) == [formatting.money(amount, "EUR", "es") for amount in by_rule["amount"]]
    assert list(shown["Confianza"])[:2] == ["100,0\u00a0%", "95,0\u00a0%"]
    # The unapplied lines have no rule, so no confidence: a dash, not the grid's "None".
    assert list(shown["Regla"])[-1] == "Sin aplicar" and list(shown["Confianza"])[-1] == "—"
    assert list(shown["Apuntes"]) == [formatting.number(lines, "es") for lines in by_rule["lines"]]


def test_unregistered_lines_show_their_payer_and_suggested_document(demo):
    lines = marts(
        demo,
        "select bank_line_id, suggested_document_number from marts.bank_reconciliation "
        "where reconciliation_status = 'in_bank_not_registered'",
    )
    app = open_page(PAGE, "en")

    table = next(frame for frame in app.dataframe if "Suggested document" in frame.value.columns)

    assert len(lines) > 0
    assert sorted(table.value["Line id"]) == sorted(lines["bank_line_id"])
    suggested = dict(zip(table.value["Line id"], table.value["Suggested document"]))
    for line in lines.itertuples():
        expected = line.suggested_document_number
        assert suggested[line.bank_line_id] == (expected if isinstance(expected, str) else "")
    # A payer nobody knows is said so (its row links to the client search, not to a client).
    assert "Unknown" in list(displayed_frame(table)["Payer"])


def test_the_lists_honour_the_branch_filter(demo):
    """With a branch chosen in the URL, only the unregistered lines whose payer is a
    client of that branch remain (lines of unknown payers are left out)."""
    branch, expected = marts(
        demo,
        """
        select clients.branch, count(*) as lines
        from marts.bank_reconciliation as lines
        join marts.dim_clients as clients on clients.client_id = lines.client_id and clients.is_current
        where lines.reconciliation_status = 'in_bank_not_registered'
        group by clients.branch order by lines desc, clients.branch limit 1
        """,
    ).iloc[0]
    app = open_page(PAGE, "es", branch=branch)

    table = next(frame for frame in app.dataframe if "Documento sugerido" in frame.value.columns)
    branches = marts(
        demo,
        "select client_id, branch from marts.dim_clients where is_current",
    ).set_index("client_id")["branch"]

    assert len(table.value) == expected > 0
    assert {branches[client_id] for client_id in table.value["Código de cliente"]} == {branch}
