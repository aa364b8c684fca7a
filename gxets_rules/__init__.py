"""gxets-rules: a compliance rules engine for Japan's GX-ETS.

The public API::

    import gxets_rules

    result = gxets_rules.check("submission.yaml")  # a file, or the submission's data as a mapping
    summary = gxets_rules.review(["submissions/"])  # a batch, as the secretariat reviews it

``check`` returns a :class:`Result`, ``review`` a :class:`ReviewSummary`; bad input raises :class:`InputError`
with every located problem. The root package sits above every layer (``docs/architecture.md``, "Layers"), and it
imports them only when one of these names is first used: ``import gxets_rules`` runs before any of its modules is
imported, so it must stay as light as ``_version`` for ``gxets --help`` and for the layers below, none of which may
import from here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from gxets_rules._version import __version__

if TYPE_CHECKING:
    from gxets_rules.app.api import check, review
    from gxets_rules.model.problems import InputError
    from gxets_rules.model.result import Result
    from gxets_rules.model.review import ReviewSummary

_PUBLIC = {
    "check": "gxets_rules.app.api",
    "review": "gxets_rules.app.api",
    "Result": "gxets_rules.model.result",
    "ReviewSummary": "gxets_rules.model.review",
    "InputError": "gxets_rules.model.problems",
}

__all__ = ["InputError", "Result", "ReviewSummary", "__version__", "check", "review"]


def __getattr__(name: str) -> Any:
    """A public name, imported on first use (PEP 562)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
