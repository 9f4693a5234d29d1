"""Tables on pages: locale-formatted cells over the raw values, and CSV and Excel downloads
below (`dashboards.exports`)."""

from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboards import exports, formatting, selection


def show_table(
    table: pd.DataFrame,
    *,
    money_columns: Iterable[str],
    percent_columns: Iterable[str],
    currency_code: str,
    language: str,
    file_name: str,
) -> None:
    """Show `table` (headers already translated) and offer it as CSV and Excel.

    The grid keeps the raw numbers, so columns sort as numbers, and shows them formatted for
    the language; the files hold the typed values and the as-of date (`dashboards.exports`).
    """
    money_columns, percent_columns = tuple(money_columns), tuple(percent_columns)

    def money(amount: Decimal) -> str:
        return formatting.money(amount, currency_code, language)

    def percent(share: float) -> str:
        return formatting.percent(share, language)

    formats = {column: money for column in money_columns}
    formats |= {column: percent for column in percent_columns}
    st.dataframe(table.style.format(formats, na_rep=""), hide_index=True)
    exports.download_buttons(
        exports.TableExport(
            table, money_columns, percent_columns, currency_code, language,
            selection.current().as_of, exports.file_stem(file_name),
        )
    )
