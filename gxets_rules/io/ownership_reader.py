"""Load an ownership file (``gxets.ownership.v1``) into a graph, or report every problem with its line.

Beyond shapes and types: every reference names a declared entity, entity ids are unique, and the holders of one
entity never hold more than 100 % of it on any day (a data error that would make every share figure meaningless).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from gxets_rules.evaluate.ownership.cycles import cycle_problems
from gxets_rules.evaluate.ownership.graph import OwnershipGraph, lowest_shares, share_problems
from gxets_rules.io.formats import validate_format
from gxets_rules.io.inputs import read_input
from gxets_rules.io.xlsx.guard import DEFAULT_MAX_ROWS
from gxets_rules.model.ownership import OWNERSHIP_FORMAT, Ownership
from gxets_rules.model.problems import InputError, Problem
from gxets_rules.ruleset.files import sha256_file
from gxets_rules.ruleset.strict_yaml import DEFAULT_MAX_BYTES, Document

_REFERENCES = {
    "participants": ("entity",),
    "boundaries": ("entity", "representative"),
    "holdings": ("owner", "owned"),
    "projects": ("entity",),
    "technology": ("provider", "project"),
}


@dataclass(frozen=True)
class LoadedOwnership:
    graph: OwnershipGraph
    name: str
    sha256: str
    warnings: tuple[Problem, ...] = ()


def _reference_problems(ownership: Ownership, doc: Document) -> list[Problem]:
    problems = []
    seen: dict[str, int] = {}
    for index, entity in enumerate(ownership.entities):
        if entity.id in seen:
            problems.append(
                Problem.of(doc.location_of(("entities", index, "id")), "ownership.duplicate_entity", id=entity.id)
            )
        seen.setdefault(entity.id, index)
    for section, fields in _REFERENCES.items():
        for index, item in enumerate(getattr(ownership, section)):
            for name in fields:
                ref = getattr(item, name)
                if ref not in seen:
                    where = doc.location_of((section, index, name))
                    path = f"{section}[{index}].{name}"
                    named = doc.name_of((section, index, name))
                    problems.append(Problem.of(where, "ownership.no_entity", path, named, id=ref))
    for index, project in enumerate(ownership.projects):
        entity = ownership.entities[seen[project.entity]] if project.entity in seen else None  # type: ignore[assignment]
        if entity is not None and entity.kind != "project":
            where = doc.location_of(("projects", index, "entity"))
            problems.append(Problem.of(where, "ownership.not_a_project", id=project.entity, kind=entity.kind))
    return problems


def load_ownership(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, max_rows: int = DEFAULT_MAX_ROWS) -> LoadedOwnership:
    """Read and check an ownership file: YAML, or the ownership sheets of a workbook (by its suffix)."""
    loaded, warnings = read_input(
        path, "ownership", lambda doc: load_ownership_document(doc, path), max_bytes, max_rows
    )
    return replace(loaded, warnings=warnings)


def load_ownership_document(doc: Document, path: Path) -> LoadedOwnership:
    """Validate parsed ownership data and build its graph; ``path`` names the input in the run record."""
    ownership = validate_format(doc, Ownership, OWNERSHIP_FORMAT, "ownership")
    problems = _reference_problems(ownership, doc)
    lowest = lowest_shares(ownership)
    problems += [
        Problem.of(doc.location_of(("holdings", index)), "ownership.shares_over", **found)
        for index, found in share_problems(ownership, lowest)
    ]
    problems += [
        Problem.of(doc.location_of(("holdings", index)), code, **found)
        for index, code, found in cycle_problems(ownership, lowest)
    ]
    if problems:
        raise InputError(problems)
    return LoadedOwnership(OwnershipGraph(ownership), path.name, sha256_file(path))
