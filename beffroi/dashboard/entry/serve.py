"""The file ``beffroi dashboard`` gives ``streamlit run``: Streamlit's app (``run.py``, the
dashboard's script) with the dashboard's own route beside it, the one that sets the
session cookie (``beffroi.dashboard.session_cookie``). Streamlit finds ``app`` here and
serves it with its own server and every option ``beffroi dashboard`` pinned."""

import streamlit as st

from beffroi.dashboard.session_cookie import routes

app = st.App("run.py", routes=routes())
