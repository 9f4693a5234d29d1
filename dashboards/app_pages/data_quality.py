"""Data quality: last refreshes, files loaded and quarantined, checks per asset, source freshness. Filled by the dash2 branch."""

import streamlit as st

from dashboards import freshness
from dashboards.i18n import t

st.title(t("data_quality.title"))
freshness.show_line()
