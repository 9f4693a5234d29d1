"""Running the app with AppTest on the demo warehouse, signed in, and reading what it shows.

Every test signs in through the real login form, as a user of the app-state store at
CARTERA_APP_DB_URL (tests/dashboards/conftest.py points it at a session store holding
`TEST_USERS`; `add_test_users` puts them in another store). Passwords are the user names.
"""

from pathlib import Path

import duckdb
import pandas as pd
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from dashboards.app_state import add_user, get_user, open_store, shell_actor
from dashboards.app_state.settings import StoreSettings
from dashboards.login import NAME_KEY, PASSWORD_KEY, SUBMIT_KEY

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
NBSP = "\u00a0"
TEST_USERS = {"viewer": "demo", "committee": "comite", "admin": "admin"}
"""The user of each role in the tests' stores; each one's password is its name."""
# Cheap hashes: a verification costs what the hash was made with (the default ~1 s here).
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "argon2_parallelism": 1}


def add_test_users(url: str) -> None:
    """`TEST_USERS` in the store at `url` (migrated first), those missing only."""
    store = open_store(settings=StoreSettings(url=url, **CHEAP_ARGON2))
    try:
        for role, name in TEST_USERS.items():
            if get_user(store, name) is None:
                add_user(store, name, role, name, actor=shell_actor())
    finally:
        store.close()


def start_app(query_params: dict[str, str | list[str]] | None = None) -> AppTest:
    """The app's first run, as a browser opening a URL with `query_params`: the login."""
    app = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in (query_params or {}).items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def sign_in(app: AppTest, name: str, password: str) -> AppTest:
    """Types `name` and `password` into the login form and submits it."""
    app.text_input(key=NAME_KEY).input(name)
    app.text_input(key=PASSWORD_KEY).input(password)
    app.button(key=SUBMIT_KEY).click().run()
    assert not app.exception, app.exception
    return app


def run_app(query_params: dict[str, str | list[str]] | None = None, role: str = "viewer") -> AppTest:
    """The app opened at a URL with `query_params`, signed in as the test user of `role`."""
    app = start_app(query_params)
    name = TEST_USERS[role]
    sign_in(app, name, name)
    assert not app.text_input, f"{name} could not sign in: {[alert.value for alert in app.error]}"
    return app


def open_page(page: str, language: str = "es", role: str = "viewer", **query_params) -> AppTest:
    """The app opened on `page` (e.g. 'app_pages/aging.py') in `language`, signed in as
    the test user of `role`."""
    params = {"lang": language} if language != "es" else {}
    app = run_app(params | query_params, role)
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
