"""Client file (expediente): search a client; fiscal data, statement of account, documents, payment history. Filled by the dash2 branch."""

import streamlit as st

from dashboards import freshness
from dashboards.i18n import t

st.title(t("client_file.title"))
freshness.show_line()
