"""A command made of actions (``beffroi staff add|list``, ``beffroi privacy erase|...``).

Each action is declared in one call (its name, help line, description and handler), and the
command given alone answers with the list of its actions, taken from those declared so that
the message and the commands cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable

from beffroi.cli.errors import UsageError


class Actions:
    def __init__(self, parser, command: str) -> None:
        self._command = command
        self._names: list[str] = []
        self._actions = parser.add_subparsers(dest=f"{command}_action", metavar="ACTION")
        parser.set_defaults(handler=self._none_chosen)

    def add(
        self, name: str, handler: Callable[..., int], help: str, description: str | None = None
    ):
        """The action's parser, for its arguments; ``handler`` runs it."""
        action = self._actions.add_parser(name, help=help, description=description)
        action.set_defaults(handler=handler)
        self._names.append(name)
        return action

    def _none_chosen(self, args) -> int:
        *others, last = self._names
        choices = f"{', '.join(others)} or {last}" if others else last
        raise UsageError(f"choose an action: {choices} (see beffroi {self._command} --help)")
