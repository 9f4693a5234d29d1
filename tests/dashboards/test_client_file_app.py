"""The client file on the demo warehouse, in Spanish and English: what it shows is the marts'."""

import shutil

import duckdb
import pytest

from apptest import displayed_frame, mart_value, marts, metrics, open_page
from dashboards import formatting, reasons
from dashboards.i18n.messages import as_text, message

PAGE = "app_pages/client_file.py"
LABELS = {
    "es": {"balance": "Saldo pendiente", "overdue": "Vencido", "available": "Crédito disponible",
           "grade": "Calificación", "closing": "Saldo final a", "limit": "Límite de crédito",
           "recommended": "Límite recomendado", "pdf": "Extracto en PDF", "xlsx": "Extracto en Excel",
           "balance_column": "Saldo"},
    "en": {"balance": "Open balance", "overdue": "Overdue", "available": "Available credit",
           "grade": "Grade", "closing": "Closing balance at", "limit": "Credit limit",
           "recommended": "Recommended limit", "pdf": "Statement as PDF", "xlsx": "Statement as Excel",
           "balance_column": "Balance"},
}


@pytest.fixture
def busiest(demo):
    """The demo client with the most movements, and its figures as the marts hold them."""
    client_id = mart_value(
        demo,
        "select client_id from marts.statement_of_account group by client_id "
        "order by count(*) desc, client_id limit 1",
    )
    figures = marts(
        demo,
        """
        select clients.legal_name, aging.open_balance_amount, aging.overdue_amount,
               aging.net_balance_amount, limits.available_credit_amount,
               limits.credit_limit_amount, limits.credit_limit_currency_code,
               limits.recommended_limit_amount, behaviour.grade, aging.as_of_date,
               behaviour.score, behaviour.score_lateness, behaviour.score_on_time,
               behaviour.score_severity, behaviour.score_trend, behaviour.score_overdue
        from marts.ar_aging as aging
        join marts.credit_limits as limits using (client_id)
        join marts.payment_behavior as behaviour using (client_id)
        join marts.dim_clients as clients on clients.client_id = aging.client_id and clients.is_current
        where aging.client_id = ?
        """,
        [client_id],
    ).iloc[0]
    return client_id, figures


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_file_of_a_client_from_the_url_shows_the_marts_figures(demo, busiest, language):
    client_id, figures = busiest
    labels = LABELS[language]

    def money(amount, currency="EUR"):
        return formatting.money(amount, currency, language)

    app = open_page(PAGE, language, client_id=client_id)

    assert app.header[0].value == figures["legal_name"]
    shown = metrics(app)
    assert shown[labels["balance"]] == money(figures["open_balance_amount"])
    assert shown[labels["overdue"]] == money(figures["overdue_amount"])
    assert shown[labels["available"]] == money(figures["available_credit_amount"])
    assert shown[labels["grade"]] == figures["grade"]
    assert shown[labels["limit"]] == money(figures["credit_limit_amount"], figures["credit_limit_currency_code"])
    assert shown[labels["recommended"]] == money(figures["recommended_limit_amount"])
    # The statement ends at the as-of date: its closing balance is the mart's running
    # balance at the client's last movement, which is ar_aging's net balance.
    closing_label = f"{labels['closing']} {figures['as_of_date']:%d/%m/%Y}"
    assert shown[closing_label] == money(figures["net_balance_amount"])
    statement = displayed_frame(app.dataframe[0])
    assert statement[labels["balance_column"]].iloc[-1] == money(figures["net_balance_amount"])
    # The score's components as payment_behavior has them, out of 30/20/20/10/20.
    assert app.expander[0].label.startswith(
        f"{'Puntuación' if language == 'es' else 'Score'} {figures['score']} "
    )
    connector = "de" if language == "es" else "of"
    assert [bar.text.split(": ")[1] for bar in app.get("progress")] == [
        f"{figures[column]} {connector} {maximum}"
        for column, maximum in (("score_lateness", 30), ("score_on_time", 20),
                                ("score_severity", 20), ("score_trend", 10), ("score_overdue", 20))
    ]
    labels_shown = [button.label for button in app.get("download_button")]
    assert labels["pdf"] in labels_shown and labels["xlsx"] in labels_shown


def test_the_statement_lists_the_periods_movements_with_the_marts_running_balance(demo, busiest):
    client_id, figures = busiest
    app = open_page(PAGE, "es", client_id=client_id)
    start, end = (widget.value for widget in app.date_input if widget.label in ("Desde", "Hasta"))

    movements = marts(
        demo,
        "select reference, running_balance_amount from marts.statement_of_account "
        "where client_id = ? and movement_date between ? and ? order by movement_seq",
        [client_id, start, end],
    )
    statement = displayed_frame(app.dataframe[0])

    assert len(movements) > 5
    assert list(statement["Referencia"]) == list(movements["reference"])
    assert list(statement["Saldo"]) == [
        formatting.money(amount, "EUR", "es") for amount in movements["running_balance_amount"]
    ]


def test_a_client_is_found_by_a_former_name_and_its_file_opens(demo):
    """C0212 was 'Estructuras Alcázar S.L.U.' and is now 'Grupo Gredos S.L.' (dim_clients)."""
    former, current = marts(
        demo,
        "select legal_name from marts.dim_clients where client_id = 'C0212' order by version_no",
    )["legal_name"]
    app = open_page(PAGE, "es")
    assert app.info[0].value.startswith("Busca un cliente")

    app.text_input(key="client_search").set_value("alcázar").run()
    picker = app.selectbox(key="client_pick_alcázar")
    assert "C0212" in picker.options[0] or any("C0212" in option for option in picker.options)
    assert any(f"antes: {former}" in option for option in picker.options)
    picker.set_value("C0212").run()

    assert not app.exception
    assert app.header[0].value == current == "Grupo Gredos S.L."


