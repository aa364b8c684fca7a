"""Input problems and intake notes for people (text, in Japanese or English) and for programs (JSON).

Every problem of one run is shown together, each at its place (``file:Sheet!Cell`` or ``file:line:column``) with
the field it is about — a workbook column's heading, or the data path of a YAML file — in the reader's language.
The JSON form (``gxets.problems.v1``, schema ``schemas/problems.schema.json``) is what ``--format json`` prints
when the input is refused, so a program that embeds gxets reads the same list a person does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gxets_rules.model.problem_list import Place, ProblemList, ReportedProblem
from gxets_rules.model.problems import Problem
from gxets_rules.model.wording import word


def severity(problem: Problem, default: str) -> str:
    """``note`` for how a value was read (or what was passed over), else ``default`` (error or warning)."""
    return "note" if problem.code.startswith("note.") else default


def problem_lines(problems: list[Problem], lang: str, limit: int) -> list[str]:
    """The heading line and one line per problem (at most ``limit``, then how many more)."""
    lines = [word(lang, "cli.invalid_input").format(count=len(problems))]
    lines += [f"  {problem.render(lang)}" for problem in problems[:limit]]
    if len(problems) > limit:
        lines.append("  " + word(lang, "cli.more").format(count=len(problems) - limit))
    return lines


def warning_lines(warnings: Iterable[Problem], lang: str) -> list[str]:
    """A line per warning or note, marked as which it is."""
    return [f"{word(lang, 'cli.' + severity(w, 'warning'))}: {w.render(lang)}" for w in warnings]


def reported(problem: Problem, lang: str, default: str) -> ReportedProblem:
    """One problem as the JSON reports it: where, about which field, its catalogue key and its message."""
    where = problem.location
    return ReportedProblem(
        severity=severity(problem, default),  # type: ignore[arg-type]
        location=Place(file=where.file, line=where.line, column=where.column, cell=where.cell),
        place=str(where),
        field=problem.where(lang) or None,
        path=problem.path or None,
        code=problem.code or None,
        message=problem.text(lang),
    )


def problems_document(problems: list[Problem], lang: str) -> dict[str, Any]:
    """Every problem of a refused input as one JSON document (``gxets.problems.v1``)."""
    found = [reported(p, lang, "error") for p in problems]
    document = ProblemList(lang=lang, count=len(found), problems=found)  # type: ignore[arg-type]
    data: dict[str, Any] = document.model_dump(mode="json", exclude_none=True)
    return data
