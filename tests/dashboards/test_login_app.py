"""The login in front of every page (AppTest): nothing of the warehouse before it, wrong
passwords, locked and disabled users refused with a clear message, sign-out, the idle
timeout, and each role's navigation."""

from datetime import timedelta
from pathlib import Path

import pytest

from apptest import TEST_USERS, add_test_users, run_app, sign_in, start_app
from dashboards import db, navigation
from dashboards.app_state import audit_entries, disable_user, open_store, set_role, shell_actor
from dashboards.login import SIGN_OUT_KEY
from dashboards.navigation import PageSpec, specs_for
from dashboards.signed_in import LAST_ACTIVITY_KEY, SESSION_USER_KEY

RESTRICTED_PAGE = str(Path(__file__).with_name("restricted_page.py"))


@pytest.fixture
def own_store(tmp_path, monkeypatch) -> str:
    """A store of the test's own with the test users: these tests fail logins, disable
    users and change roles on purpose, which must not reach the session's store."""
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("CARTERA_APP_DB_URL", url)
    add_test_users(url)
    return url


@pytest.fixture
def empty_home(tmp_path, monkeypatch, own_store) -> Path:
    """A home where nothing was published yet (signed in, the app says so and runs no page)."""
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path / "home"))
    return tmp_path


def _store(home: Path):
    return open_store(f"sqlite:///{home / 'app.sqlite'}")


def _signed_in(app) -> bool:
    return not app.text_input and app.session_state[SESSION_USER_KEY] is not None


def test_nothing_of_the_warehouse_is_read_or_shown_before_login(demo, monkeypatch):
    """The first run draws the language switch and the form; the published database is not
    even opened (opening it fails the test). Signed in, the same app shows the overview."""
    def opened():
        raise AssertionError("the warehouse was opened before login")

    open_published = db.open_published
    monkeypatch.setattr(db, "open_published", opened)
    app = start_app()
    assert [title.value for title in app.title] == ["Iniciar sesión"]
    assert [widget.label for widget in app.text_input] == ["Usuario", "Contraseña"]
    assert app.sidebar.radio(key="language").value == "es"
    assert not (app.metric or app.dataframe or app.sidebar.date_input or app.sidebar.multiselect)

    monkeypatch.setattr(db, "open_published", open_published)
    sign_in(app, "demo", "demo")
    assert app.title[0].value == "Resumen"
    assert app.metric and app.sidebar.date_input


def test_the_form_speaks_the_language_chosen_before_login(empty_home):
    app = start_app({"lang": "en"})
    assert app.title[0].value == "Sign in"
    assert [widget.label for widget in app.text_input] == ["User name", "Password"]
    app.sidebar.radio(key="language").set_value("es").run()
    assert app.title[0].value == "Iniciar sesión"
    assert app.button(key="login_submit").label == "Entrar"


def test_a_wrong_password_or_an_unknown_user_is_refused_alike_and_audited(empty_home):
    app = start_app()
    sign_in(app, "demo", "not the password")
    assert [alert.value for alert in app.error] == ["Usuario o contraseña incorrectos."]
    assert not _signed_in(app) and not app.metric
    # The password typed is not kept in the session; the name is, to correct it.
    assert app.text_input(key="login_password").value == ""
    assert app.text_input(key="login_name").value == "demo"
    sign_in(app, "nadie", "demo")
    assert [alert.value for alert in app.error] == ["Usuario o contraseña incorrectos."]

    store = _store(empty_home)
    failed = [(entry.entity_id, entry.new_value) for entry in audit_entries(store) if entry.action == "login_failed"]
    store.close()
    assert failed == [("demo", {"reason": "wrong_password"}), ("nadie", {"reason": "unknown_user"})]


def test_after_too_many_failures_even_the_right_password_is_refused_for_a_while(empty_home, monkeypatch):
    """CARTERA_LOGIN_MAX_FAILURES=2: two wrong passwords lock `demo` for the 15 minutes of
    CARTERA_LOGIN_LOCKOUT_MINUTES; the third attempt, right, is refused with how long to
    wait (15 min, rounded up) and audited as login_locked."""
    monkeypatch.setenv("CARTERA_LOGIN_MAX_FAILURES", "2")
    app = start_app()
    sign_in(app, "demo", "x")
    sign_in(app, "demo", "y")
    sign_in(app, "demo", "demo")
    assert [alert.value for alert in app.error] == [
        "Demasiados intentos fallidos con este usuario o desde esta dirección: vuelve a intentarlo dentro de 15 min."
    ]
    assert not _signed_in(app)
    store = _store(empty_home)
    actions = [entry.action for entry in audit_entries(store, entity="user", entity_id="demo")]
    store.close()
    assert actions[-3:] == ["login_failed", "login_failed", "login_locked"]
    # Another user is not locked by demo's failures.
    sign_in(app, "comite", "comite")
    assert _signed_in(app)


