"""show_table on its own: what a figure column shows where a row has no figure."""

from streamlit.testing.v1 import AppTest

from apptest import NBSP, displayed_frame


def test_a_per_row_money_column_with_a_gap_shows_a_dash_and_each_amount_in_its_rows_currency():
    def script():
        from datetime import date
        from decimal import Decimal

        import pandas as pd

        from dashboards import selection, tables

        decisions = pd.DataFrame({
            "decision": ["Subir el límite", "Mantener", "Bajar el límite"],
            "new_limit": [Decimal("12345.67"), None, Decimal("800.00")],
            "currency": ["EUR", "EUR", "USD"],
        })
        chosen = selection.Selection(database=None, published_as_of=date(2026, 10, 31),
                                     as_of=date(2026, 10, 31), language="es", reporting_currency="EUR")
        with selection.pinned(chosen):
            tables.show_table(decisions, {"decision": "Decisión", "new_limit": "Nuevo límite", "currency": "Moneda"},
                              row_money_columns=["new_limit"], currency_column="currency", language="es",
                              file_name="decisiones")

    app = AppTest.from_function(script).run()

    assert not app.exception, app.exception
    shown = displayed_frame(app.dataframe[0])
    # No grey "None" for the decision that set no limit; the others in their own currency.
    assert [cell.replace(NBSP, " ") for cell in shown["Nuevo límite"]] == ["12.345,67 €", "—", "800,00 US$"]
