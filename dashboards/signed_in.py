"""Who is signed in, and the app-state store the pages write to.

The login (app.py) puts the authenticated `User` in the session; pages ask `current_user()`
and write through `store()`, whose functions check the user's role themselves.
"""

import streamlit as st

from dashboards.app_state import Store, User, open_store

SESSION_USER_KEY = "signed_in_user"


@st.cache_resource
def store() -> Store:
    """The app-state store, migrated, shared by every session of this server."""
    return open_store()


def current_user() -> User | None:
    return st.session_state.get(SESSION_USER_KEY)
