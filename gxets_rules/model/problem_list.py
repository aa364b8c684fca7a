"""The format ``gxets.problems.v1``: every problem of a refused input, as ``gxets check --format json`` prints it.

A program that embeds gxets (a submission portal, a spreadsheet add-in) reads the same list a person reads: each
problem's place (a file's line and column, or a workbook's sheet and cell), the field it is about (a workbook column's
heading, else the data path), the catalogue key of its wording and the message in the language asked for.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import Field

from gxets_rules.model.base import StrictModel

PROBLEMS_FORMAT: Final = "gxets.problems.v1"


class Place(StrictModel):
    """Where a problem is: the file, and a line and column or a sheet cell (``Lots!C5``) where known."""

    file: str
    line: int | None = Field(default=None, ge=1)
    column: int | None = Field(default=None, ge=1)
    cell: str | None = Field(default=None, description="Sheet!Cell of a workbook, e.g. クレジット!C5.")


class ReportedProblem(StrictModel):
    severity: Literal["error", "warning", "note"]
    location: Place
    place: str = Field(
        description="The place as one text, as the terminal shows it (file:line:column, file:Sheet!Cell)."
    )
    field: str | None = Field(
        description="The field: a workbook column's heading in the language asked for, or a path."
    )
    path: str | None = Field(default=None, description="The data path, e.g. lots[0](L1).quantity_t, where known.")
    code: str | None = Field(
        default=None, description="Catalogue key of the wording (reports/messages/problems.<lang>.yaml)."
    )
    message: str = Field(description="The problem in the language asked for.")


class ProblemList(StrictModel):
    format: Literal["gxets.problems.v1"] = PROBLEMS_FORMAT
    lang: Literal["ja", "en"]
    count: int = Field(ge=0, description="How many problems the input has (all are listed).")
    problems: list[ReportedProblem]
