"""Workbooks from a rule set and the models: the empty submission template, or a submission or ownership filled in.

The drop-downs come from the rule set, never from code: the instrument kinds it accepts (``ruleset.yaml``
``kinds``) narrow the kind column, and each code list names the submission fields it offers its values to
(``inputs:`` in ``codelists/*.yaml``: TSE categories, programmes, methodology families, countries). Every other
closed column (status, scope, assurance …) offers the values its model allows.
"""

from __future__ import annotations

from typing import Any

from gxets_rules.io.formats import dumped
from gxets_rules.io.xlsx.layout import word
from gxets_rules.io.xlsx.writer import Choices, workbook_bytes
from gxets_rules.model.ownership import Ownership
from gxets_rules.model.submission import SUBMISSION_FORMAT, Submission
from gxets_rules.ruleset.compiled import RuleSet

_ROOT_OF = {"lot": "lots", "submission": ""}


def _data_path(field: str) -> str:
    """A field as the rule language names it (``lot.project.country``) as a workbook data path (``lots.…``)."""
    root, _, rest = field.partition(".")
    prefix = _ROOT_OF[root]
    return f"{prefix}.{rest}" if prefix else rest


def choices_of(ruleset: RuleSet, lang: str) -> dict[str, Choices]:
    """The drop-down of every column the rule set has a say in, keyed by data path (``lots.tse_category``)."""
    found = {"lots.kind": Choices(tuple(ruleset.manifest.kinds), ("",) * len(ruleset.manifest.kinds), True)}
    for codelist in ruleset.codelists.values():
        spec = codelist.spec
        for offered in spec.inputs:
            if offered.table is not None:
                rows = spec.tables[offered.table]
                codes = tuple(str(code) for code in rows)
                labels = tuple(str(row.get(lang, "")) for row in rows.values())
            else:
                key = spec.key[0]
                codes = tuple(str(entry[key]) for entry in spec.entries)
                labels = tuple(str(entry.get(lang) or "") for entry in spec.entries)
            found[_data_path(offered.field)] = Choices(codes, labels, offered.closed)
    return found


def _about(ruleset: RuleSet, lang: str) -> list[str]:
    title = ruleset.manifest.title.get(lang)
    summary = ruleset.manifest.summary.get(lang)  # what the rule set decides, and on which figures
    return [f"{word('ruleset', lang)}: {ruleset.id} {ruleset.version} — {title}", summary]


def _submission_form(data: dict[str, Any], ruleset: RuleSet, lang: str) -> bytes:
    """The submission sheets holding ``data``, with the rule set's drop-downs and empty ownership sheets."""
    parts = {"submission": data}
    return workbook_bytes(("submission", "ownership"), parts, lang, choices_of(ruleset, lang), _about(ruleset, lang))


def template_bytes(ruleset: RuleSet, lang: str) -> bytes:
    """The empty submission template for a rule set (its ownership sheets included), in one language."""
    return _submission_form({"format": SUBMISSION_FORMAT, "ruleset": ruleset.id}, ruleset, lang)


def submission_workbook(submission: Submission, ruleset: RuleSet, lang: str) -> bytes:
    """A submission as a filled-in template (with empty ownership sheets, as the template has)."""
    return _submission_form(dumped(submission), ruleset, lang)


def ownership_workbook(ownership: Ownership, lang: str) -> bytes:
    """An ownership graph as a workbook of its own (``gxets check --ownership ownership.xlsx``)."""
    return workbook_bytes(("ownership",), {"ownership": dumped(ownership)}, lang)
