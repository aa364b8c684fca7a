"""Check a parsed YAML document is the format it claims to be, and validate it into its model (and back).

Every input format (submission, market snapshot) starts with ``format: <id>`` so that a file handed to the wrong
option is named as such, not reported as a wall of unknown fields. Validation errors come back located.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gxets_rules.model.locate import problems_from_validation
from gxets_rules.model.problems import InputError, Problem
from gxets_rules.ruleset.strict_yaml import Document

M = TypeVar("M", bound=BaseModel)
_WHAT = {
    "submission": ("提出データ", "a submission"),
    "ownership": ("資本関係ファイル", "an ownership file"),
    "market": ("市場データ", "a market snapshot"),
}


def dumped(model: BaseModel) -> dict[str, Any]:
    """A model as the plain data a workbook or a YAML file holds (defaults left out: a blank cell means default)."""
    data: dict[str, Any] = model.model_dump(mode="python", by_alias=True, exclude_defaults=True)
    return data


def validate_format(doc: Document, model: type[M], format_id: str, schema: str) -> M:
    """The document as ``model``; an input error naming every located problem otherwise.

    ``schema`` names the format (``submission``, ``ownership``, ``market``): in messages, and for ``gxets schema``.

    Validation is strict: a value must already have its type (``true`` is not a tonne, ``"345000"`` is text, a number
    is not a date). A YAML file states types itself; the workbook and CSV readers turn their text cells into typed
    values first, so a person's typing is normalised there, where the cell can be named, and never guessed here.
    """
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([Problem.of(doc.location_of(()), "input.not_a_mapping", what=_WHAT[schema])])
    if data.get("format") != format_id:
        where = doc.location_of(("format",))
        raise InputError(
            [
                Problem.of(
                    where,
                    "input.wrong_format",
                    "format",
                    what=_WHAT[schema],
                    expected=format_id,
                    typed=data.get("format"),
                )
            ]
        )
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        hint = f"gxets schema {schema}"
        raise InputError(problems_from_validation(exc, doc.location_of, data, hint, doc.name_of)) from None
