"""Concentration"""

import streamlit as st

from dashboards import freshness
from dashboards.i18n import t

st.title(t("concentration.title"))
freshness.show_line()
