"""Beffroi: community management and analytics for a city's social accounts.

The rooms are sub-packages (config, store, collectors, inbox, scheduler, analytics,
dashboard, cli). They live under one ``beffroi`` namespace rather than as top-level
packages so that installing Beffroi never shadows unrelated packages named ``config``
or ``store`` in the same environment.
"""

__version__ = "0.1.0"
