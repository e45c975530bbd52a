"""``python -m beffroi.dashboard.launch run SCRIPT [flags]``: Streamlit's own command line,
with the dashboard's rooms imported while the server starts.

Streamlit imports the app script only when the first browser session opens. On the 2-core
machine the rooms behind it (pandas and Altair, the inbox's triage patterns and simplemma's
tables, analytics, the scheduler) took 3 to 5 s to import, and all of it stood between the
first visit and the first page drawn. Here one thread imports them as soon as the process
starts, while Streamlit starts its server and the browser loads Streamlit's JavaScript; the
first session then finds them in ``sys.modules``. Python's per-module import locks make the
two threads safe, and the rooms' imports run one way (``.importlinter``), so neither thread
can wait on the other in a circle.

``beffroi.dashboard`` itself is left to the script: its ``st.cache_data`` functions must be
created inside Streamlit's runtime (imported before it, Streamlit falls back to a memory
cache and warns "No runtime found").
"""

from __future__ import annotations

import importlib
import sys
import threading

WARM_MODULES = (
    "pandas",
    "altair",
    "beffroi.store",
    "beffroi.collectors",
    "beffroi.inbox",
    "beffroi.analytics",
    "beffroi.scheduler",
)


def warm_up(modules: tuple[str, ...] = WARM_MODULES) -> None:
    """Import the dashboard's heavy rooms; a failure is left for the page that needs the
    module to report, in its own words."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the page importing it will say what is wrong
            return


def main() -> None:
    threading.Thread(target=warm_up, name="beffroi-warm-up", daemon=True).start()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *sys.argv[1:]]
    streamlit_main()


if __name__ == "__main__":
    main()
