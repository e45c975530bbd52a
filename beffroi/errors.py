"""The one base error of Beffroi.

Every error Beffroi raises on purpose (a bad configuration, an unusable database, a
network that refused, a command asked the impossible) derives from :class:`BeffroiError`
and carries one sentence a person can act on. The command line and the dashboard catch
this one class; anything else is a bug, shown as one sentence with its traceback kept in
a log file.
"""

from __future__ import annotations


class BeffroiError(Exception):
    """An expected failure; ``str(exc)`` is one sentence saying what to do."""
