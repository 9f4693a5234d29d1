"""Streamlit dashboards over the published cartera warehouse (read-only)."""
