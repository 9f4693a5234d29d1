"""Running the app with AppTest on the demo warehouse, and reading what it shows."""

from pathlib import Path

import duckdb
import pandas as pd
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
NBSP = "\u00a0"


def run_app(query_params: dict[str, str | list[str]] | None = None) -> AppTest:
    """The app's first run, as a browser opening a URL with `query_params`."""
    app = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in (query_params or {}).items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def open_page(page: str, language: str = "es", **query_params) -> AppTest:
    """The app opened on `page` (e.g. 'app_pages/aging.py') in `language`."""
    params = {"lang": language} if language != "es" else {}
    app = run_app(params | query_params)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def displayed(table) -> list[list[str]]:
    """The cells of a styled st.dataframe as the user reads them."""
    display = table.proto.arrow_data.styler.display_values
    return dataframe_util.convert_arrow_bytes_to_pandas_df(display).values.tolist()


def displayed_frame(table) -> pd.DataFrame:
    """The displayed cells with the grid's headers."""
    return pd.DataFrame(displayed(table), columns=list(table.value.columns))


def marts(home: Path, sql: str, parameters: list[object] | None = None) -> pd.DataFrame:
    """Read the published warehouse the way a test checks the page: read-only, the marts'
    own figures (DECIMAL as Decimal, as the page gets them)."""
    with duckdb.connect(str(home / "cartera.duckdb"), read_only=True) as connection:
        table = connection.sql(sql, params=parameters or []).to_arrow_table()
    return table.to_pandas(integer_object_nulls=True)


def mart_value(home: Path, sql: str, parameters: list[object] | None = None):
    with duckdb.connect(str(home / "cartera.duckdb"), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()[0][0]
