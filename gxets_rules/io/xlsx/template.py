"""Workbooks from a rule set and the models: the empty submission template, or a submission or ownership filled in.

The template is the rule set's own: it has the sheets and items of the submission fields the rule set reads
(``ruleset.yaml`` ``inputs:``), and its drop-downs come from the rule set, never from code — the instrument kinds it
accepts (``kinds``) and each code list's values for the fields it names (``inputs:`` in ``codelists/*.yaml``: TSE
categories, programmes, methodology families); every other closed column offers the values its model allows, and the
country column every ISO 3166-1 country, Japan first (``io/vocabulary.py``). A drop-down shows each value's words in
the workbook's language; the code-list sheet puts the code beside them.
"""

from __future__ import annotations

from typing import Any

from gxets_rules.io.formats import dumped
from gxets_rules.io.vocabulary import offered, vocabulary
from gxets_rules.io.xlsx.layout import word
from gxets_rules.io.xlsx.writer import workbook_bytes
from gxets_rules.model.ownership import Ownership
from gxets_rules.model.submission import SUBMISSION_FORMAT, Submission
from gxets_rules.ruleset.compiled import RuleSet


def _about(ruleset: RuleSet, lang: str) -> list[str]:
    title = ruleset.manifest.title.get(lang)
    summary = ruleset.manifest.summary.get(lang)  # what the rule set decides, and on which figures
    return [f"{word('ruleset', lang)}: {ruleset.id} {ruleset.version} — {title}", summary]


def _parts(ruleset: RuleSet, data: dict[str, Any]) -> set[str] | None:
    """The submission fields the workbook shows: those the rule set reads, and any that ``data`` holds."""
    if ruleset.manifest.inputs is None:
        return None
    return set(ruleset.manifest.inputs) | set(data)


def _submission_form(data: dict[str, Any], ruleset: RuleSet, lang: str) -> bytes:
    """The submission sheets holding ``data``, with the rule set's drop-downs (and the ownership sheets if it reads
    an ownership graph)."""
    parts = _parts(ruleset, data)
    roots = ("submission", "ownership") if parts is None or "ownership" in parts else ("submission",)
    about = _about(ruleset, lang)
    return workbook_bytes(roots, {"submission": data}, lang, offered(ruleset), about, parts)


def template_bytes(ruleset: RuleSet, lang: str) -> bytes:
    """The empty submission template of a rule set, in one language."""
    return _submission_form({"format": SUBMISSION_FORMAT, "ruleset": ruleset.id}, ruleset, lang)


def submission_workbook(submission: Submission, ruleset: RuleSet, lang: str) -> bytes:
    """A submission as a filled-in template of its rule set (with every part the submission holds)."""
    return _submission_form(dumped(submission), ruleset, lang)


def ownership_workbook(ownership: Ownership, lang: str) -> bytes:
    """An ownership graph as a workbook of its own (``gxets check --ownership ownership.xlsx``)."""
    return workbook_bytes(("ownership",), {"ownership": dumped(ownership)}, lang, vocabulary(None))
