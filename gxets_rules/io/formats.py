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


def dumped(model: BaseModel) -> dict[str, Any]:
    """A model as the plain data a workbook or a YAML file holds (defaults left out: a blank cell means default)."""
    data: dict[str, Any] = model.model_dump(mode="python", by_alias=True, exclude_defaults=True)
    return data


def validate_format(doc: Document, model: type[M], format_id: str, what: str, schema: str) -> M:
    """The document as ``model``; an input error naming every located problem otherwise.

    Validation is strict: a value must already have its type (``true`` is not a tonne, ``"345000"`` is text, a number
    is not a date). A YAML file states types itself; the workbook and CSV readers turn their text cells into typed
    values first, so a person's typing is normalised there, where the cell can be named, and never guessed here.
    ``what`` names the format with its article ("a submission", "an ownership file").
    """
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([Problem(doc.location_of(()), f"{what} must be a mapping of fields")])
    if data.get("format") != format_id:
        raise InputError(
            [
                Problem(
                    doc.location_of(("format",)),
                    f"not {what}: expected `format: {format_id}`, got {data.get('format')!r}",
                    "format",
                )
            ]
        )
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, doc.location_of, data, f"gxets schema {schema}")) from None
