"""The folder Streamlit runs the dashboard from (see ``run.py``)."""
