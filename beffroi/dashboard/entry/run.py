"""The script ``streamlit run`` executes: ``beffroi dashboard`` points Streamlit here.

It lives in its own folder on purpose: Streamlit treats a ``pages/`` folder beside the
script it runs as an old-style multipage app (every file becomes a page, and navigation
by URL breaks), and ``beffroi/dashboard/pages/`` is our page registry. Everything else
is in ``beffroi.dashboard.app``, imported once per process so its caches survive reruns.
"""

from beffroi.dashboard.app import main

main()
