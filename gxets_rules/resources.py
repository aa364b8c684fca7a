"""Where the bundled rule sets, report templates and schemas are.

In an installed wheel they sit inside the package (``gxets_rules/_data/…``, put there by
the build); in a source checkout they are the top-level folders ``rules/``, ``reports/``
and ``schemas/`` that rule authors and report designers edit. Either way ``gxets`` works
from any directory.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The bundled folder ``name`` (rules, reports, schemas)."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def rules_root() -> Path:
    return data_dir("rules")


def bundled_rulesets() -> list[str]:
    root = rules_root()
    return sorted(p.name for p in root.iterdir() if (p / "ruleset.yaml").is_file()) if root.is_dir() else []


def is_bundled(ref: str) -> bool:
    """Whether ``ref`` is the id of a bundled rule set (a plain name, never a path)."""
    return ref in bundled_rulesets()


def is_bundled_folder(folder: Path) -> bool:
    """Whether a rule-set folder is one of the bundled ones (wherever it was named from)."""
    try:
        return folder.resolve().parent == rules_root().resolve() and folder.name in bundled_rulesets()
    except OSError:
        return False


def resolve_ruleset(ref: str) -> Path:
    """A rule set folder from an id of a bundled rule set or a path to a folder."""
    candidate = Path(ref)
    if (candidate / "ruleset.yaml").is_file():
        return candidate
    bundled = rules_root() / ref
    if (bundled / "ruleset.yaml").is_file():
        return bundled
    known = ", ".join(bundled_rulesets()) or "none"
    raise FileNotFoundError(f"no rule set {ref!r} (bundled: {known}; or give a folder with ruleset.yaml)")