def test_a_search_by_tax_id_without_separators_finds_the_client(demo):
    tax_id = mart_value(demo, "select tax_id from marts.dim_clients where client_id = 'C0226' and is_current")
    app = open_page(PAGE, "en")

    text = f"{tax_id[0]}-{tax_id[1:]}".lower()
    app.text_input(key="client_search").set_value(text).run()

    assert app.selectbox(key=f"client_pick_{text}").options == [
        option for option in app.selectbox(key=f"client_pick_{text}").options if "C0226" in option
    ]
    assert len(app.selectbox(key=f"client_pick_{text}").options) == 1


def test_an_unknown_client_in_the_url_is_said_so(demo):
    app = open_page(PAGE, "en", client_id="NOPE")

    assert "There is no client with code NOPE." in [warning.value for warning in app.warning]
    assert not app.tabs


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_morosos_file_words_its_grade_and_moroso_reasons_in_the_users_language(demo, language):
    """The moroso with the most overdue: the red box and the score's caption are the mart's
    reason codes worded by the catalogue ('Moroso: deuda no disputada con 153 días de
    vencida' / 'Late payer: undisputed debt 153 days past due')."""
    client_id = mart_value(
        demo,
        "select client_id from marts.payment_behavior where is_moroso "
        "order by overdue_amount desc, client_id limit 1",
    )
    codes = marts(
        demo,
        "select client_id, reason_type, reason_code, points_lost, parameter_1, parameter_2, parameter_3 "
        "from marts.payment_behavior_reasons where client_id = ? order by reason_type, reason_order",
        [client_id],
    )

    app = open_page(PAGE, language, client_id=client_id)

    moroso = reasons.sentences(codes[codes["reason_type"] == "moroso"], language)
    grade = reasons.sentences(codes[codes["reason_type"] == "grade"], language)
    lead = {"es": ("Moroso: ", "Motivos de la calificación: "),
            "en": ("Late payer: ", "Why this grade: ")}[language]
    assert [error.value for error in app.error] == [lead[0] + moroso]
    assert lead[1] + grade in [caption.value for caption in app.caption]
    assert ({"es": "moroso: calificación E", "en": "late payer: grade E"}[language]) in grade


@pytest.mark.parametrize(("language", "message"), [
    ("es", "El extracto sale sin cabecera: {path}, línea 3, campo «phone»: debe ser un texto no vacío."),
    ("en", "The statement prints without a header: {path}, line 3, field 'phone': must be a non-empty text."),
])
def test_a_wrong_company_file_is_named_in_the_users_language_and_the_file_still_shows(
    demo, busiest, tmp_path, monkeypatch, language, message
):
    """A company.json whose phone is a number: the page says which file, line and field, in
    the user's language, and shows the client's figures and the statement all the same.
    The demo warehouse is read where it is (CARTERA_PUBLISHED_DB); CARTERA_HOME, where the
    company file is read, is a folder of this test's own."""
    company = tmp_path / "company.json"
    company.write_text('{\n  "name": "Distribuciones Cartera Demo S.L.",\n  "phone": 960000000\n}\n',
                       encoding="utf-8")
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    monkeypatch.setenv("CARTERA_PUBLISHED_DB", str(demo / "cartera.duckdb"))
    client_id, figures = busiest
    labels = LABELS[language]

    app = open_page(PAGE, language, client_id=client_id)

    assert message.format(path=company) in [error.value for error in app.error]
    assert app.header[0].value == figures["legal_name"]
    closing_label = f"{labels['closing']} {figures['as_of_date']:%d/%m/%Y}"
    assert metrics(app)[closing_label] == formatting.money(figures["net_balance_amount"], "EUR", language)
    assert labels["pdf"] in [button.label for button in app.get("download_button")]


@pytest.fixture
def home_with_invalid_tax_ids(demo_home, tmp_path, monkeypatch):
    """A copy of the demo's published database in which C0212's current tax id failed its
    check with a stored message, and its former one with the English text an older cartera
    stored."""
    shutil.copy(demo_home / "cartera.duckdb", tmp_path / "cartera.duckdb")
    mismatch = as_text(message("tax_id.vat_prefix_mismatch", prefix="DE", country="ES"))
    with duckdb.connect(str(tmp_path / "cartera.duckdb")) as connection:
        connection.execute(
            "update marts.dim_clients set tax_id_is_valid = false, "
            "tax_id_check_reason = case when is_current then ? else 'wrong check digit' end "
            "where client_id = 'C0212'",
            [mismatch],
        )
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    return tmp_path


@pytest.mark.parametrize("language, column, current", [
    ("es", "Comprobación del NIF",
     "el prefijo DE del número de IVA intracomunitario no corresponde al país ES"),
    ("en", "Tax id check", "VAT prefix DE does not match country ES"),
])
def test_the_fiscal_history_words_a_tax_id_check_in_the_page_s_language_and_old_text_as_it_is(
    home_with_invalid_tax_ids, language, column, current
):
    app = open_page(PAGE, language, client_id="C0212")

    fiscal = next(displayed_frame(grid) for grid in app.dataframe if column in grid.value.columns)
    # Newest version first; the former one's reason was stored as text and is shown as it is.
    assert fiscal[column].tolist() == [current, "wrong check digit"]
