"""Values of heavier modules that the command line names before any command runs, imported when first used.

``gxets --help`` should cost a Python start and click (DESIGN.md §8): the commands import the engine, pydantic,
openpyxl, networkx and jinja2 inside their bodies. What click needs while it *defines* the commands — a default
(``--max-rows``), the choices of an option (``--decision``), a help text naming the report kinds — lives beside the
code it belongs to; these wrappers fetch it from there only when click asks (running the command, or printing that
command's own help), so the top-level help never imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any

import click


class Later:
    """``module.name``, imported when first asked for. As a click default it is called for the value, and printed
    as the value in help (click prints a callable *function* as "(dynamic)", not a callable object)."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def value(self) -> Any:
        return getattr(import_module(self.module), self.name)

    def __call__(self) -> Any:
        return self.value()

    def __str__(self) -> str:
        return str(self.value())


class LaterChoice(click.Choice):  # type: ignore[type-arg]
    """A choice among values of a heavier module (a tuple, or a mapping's keys), looked up when click needs them."""

    def __init__(self, load: Callable[[], Iterable[str]], case_sensitive: bool = True) -> None:
        self._load = load
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:
        if self._choices is None:
            self._choices = tuple(self._load())
        return self._choices

    @choices.setter
    def choices(self, value: Iterable[str]) -> None:
        self._choices = tuple(value)


class LaterHelp(click.Option):
    """An option whose help text is written when help is shown (it names values of a heavier module)."""

    def __init__(self, *args: Any, help_later: Callable[[], str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._help_later = help_later

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = self._help_later()
        return super().get_help_record(ctx)
