"""Errors the command line turns into one sentence and a non-zero exit."""


class UsageError(Exception):
    """The command was asked something it cannot do; the message says what instead."""
