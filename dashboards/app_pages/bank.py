"""Bank reconciliation (conciliación): per account tie-out, incoming lines by rule, unregistered lines. Filled by the dash2 branch."""

import streamlit as st

from dashboards import freshness
from dashboards.i18n import t

st.title(t("bank.title"))
freshness.show_line()
