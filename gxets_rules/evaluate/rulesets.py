"""Rule sets compiled against the engine's own implementations of the rule language's functions.

The loader (``ruleset/loader.py``) is handed the functions so that the language never imports the engine; everything
above the engine loads rule sets through here and gets the standard functions bound.
"""

from __future__ import annotations

from pathlib import Path

from gxets_rules.evaluate.stdlib import FUNCTIONS
from gxets_rules.model.problems import Problem
from gxets_rules.ruleset import loader
from gxets_rules.ruleset.compiled import RuleSet
from gxets_rules.ruleset.strict_yaml import Document


def load_ruleset(folder: Path) -> RuleSet:
    """Load, compile and lint a rule-set folder; an error or a lint finding is an :class:`InputError`."""
    return loader.load_ruleset(folder, FUNCTIONS)


def compile_ruleset(folder: Path) -> tuple[RuleSet | None, list[Problem], dict[str, Document]]:
    """Compile without linting (what ``gxets rules lint`` reports on)."""
    return loader.compile_ruleset(folder, FUNCTIONS)