def test_a_disabled_user_is_refused_and_one_disabled_while_signed_in_is_signed_out(empty_home):
    store = _store(empty_home)
    disable_user(store, "admin", actor=shell_actor())
    app = start_app({"lang": "en"})
    sign_in(app, "admin", "admin")
    assert [alert.value for alert in app.error] == ["This user is disabled: ask an administrator to enable it."]

    app = run_app(role="viewer")
    disable_user(store, "demo", actor=shell_actor())
    store.close()
    app.run()
    assert app.title[0].value == "Iniciar sesión"
    assert [alert.value for alert in app.error] == ["Este usuario está desactivado: pide a un administrador que lo active."]


def test_the_sidebar_names_who_is_signed_in_and_signs_out(empty_home):
    app = run_app({"lang": "en"}, role="committee")
    assert "Signed in as comite (credit committee)" in [caption.value for caption in app.sidebar.caption]
    app.sidebar.button(key=SIGN_OUT_KEY).click().run()
    assert app.title[0].value == "Sign in"
    assert [alert.value for alert in app.info] == ["You have signed out."]
    assert SESSION_USER_KEY not in app.session_state
    assert app.sidebar.radio(key="language").value == "en"  # the language is kept


def test_an_idle_session_must_sign_in_again(empty_home, monkeypatch):
    """CARTERA_SESSION_IDLE_MINUTES=5: last active 4 minutes ago, the next click goes on;
    6 minutes ago, it shows the form saying why."""
    monkeypatch.setenv("CARTERA_SESSION_IDLE_MINUTES", "5")
    app = run_app()
    app.session_state[LAST_ACTIVITY_KEY] -= timedelta(minutes=4)
    app.run()
    assert _signed_in(app)
    app.session_state[LAST_ACTIVITY_KEY] -= timedelta(minutes=6)
    app.run()
    assert app.title[0].value == "Iniciar sesión"
    assert [alert.value for alert in app.info] == [
        "La sesión se cerró tras 5 min sin actividad: vuelve a iniciar sesión."
    ]
    assert SESSION_USER_KEY not in app.session_state


@pytest.fixture
def restricted_page(monkeypatch):
    """The navigation with one more page, for the committee and admin roles only."""
    sections = navigation.sections

    def with_restricted():
        listed = sections()
        listed["Restricted"] = [
            PageSpec(RESTRICTED_PAGE, "Restricted", ":material/lock:", "restricted", roles=("committee", "admin"))
        ]
        return listed

    monkeypatch.setattr(navigation, "sections", with_restricted)


def test_a_page_is_in_the_navigation_of_the_roles_it_names_only(restricted_page):
    def url_paths(role):
        return [spec.url_path for specs in specs_for(role).values() for spec in specs]

    assert "restricted" not in url_paths("viewer")
    assert "Restricted" not in specs_for("viewer")  # a section with no page for the role is left out
    assert url_paths("committee")[-1] == url_paths("admin")[-1] == "restricted"
    # Besides it, the committee's and admin's own page (the committee page) only.
    assert set(url_paths("committee")) - set(url_paths("viewer")) == {"restricted", "committee"}
    assert set(url_paths("viewer")) < set(url_paths("committee"))


@pytest.mark.parametrize("role", list(TEST_USERS))
def test_each_role_opens_the_pages_of_its_navigation_only(demo, own_store, restricted_page, role):
    """The restricted page is not even registered in a viewer's navigation (AppTest says
    so naming the pages that are); the committee and admin open it."""
    app = run_app(role=role)
    if role == "viewer":
        with pytest.raises(ValueError, match="Could not find a navigation page") as refused:
            app.switch_page(RESTRICTED_PAGE)
        assert "app_pages/data_quality.py" in str(refused.value)  # the viewer's pages are listed
        return
    app.switch_page(RESTRICTED_PAGE).run()
    assert app.title[0].value == "Restricted"


def test_a_new_role_takes_effect_at_the_next_click(demo, own_store, restricted_page):
    app = run_app(role="viewer")
    store = open_store(own_store)
    set_role(store, "demo", "committee", actor=shell_actor())
    store.close()
    app.run()  # the next click: the navigation is now the committee's
    app.switch_page(RESTRICTED_PAGE).run()
    assert app.title[0].value == "Restricted"
    assert app.session_state[SESSION_USER_KEY].role == "committee"
