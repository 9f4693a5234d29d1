"""A page only the committee and admin roles may open (test_login_app.py adds it to the
navigation to check the role gating before the committee's own page exists)."""

import streamlit as st

st.title("Restricted")
