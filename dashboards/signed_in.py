"""Who is signed in, and the app-state store the pages write to.

The login (app.py) puts the authenticated `User` in the session; pages ask `current_user()`
and write through `store()`, whose functions check the user's role themselves.
"""

import streamlit as st

from dashboards.app_state import Store, User, open_store

SESSION_USER_KEY = "signed_in_user"
LAST_ACTIVITY_KEY = "signed_in_last_activity"
"""When the signed-in user last ran the app (the store's clock): login.py signs out a
session idle longer than the store's `session_idle`."""


@st.cache_resource
def store() -> Store:
    """The app-state store, migrated, shared by every session of this server."""
    return open_store()


def current_user() -> User | None:
    """The signed-in user, as the entrypoint re-read it from the store at the start of this
    run (None before login). Pages that write pass it to the store's functions, which check
    the role again themselves."""
    return st.session_state.get(SESSION_USER_KEY)
