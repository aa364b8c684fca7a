"""YAML test cases kept beside a rule set (``rules/<id>/tests/*.yaml``).

Like OpenFisca's YAML tests: a rule author states a hand-checked case — a submission, a
date, the expected verdicts, tonnes and output values, and the clauses it exercises —
next to the rules it checks. ``gxets rules test`` runs them, and pytest collects them
(``conftest.py``), so a rule change that breaks a worked example fails CI.

A case's submission is either a path (relative to the test file), a full inline
submission, or ``{extends: PATH, set: {field: value, …}}``: the file with some top-level
fields replaced, which keeps small variations of one example readable. A case may also
name a market snapshot (``market:``), so that its expectations can include the plan.
Every file a case names lies in its rule set's folder (``tests/data/``), so that the
cases run from an installed wheel or a copied rule set as they do in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from gxets_rules.app.pipeline import SharedInputs, load_extras
from gxets_rules.evaluate.engine import Evaluation, evaluate
from gxets_rules.evaluate.result import build_result
from gxets_rules.io.market_reader import load_market
from gxets_rules.io.submission_reader import load_submission, load_submission_document
from gxets_rules.model.loaded import LoadedSubmission
from gxets_rules.model.locate import problems_from_validation
from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.model.result import LotResult, Result
from gxets_rules.ruleset.compiled import RuleSet
from gxets_rules.ruleset.schema import Case, CasesFile
from gxets_rules.ruleset.strict_yaml import Document, read_yaml_file
from gxets_rules.ruleset.values import jsonable

_MISSING = object()


@dataclass(frozen=True)
class CollectedCase:
    file: Path
    case: Case


def read_cases(path: Path) -> list[Case]:
    doc = read_yaml_file(path)
    try:
        return CasesFile.model_validate(doc.data).cases
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, doc.location_of, doc.data)) from None


def collect_cases(folder: Path) -> list[CollectedCase]:
    tests = folder / "tests"
    return [CollectedCase(path, case) for path in sorted(tests.glob("*.yaml")) for case in read_cases(path)]


def _inside(folder: Path, item: CollectedCase, reference: str) -> Path:
    """A file a case names (relative to its test file), which must lie in the rule set's folder: a rule set's tests
    then run wherever the folder is — a copy, or the wheel's package data, where nothing beside it is installed."""
    path = item.file.parent / reference
    if not path.resolve().is_relative_to(folder.resolve()):
        where = Location(display_path(item.file))
        message = (
            f"case {item.case.id}: {reference} is outside the rule set's folder (keep a case's files in tests/data/)"
        )
        raise InputError([Problem(where, message)])
    return path


def _submission(folder: Path, item: CollectedCase) -> LoadedSubmission:
    spec = item.case.submission
    if isinstance(spec, str):
        return load_submission(_inside(folder, item, spec))
    data = dict(spec)
    if "extends" in data:
        extended = _inside(folder, item, str(data.pop("extends")))
        merged = dict(read_yaml_file(extended).data)
        merged.update(data.pop("set", {}))
        if data:
            raise ValueError(f"case {item.case.id}: unknown keys beside extends/set: {sorted(data)}")
        return load_submission_document(Document(merged, str(extended)), extended)
    return load_submission_document(Document(data, f"{item.file.name}::{item.case.id}"), item.file)


def case_evaluation(ruleset: RuleSet, item: CollectedCase) -> Evaluation:
    """A case's submission, with its ownership graph and market snapshot, evaluated on its date (or InputError)."""
    case = item.case
    ownership = _inside(ruleset.path, item, case.ownership) if case.ownership else None
    loaded, extras = load_extras(_submission(ruleset.path, item), ownership, SharedInputs())
    market = load_market(_inside(ruleset.path, item, case.market)) if case.market else None
    return evaluate(ruleset, loaded, case.as_of, extras, market=market)


def run_case(ruleset: RuleSet, item: CollectedCase) -> list[str]:
    """The differences between a case's expectations and what the rule set gives (empty: pass)."""
    expect = item.case.expect
    try:
        evaluation = case_evaluation(ruleset, item)
    except InputError as exc:
        text = "\n".join(str(p) for p in exc.problems)
        if expect.input_errors:
            missing = [check for check in expect.input_errors if f"[{check}]" not in text]
            return [f"expected input error {check}, got: {text}" for check in missing]
        return [f"input error: {text}"]
    if expect.input_errors:
        return [f"expected input errors {expect.input_errors}, but the submission was accepted"]
    result = build_result(evaluation)
    errors: list[str] = []
    lots = {lot.id: lot for lot in result.lots}

    def lot(lot_id: str) -> LotResult | None:
        if lot_id not in lots:
            errors.append(f"no lot {lot_id} in the result")
        return lots.get(lot_id)

    for lot_id, verdict in expect.verdicts.items():
        if (found := lot(lot_id)) and found.verdict != verdict:
            errors.append(f"lot {lot_id}: verdict {found.verdict}, expected {verdict}")
    for lot_id, tonnes in expect.usable_t.items():
        if (found := lot(lot_id)) and found.usable_t != tonnes:
            errors.append(f"lot {lot_id}: usable {found.usable_t:,} t, expected {tonnes:,} t")
    for outcome, table in (("fail", expect.failed), ("indeterminate", expect.indeterminate)):
        for lot_id, ids in table.items():
            if found := lot(lot_id):
                got = sorted(cid for cid, record in found.criteria.items() if record.outcome == outcome)
                if got != sorted(ids):
                    errors.append(f"lot {lot_id}: {outcome} criteria {got}, expected {sorted(ids)}")
    for path, value in expect.outputs.items():
        got = output(result, path)
        if got is _MISSING:
            errors.append(f"no output {path} in the result")
            continue
        if jsonable(got) != jsonable(value):
            errors.append(f"{path} = {jsonable(got)!r}, expected {value!r}")
    traces = {(q.id, q.fy): q for q in result.quantities}
    for key, value in expect.quantities.items():
        qid, _, fy_text = key.partition("[")
        fy = int(fy_text.rstrip("]")) if fy_text else None
        trace = traces.get((qid, fy))
        if trace is None:
            errors.append(f"quantity {key} was not computed")
            continue
        computed = trace.value if trace.value is not None else trace.exact
        if str(computed) != str(jsonable(value)):
            errors.append(f"quantity {key} = {computed}, expected {value}")
    if expect.warnings is not None:
        warned = sorted({issue.check for issue in result.issues if issue.severity == "warning"})
        if warned != sorted(expect.warnings):
            errors.append(f"warnings {warned}, expected {sorted(expect.warnings)}")
    listed = {i.id for i in result.relied_on()}
    for iid in expect.interpretations:
        if iid not in listed:
            errors.append(f"interpretation {iid} is not listed in the result")
    return errors


def output(result: Result, path: str) -> Any:
    """The value a case names by its dotted path: a figure of the position (a per-year one as ``{fy: value}``), a
    coverage total by the rule language's names, or a part of the result (``period.first_fy``, ``plan.totals…``);
    ``_MISSING`` where there is none."""
    root, _, rest = path.partition(".")
    if root == "position":
        return result.value_of(path) if result.figure(path) is not None else _MISSING
    node: Any = result.coverage.names() if root == "coverage" else result
    for part in (rest if root == "coverage" else path).split("."):
        if isinstance(node, BaseModel) and part in type(node).model_fields:
            node = getattr(node, part)
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node
