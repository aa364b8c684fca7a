"""``gxets convert``: a submission or an ownership graph between YAML and a workbook, either way.

A conversion changes the form, never the content: the input is validated by its model (so a workbook that would not
check does not convert either) and written from the model, so YAML → xlsx → model gives the model back. It does not
check the submission against a rule set and does not follow its lots CSV or ownership file: those stay references.
The rule set named by the submission (or ``--ruleset``) only supplies the workbook's drop-down lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from gxets_rules.app.pipeline import ruleset_for, submission_ruleset
from gxets_rules.io.formats import dumped, validate_format
from gxets_rules.io.vocabulary import words_of
from gxets_rules.io.writers import atomic_write_bytes
from gxets_rules.io.xlsx.guard import XLSX_SUFFIX, XlsxLimits, is_workbook
from gxets_rules.io.xlsx.layout import ROOTS, layout
from gxets_rules.io.xlsx.reader import FORMATS, parts_in, read_workbook
from gxets_rules.io.xlsx.template import ownership_workbook, submission_workbook
from gxets_rules.io.yaml_writer import yaml_text
from gxets_rules.model.ownership import Ownership
from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.model.submission import Submission
from gxets_rules.ruleset.strict_yaml import Document, read_yaml_file

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Converted:
    part: str  # "submission" or "ownership"
    model: BaseModel
    warnings: list[Problem]


def _validate(doc: Document, part: str) -> BaseModel:
    return validate_format(doc, ROOTS[part], FORMATS[part], part)


def _ordered(data: dict[str, Any], part: str) -> dict[str, Any]:
    """Top-level keys in the order a person reads them (the workbook's sheet order), ``format`` first."""
    order = ["format"]
    for spec in layout(part):
        order += [column.path[0] for column in spec.columns] if not spec.at else [spec.at[0]]
    rank = {key: index for index, key in reversed(list(enumerate(order)))}
    return dict(sorted(data.items(), key=lambda item: rank.get(item[0], len(rank))))


def read_part(path: Path, limits: XlsxLimits, part: str | None = None, ruleset: str | None = None) -> Converted:
    """The submission or ownership graph a file holds, validated by its model (``part``: which, if not the first;
    a workbook's typed values read with the words of ``ruleset``, else of the rule set it names)."""
    if is_workbook(path):
        chosen = part or ("submission" if "submission" in parts_in(path, limits) else "ownership")
        read = read_workbook(path, chosen, limits, words_of(chosen=ruleset))
        return Converted(chosen, read.validated(lambda doc: _validate(doc, chosen)), read.warnings)
    doc = read_yaml_file(path, max_bytes=limits.max_bytes)
    declared = doc.data.get("format") if isinstance(doc.data, dict) else None
    chosen = part or ("ownership" if declared == FORMATS["ownership"] else "submission")
    return Converted(chosen, _validate(doc, chosen), [])


def convert_file(
    source: Path, target: Path, lang: str, limits: XlsxLimits, ruleset: str | None = None, part: str | None = None
) -> list[Problem]:
    """Write ``source`` as ``target`` (the form follows the target's suffix); return the warnings of the reading."""
    suffix = target.suffix.lower()
    if suffix != XLSX_SUFFIX and suffix not in YAML_SUFFIXES:
        raise InputError([Problem(Location(display_path(target)), "the output must end in .xlsx, .yaml or .yml")])
    found = read_part(source, limits, part, ruleset)
    model = found.model
    if suffix != XLSX_SUFFIX:
        heading = f"{FORMATS[found.part]}, converted from {source.name} by gxets convert"
        data = yaml_text(_ordered(dumped(model), found.part), heading).encode("utf-8")
    elif isinstance(model, Submission):
        data = submission_workbook(
            model, ruleset_for(ruleset or submission_ruleset(model.ruleset, lambda _: Location(str(source)))), lang
        )
    else:
        assert isinstance(model, Ownership)
        data = ownership_workbook(model, lang)
    atomic_write_bytes(target, data)
    return found.warnings
