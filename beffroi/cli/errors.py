"""Errors the command line turns into one sentence and a non-zero exit."""

from beffroi.errors import BeffroiError


class UsageError(BeffroiError):
    """The command was asked something it cannot do; the message says what instead."""
