"""The login in front of every page, the sign-out, and the idle timeout.

Before a user has signed in, the entrypoint draws only the language switch and the form
below: no page runs and the warehouse is not opened. `authenticate` (app_state) checks the
password, rate-limits failures per user name and per client address and audits every
attempt; this module only draws its answer. On every run the signed-in user is read again
from the store, so a user disabled or given another role meanwhile is signed out or sees
the new role's pages at the next click; a session idle longer than
CARTERA_SESSION_IDLE_MINUTES is signed out. A session lives as long as the browser tab's
connection: reloading the page asks to sign in again (nothing is kept in a cookie).
"""

import math

import streamlit as st

from dashboards.app_state import DISABLED, LOCKED, OK, User, authenticate, get_user, session_expired
from dashboards.i18n import LANGUAGE_KEY, t
from dashboards.plain_text import literal
from dashboards.signed_in import LAST_ACTIVITY_KEY, SESSION_USER_KEY, current_user, store

NAME_KEY = "login_name"
PASSWORD_KEY = "login_password"
SUBMIT_KEY = "login_submit"
SIGN_OUT_KEY = "sign_out"
_NOTICE_KEY = "login_notice"
"""Why the form is shown again: (message key, values), drawn above the form."""


def signed_in_user() -> User | None:
    """The signed-in user as the store has it now, this run counted as activity; None
    (with the reason kept for the form) when nobody is signed in, the session has been
    idle too long, or the user was disabled or removed meanwhile."""
    user = current_user()
    if user is None:
        return None
    app_store = store()
    now = app_store.now()
    last_activity = st.session_state.get(LAST_ACTIVITY_KEY)
    if last_activity is None or session_expired(app_store.settings, last_activity, now):
        minutes = int(app_store.settings.session_idle.total_seconds() // 60)
        sign_out(("auth.expired", {"minutes": minutes}))
        return None
    current = get_user(app_store, user.name)
    if current is None or not current.is_active:
        sign_out(("auth.disabled", {}))
        return None
    st.session_state[SESSION_USER_KEY] = current
    st.session_state[LAST_ACTIVITY_KEY] = now
    return current


def sign_out(notice: tuple[str, dict] = ("auth.signed_out", {})) -> None:
    """Forget everything of the session but its language: the next user at this browser
    starts afresh (filters and client from the URL, as a newly opened link)."""
    for key in list(st.session_state):
        if key != LANGUAGE_KEY:
            del st.session_state[key]
    st.session_state[_NOTICE_KEY] = notice


def login_form() -> None:
    """The sign-in form, with why it is shown again (wrong password, locked, expired…)."""
    st.title(t("auth.title"))
    st.caption(t("auth.intro"))
    notice = st.session_state.get(_NOTICE_KEY)
    if notice is not None:
        key, values = notice
        show = st.info if key in ("auth.signed_out", "auth.expired") else st.error
        show(t(key, **values), icon=":material/lock:")
    with st.form("login"):
        st.text_input(t("auth.name"), key=NAME_KEY, autocomplete="username")
        st.text_input(t("auth.password"), key=PASSWORD_KEY, type="password", autocomplete="current-password")
        st.form_submit_button(t("auth.submit"), key=SUBMIT_KEY, type="primary", on_click=_attempt_login)


def account_sidebar(user: User) -> None:
    """Who is signed in, and the sign-out button, in the sidebar."""
    st.sidebar.caption(t("auth.signed_in_as", name=literal(user.name), role=t(f"role.{user.role}")))
    st.sidebar.button(t("auth.sign_out"), key=SIGN_OUT_KEY, icon=":material/logout:", on_click=sign_out)


def client_address() -> str | None:
    """The browser's address as the server sees it (None where unknown, as in AppTest).
    Behind a reverse proxy this is the proxy's, so the per-address limit then counts the
    failures of everyone behind it: raise CARTERA_LOGIN_MAX_FAILURES_PER_ADDRESS there."""
    address = st.context.ip_address
    # AppTest has no browser: its context answers with a stand-in object.
    return address if isinstance(address, str) else None


def _attempt_login() -> None:
    name = st.session_state.get(NAME_KEY) or ""
    password = st.session_state.get(PASSWORD_KEY) or ""
    # The password does not outlive the attempt in the session.
    st.session_state[PASSWORD_KEY] = ""
    app_store = store()
    result = authenticate(app_store, name, password, client_address())
    if result.outcome == OK:
        st.session_state.pop(_NOTICE_KEY, None)
        st.session_state[SESSION_USER_KEY] = result.user
        st.session_state[LAST_ACTIVITY_KEY] = app_store.now()
    elif result.outcome == LOCKED:
        seconds = (result.locked_until - app_store.now()).total_seconds()
        st.session_state[_NOTICE_KEY] = ("auth.locked", {"minutes": max(1, math.ceil(seconds / 60))})
    elif result.outcome == DISABLED:
        st.session_state[_NOTICE_KEY] = ("auth.disabled", {})
    else:
        st.session_state[_NOTICE_KEY] = ("auth.wrong_credentials", {})
