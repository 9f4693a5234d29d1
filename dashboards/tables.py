"""Tables on pages: locale-formatted cells over the raw values, and a CSV download below."""

from collections.abc import Iterable
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboards import formatting
from dashboards.i18n import t


def show_table(
    table: pd.DataFrame,
    *,
    money_columns: Iterable[str],
    percent_columns: Iterable[str],
    currency_code: str,
    language: str,
    file_name: str,
) -> None:
    """Show `table` (headers already translated) and offer it as CSV.

    The grid keeps the raw numbers, so columns sort as numbers, and shows them formatted for
    the language; the CSV holds the raw values (see `csv_bytes`).
    """

    def money(amount: Decimal) -> str:
        return formatting.money(amount, currency_code, language)

    def percent(share: float) -> str:
        return formatting.percent(share, language)

    formats = {column: money for column in money_columns}
    formats |= {column: percent for column in percent_columns}
    st.dataframe(table.style.format(formats, na_rep=""), hide_index=True)
    st.download_button(
        t("table.download_csv"),
        data=csv_bytes(table),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )


def csv_bytes(table: pd.DataFrame) -> bytes:
    """`table` as CSV: raw values (decimal point, no grouping, exact decimals), UTF-8 with a
    byte-order mark so that spreadsheet programs read the accents of the headers and names."""
    return table.to_csv(index=False).encode("utf-8-sig")
