"""The frame on the demo warehouse: navigation by section, every page in both languages with
its freshness line, the state a URL carries, client links."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

from apptest import displayed, mart_value, marts, metrics, open_page, run_app
from dashboards.freshness import stale_sources
from dashboards.navigation import ROLES

PAGES = {
    "app_pages/overview.py": ("Resumen", "Overview"),
    "app_pages/aging.py": ("Antigüedad de saldos", "Aging"),
    "app_pages/payment_behavior.py": ("Comportamiento de pago", "Payment behaviour"),
    "app_pages/concentration.py": ("Concentración", "Concentration"),
    "app_pages/client_file.py": ("Ficha de cliente", "Client file"),
    "app_pages/worklist.py": ("Cobranza", "Collections worklist"),
    "app_pages/bank.py": ("Conciliación bancaria", "Bank reconciliation"),
    "app_pages/data_quality.py": ("Calidad de datos", "Data quality"),
}


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_opens_with_its_title_and_the_freshness_line(demo, page, language):
    app = open_page(page, language)

    es_title, en_title = PAGES[page]
    assert app.title[0].value == (es_title if language == "es" else en_title)
    # The demo warehouse's as-of date is the latest date of its exports.
    as_of = mart_value(demo, "select max(as_of_date) from marts.ar_aging")
    line = app.caption[0].value
    prefix = "Datos a" if language == "es" else "Data as of"
    assert line.startswith(f"{prefix} {as_of:%d/%m/%Y} · ")


def test_the_navigation_has_the_four_sections_and_the_committee_page_for_its_roles_only():
    # Titles are looked up in the session's language, so read the sections in a run.
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from dashboards.navigation import ROLES, specs_for

        st.session_state["navigation"] = {
            role: {
                section: [spec.url_path for spec in specs]
                for section, specs in specs_for(role).items()
            }
            for role in ROLES
        }

    app = AppTest.from_function(script).run()

    assert not app.exception
    assert set(app.session_state["navigation"]) == set(ROLES)
    committee_pages = ["client", "worklist", "committee"]
    for role, clients_section in (
        ("viewer", ["client", "worklist"]), ("committee", committee_pages), ("admin", committee_pages)
    ):
        assert app.session_state["navigation"][role] == {
            "Cartera": ["overview", "aging", "behavior", "concentration"],
            "Clientes": clients_section,
            "Banco": ["bank"],
            "Datos": ["data-quality"],
        }


def test_a_shared_url_opens_its_language_date_filters_and_client(demo):
    params = {"lang": "en", "as_of": "2026-06-30", "branch": "Madrid", "client_id": "C0042"}

    app = run_app(params)

    assert app.sidebar.radio(key="language").value == "en"
    assert app.sidebar.date_input[0].value == date(2026, 6, 30)
    assert app.sidebar.multiselect(key="filter_branch").value == ["Madrid"]
    assert app.session_state["cartera_client_id"] == "C0042"
    # The URL keeps mirroring the state after the run.
    assert {name: app.query_params[name] for name in params} == params


def test_a_url_naming_unknown_values_opens_the_app_without_them(demo):
    app = run_app({"branch": "Atlantis", "as_of": "2999-01-01", "lang": "xx"})

    assert app.sidebar.multiselect(key="filter_branch").value == []
    assert app.sidebar.date_input[0].value == mart_value(
        demo, "select max(as_of_date) from marts.ar_aging"
    )
    assert app.sidebar.radio(key="language").value == "es"


def test_the_branch_filter_keeps_that_branch_only(demo):
    """At the month end 31/10/2026, the overview's total for Madrid is ar_kpis_monthly's
    ending AR of the branch Madrid."""
    app = run_app({"as_of": "2026-10-31", "branch": "Madrid", "lang": "en"})

    ending_ar = mart_value(
        demo,
        "select ending_ar_amount from marts.ar_kpis_monthly where month_end = ? "
        "and dimension_type = 'branch' and dimension_value = 'Madrid'",
        [date(2026, 10, 31)],
    )
    assert metrics(app)["Total receivable"] == f"€{ending_ar:,.2f}"


def test_client_names_link_to_the_client_file_with_the_state(demo):
    app = run_app({"lang": "en", "as_of": "2026-06-30"})

    table = app.dataframe[0]
    url = table.value["Client"].iloc[0]
    client_id = table.value["Client id"].iloc[0]
    path = urlsplit(url)
    assert path.path == "client"
    assert parse_qs(path.query) == {
        "lang": ["en"], "as_of": ["2026-06-30"], "client_id": [client_id],
    }
    # The grid shows the client's name, not the link.
    name = mart_value(demo, "select client_name from marts.ar_aging where client_id = ?",
                      [client_id])
    assert displayed(table)[0][1] == name


def test_a_source_is_stale_when_its_newest_data_is_older_than_its_expected_period():
    """Documents are expected every 3 days, withholdings every 35: on 10/03/2026 documents of
    06/03 are 4 days old (stale), withholdings of 01/02 37 days (stale), receipts of 08/03
    2 days (not); an unknown source is never checked. On 09/03 the documents are 3 days old,
    not more than their period."""
    freshness = pd.DataFrame(
        {
            "source": ["documents", "withholdings", "receipts", "unknown"],
            "part": ["", "", "", ""],
            "newest_data_date": [date(2026, 3, 6), date(2026, 2, 1), date(2026, 3, 8),
                                 date(2020, 1, 1)],
        }
    )

    stale = stale_sources(freshness, date(2026, 3, 10))

    assert stale[["source", "days_old"]].values.tolist() == [
        ["documents", 4], ["withholdings", 37],
    ]
    assert stale_sources(freshness, date(2026, 3, 9))["source"].tolist() == ["withholdings"]


def test_segments_are_named_in_the_users_language(demo):
    app = run_app({"segment": "retail"})

    segments = app.sidebar.multiselect(key="filter_segment")
    assert segments.value == ["retail"]
    assert "Comercio minorista" in segments.options

    app.sidebar.radio(key="language").set_value("en").run()

    segments = app.sidebar.multiselect(key="filter_segment")
    assert "Retail" in segments.options
    assert segments.value == ["retail"]

    # Chosen in English: the code, not the English name, is kept and goes to the URL.
    segments.set_value(["wholesale"]).run()

    assert app.sidebar.multiselect(key="filter_segment").value == ["wholesale"]
    assert app.query_params["segment"] == "wholesale"


def test_the_freshness_details_name_each_sources_newest_file(demo):
    app = run_app({"lang": "en"})

    details = app.caption[0].proto.help
    accounts = marts(
        demo,
        "select bank_account, max(period_end_date) as newest, "
        "arg_max(_source_file, period_end_date) as file_name "
        "from staging.stg_bank__statements group by bank_account order by bank_account",
    )
    assert len(accounts) == 2  # the demo's two accounts, in two statement formats
    for account in accounts.itertuples():
        assert (
            f"- bank statements {account.bank_account}: data up to {account.newest:%d/%m/%Y}; "
            f"last file {account.file_name}, loaded "
        ) in details


def test_the_currency_filter_offers_the_clients_and_the_documents_currencies(demo):
    app = open_page("app_pages/overview.py", "en")

    expected = marts(demo, """
        select currency_code from marts.dim_clients where is_current and currency_code is not null
        union select currency_code from marts.fct_documents order by currency_code""")
    assert len(expected) > 1
    assert app.multiselect(key="filter_currency").options == list(expected["currency_code"])
