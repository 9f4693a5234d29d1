"""Payment behaviour"""

import streamlit as st

from dashboards import freshness
from dashboards.i18n import t

st.title(t("behavior.title"))
freshness.show_line()
