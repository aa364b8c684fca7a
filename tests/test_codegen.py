"""The generated code (ruleset/codegen.py, evaluate/fastpath.py) decides exactly as the closures do.

Two kinds of evidence: generated expressions of the whole language over generated values (every construct, unknowns,
ranges, not-applicable, missing fields, bad types, errors) must give the same value — or the same error, word for
word — through both; and every rule of the bundled rule sets must give every lot of the examples, of the rule sets'
own test cases and of a synthetic batch the same per-criterion outcomes and verdict through both.
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.synthetic_batch import generate_batch
from gxets_rules.app import cases
from gxets_rules.app.pipeline import CheckRequest, SharedInputs, load_extras, load_inputs, ruleset_of
from gxets_rules.evaluate.checks import run_checks
from gxets_rules.evaluate.context import EvalContext
from gxets_rules.evaluate.eligibility import EligibilityEvaluator
from gxets_rules.evaluate.engine import evaluate
from gxets_rules.evaluate.fastpath import decide_lots, decider
from gxets_rules.evaluate.period import evaluation_period
from gxets_rules.evaluate.rulesets import load_ruleset
from gxets_rules.model.problems import InputError
from gxets_rules.resources import bundled_rulesets, resolve_ruleset
from gxets_rules.ruleset.codegen import Program, expression_function, value_of
from gxets_rules.ruleset.expr import Definition, ExprError, Function, compile_expr
from gxets_rules.ruleset.values import INAPPLICABLE, UNKNOWN, Range
from tests.conftest import ROOT

# ----------------------------------------------------------------------------------------- generated expressions


@dataclass
class Thing:
    """An input object as rules see one: fields read by attribute (a lot, a project)."""

    a: Any
    b: Any
    inner: Any = None


CALLS: list[tuple[str, ...]] = []  # what the impure function saw, in order: both paths must call it alike


def _impure(env: Any, value: Any) -> Any:
    CALLS.append(("impure", repr(value)))
    if value == 13:
        raise ValueError("thirteen")
    return value


def _pure_lookup(env: Any, table: Any, key: Any) -> Any:
    rows = {"a": 1, "b": Fraction(1, 2), 1: "one", ("a", 1): "pair"}
    if isinstance(key, list):
        key = tuple(key)
    if isinstance(key, dict):
        raise TypeError("a table is not a key")
    return rows.get(key, UNKNOWN)


def _year(env: Any) -> Any:
    return env["fy"]


FUNCTIONS: dict[str, Function | Definition] = {
    "impure": Function("impure", _impure, 1, 1, strict=False, wants_env=True),
    "tab": Function("tab", _pure_lookup, 2, 2, wants_env=True, pure=True, static_kind="codelist"),
    "year": Function("year", _year, 0, 0, strict=False, wants_env=True, pure=True),
    "twice": Definition("twice", ("v",), "v + v"),
    "pick": Definition("pick", ("c", "v"), "v if c else x"),
    "total": Definition("total", ("xs",), "sum(i for i in xs if known(i))"),
    "shadow": Definition("shadow", ("fy",), "year() + fy"),
}

NAMES = {"x", "y", "s", "d", "lst", "obj", "m", "u", "r", "fy", "flag"}

_atoms = st.sampled_from(
    [
        "x",
        "y",
        "s",
        "d",
        "lst",
        "obj",
        "m",
        "u",
        "r",
        "fy",
        "flag",
        "obj.a",
        "obj.b",
        "obj.inner",
        "obj.inner.a",
        "obj.nope",
        "m.k",
        "m.j",
        "lst[0]",
        "lst[5]",
        "0",
        "1",
        "2",
        "13",
        "-3",
        "0.5",
        "1.25",
        "'a'",
        "'b'",
        "True",
        "False",
        "manual_review()",
        "not_applicable()",
        "date('2026-12-01')",
        "date('nope')",
        "(1, 2, 2)",
        "['a', 'b']",
        "[x, y]",
        "()",
    ]
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    two = st.tuples(children, children)
    return st.one_of(
        st.builds(lambda ab, op: f"({ab[0]} {op} {ab[1]})", two, st.sampled_from(["+", "-", "*", "/"])),
        st.builds(
            lambda ab, op: f"({ab[0]} {op} {ab[1]})",
            two,
            st.sampled_from(["==", "!=", "<", "<=", ">", ">=", "in", "not in", "and", "or"]),
        ),
        st.builds(lambda a, b, c: f"({a} <= {b} < {c})", children, children, children),
        st.builds(lambda a: f"(not {a})", children),
        st.builds(lambda a: f"(-{a})", children),
        st.builds(lambda a, b, c: f"({a} if {b} else {c})", children, children, children),
        st.builds(lambda a: f"({a} in ('a', 1, 'b'))", children),
        st.builds(lambda a: f"({a} not in [0, 2])", children),
        st.builds(
            lambda f, a: f"{f}({a})",
            st.sampled_from(["known", "abs", "len", "floor", "ceil", "impure", "twice", "total"]),
            children,
        ),
        st.builds(lambda a, b: f"coalesce({a}, {b})", children, children),
        st.builds(lambda a, b: f"pick({a}, {b})", children, children),
        st.builds(lambda a: f"shadow({a})", children),
        st.builds(lambda a: f"year() + {a}", children),
        st.builds(lambda a: f"tab('t', {a})", children),
        st.builds(lambda a, b: f"tab('t', [{a}, {b}])", children, children),
        st.builds(lambda a, b: f"compare({a}, '>=', {b})", children, children),
        st.builds(lambda a: f"round({a}, 'half_up')", children),
        st.builds(
            lambda agg, a, b: f"{agg}({a} for v in {b} if v != 2)",
            st.sampled_from(["sum", "all", "any", "min", "max", "mean", "select", "product"]),
            children,
            st.sampled_from(["lst", "(1, 2, 3)", "x", "[True, manual_review(), False]", "[obj, obj]", "u"]),
        ),
        st.builds(
            lambda agg, a, b: f"{agg}(({a}, {b}))",
            st.sampled_from(["all", "any", "sum", "max", "select"]),
            children,
            children,
        ),
        st.builds(
            lambda agg, a, b: f"{agg}({a}, {b})", st.sampled_from(["all", "any", "min", "mean"]), children, children
        ),
        st.builds(lambda agg, a: f"{agg}({a})", st.sampled_from(["sum", "any", "max", "select"]), children),
        st.builds(lambda a: f"sum(fy for fy in {a})", children),
        st.builds(lambda a: f"all(v.a > 0 for v in {a})", children),
    )


EXPRESSIONS = st.recursive(_atoms, _combine, max_leaves=8)

_scalars = st.one_of(
    st.integers(-3, 13),
    st.sampled_from([Fraction(1, 2), Fraction(-5, 3), Decimal("2.5"), "a", "b", "", True, False, None]),
    st.sampled_from([UNKNOWN, INAPPLICABLE, Range(Fraction(0), Fraction(2)), date(2026, 12, 1), date(2027, 1, 5)]),
)
_values = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=4),
    st.lists(_scalars, max_size=3).map(tuple),
    st.builds(Thing, _scalars, _scalars, st.one_of(st.none(), st.builds(Thing, _scalars, _scalars))),
    st.dictionaries(st.sampled_from(["k", "j"]), _scalars, max_size=2),
)
ENVIRONMENTS = st.fixed_dictionaries(
    {
        "x": _values,
        "y": _values,
        "s": st.text(string.ascii_lowercase, max_size=2),
        "d": st.sampled_from([date(2026, 12, 1), date(2027, 3, 31), None]),
        "lst": st.lists(_scalars, max_size=4),
        "obj": st.builds(Thing, _scalars, _scalars, st.one_of(st.none(), st.builds(Thing, _scalars, _scalars))),
        "m": st.dictionaries(st.sampled_from(["k", "j"]), _scalars, max_size=2),
        "u": st.just(None),
        "r": st.just(Range(Fraction(1, 4), Fraction(3, 4))),
        "fy": st.sampled_from([2025, 2026]),
        "flag": st.sampled_from([True, False, UNKNOWN]),
    }
)


def _outcome(run: Callable[[dict[str, Any]], Any], env: dict[str, Any]) -> tuple[str, Any, list[tuple[str, ...]]]:
    """What running gives: the value (or the error, by type and message) and the calls it made."""
    CALLS.clear()
    try:
        found: tuple[str, Any] = ("value", run(env))
    except Exception as exc:
        found = ("error", f"{type(exc).__name__}: {exc}")
    return (*found, list(CALLS))


def _same(first: Any, second: Any) -> bool:
    if first[0] != second[0] or first[2] != second[2]:
        return False
    if first[0] == "error":
        return bool(first[1] == second[1])
    a, b = first[1], second[1]
    return type(a) is type(b) and (a is b or a == b)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=EXPRESSIONS, env=ENVIRONMENTS, fold=st.booleans())
def test_generated_code_computes_what_the_closures_compute(source: str, env: dict[str, Any], fold: bool) -> None:
    try:
        compiled = compile_expr(source, FUNCTIONS, NAMES)
    except ExprError:
        return
    # Folding calls pure functions while generating, with the environment of the run; constants are fixed names.
    generated = expression_function(
        compiled,
        frozenset(env),
        {"fy": env["fy"]} if fold else None,
        env if fold else None,
    )
    expected = _outcome(compiled.fn, env)
    found = _outcome(generated, env)
    assert _same(expected, found), f"{source!r}: closures {expected}, generated {found}"


class _Recording(dict[str, Any]):
    """A mapping whose every field read is recorded, as an involvement's look-through is."""

    def get(self, name: str, default: Any = None) -> Any:
        CALLS.append(("field", name))
        return super().get(name, default)


def _recorded_lookup(env: Any, table: Any, key: Any) -> Any:
    CALLS.append(("tab", repr(key)))
    return _pure_lookup(env, table, key)


TRACED_FUNCTIONS = FUNCTIONS | {
    "tab": Function("tab", _recorded_lookup, 2, 2, wants_env=True, pure=True, static_kind="codelist", records=True)
}


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=EXPRESSIONS, env=ENVIRONMENTS, fold=st.booleans())
def test_traced_code_records_what_the_closures_record(source: str, env: dict[str, Any], fold: bool) -> None:
    """Traced code (result building's second pass, evaluate/traced.py) makes every recording call and field read the
    closures make, as often and in their order, even where the fast path would fold or reuse one."""
    try:
        compiled = compile_expr(source, TRACED_FUNCTIONS, NAMES)
    except ExprError:
        return
    env = env | {"m": _Recording(env["m"])}
    generated = expression_function(compiled, traced=True, fold_env=env if fold else None)
    expected = _outcome(compiled.fn, env)
    found = _outcome(generated, env)
    assert _same(expected, found), f"{source!r}: closures {expected}, generated {found}"


@pytest.mark.parametrize(
    "source",
    [
        "x and impure(13)",  # the second part is evaluated only if the first is not false
        "all(impure(v) for v in lst)",
        "obj.inner.a if flag else impure(x)",
        "tab('t', x) == tab('t', x)",
        "shadow(2)",
        "sum(fy for fy in (1, 2))",
        "pick(flag, 1) + twice(0.5)",
    ],
)
def test_hand_picked_expressions_on_many_environments(source: str) -> None:
    compiled = compile_expr(source, FUNCTIONS, NAMES)
    for flag in (True, False, UNKNOWN):
        for x in (0, 13, UNKNOWN, "a", [1, 13], None):
            thing = Thing(1, None, Thing(x, 2))
            env = {"x": x, "y": 1, "s": "a", "d": None, "lst": [1, 13, x], "obj": thing, "m": {}, "u": None}
            env |= {"r": Range(Fraction(0), Fraction(1)), "fy": 2026, "flag": flag}
            generated = expression_function(compiled, frozenset(env), {"fy": 2026}, env)
            assert _same(_outcome(compiled.fn, env), _outcome(generated, env)), (source, env)


def test_generated_code_holds_no_rule_text() -> None:
    """Names, constants and functions reach the code through its table, never as text of the rule."""
    compiled = compile_expr("obj.secret_field == 'secret text' or impure(x) > 12345", FUNCTIONS, NAMES | {"secret"})
    program = Program(frozenset({"obj", "x"}))
    program.hoist(set(compiled.reads.names))
    program.line(f"return {program.use(value_of(program, compiled))}")
    text = program.source("run", "env")
    for word in ("secret", "12345", "impure", "obj", "'"):
        assert word not in text
    assert "secret_field" in program.table and "secret text" in program.table


# ----------------------------------------------------------------------------------------- the bundled rule sets


def _same_decisions(ruleset: Any, ctx_env: dict[str, Any], lots: list[Any]) -> int:
    walk = EligibilityEvaluator(ruleset)
    expected = [walk.decide(dict(ctx_env), index, lot) for index, lot in enumerate(lots)]
    found = decide_lots(ruleset, dict(ctx_env), lots)
    for want, got in zip(expected, found, strict=True):
        assert [(c.id, o) for c, o in want.outcomes] == [(c.id, o) for c, o in got.outcomes], want.lot.id
        assert want.verdict == got.verdict, want.lot.id
    return len(lots)


def _evaluations() -> list[Any]:
    """Every example, and every case of the bundled rule sets' tests, evaluated (those the rule set accepts)."""
    shared = SharedInputs()
    found = []
    for path in sorted(ROOT.glob("examples/*/submission.yaml")):
        loaded, _ = load_inputs(CheckRequest(path), shared)
        loaded, extras = load_extras(loaded, None, shared=shared)
        ruleset = shared.ruleset(loaded.submission.ruleset)
        found.append(evaluate(ruleset, loaded, loaded.submission.as_of or date(2026, 12, 7), extras))
    for ref in bundled_rulesets():
        ruleset = shared.ruleset(ref)
        for item in cases.collect_cases(ruleset.path):
            case = item.case
            ownership = cases._inside(ruleset.path, item, case.ownership) if case.ownership else None
            try:
                loaded, extras = load_extras(cases._submission(ruleset.path, item), ownership, shared)
                found.append(evaluate(ruleset, loaded, case.as_of, extras))
            except InputError:
                continue
    return found


def test_every_bundled_kind_is_generated() -> None:
    for ref in bundled_rulesets():
        ruleset = load_ruleset(resolve_ruleset(ref))
        env = {"fy": ruleset.reference_fy, "_ctx": None, "lot": None}
        assert decider(ruleset, env) is not None, ruleset.id


def test_bundled_rules_decide_every_example_and_case_alike() -> None:
    decided = 0
    for evaluation in _evaluations():
        decided += _same_decisions(evaluation.ruleset, evaluation.ctx.base_env(), evaluation.loaded.submission.lots)
    assert decided > 100


def test_bundled_rules_decide_a_synthetic_batch_alike(tmp_path: Path) -> None:
    generate_batch(tmp_path, 16, 60, 1_500)
    shared = SharedInputs()
    ownership = tmp_path / "ownership.yaml"
    decided = 0
    for path in sorted((tmp_path / "submissions").glob("*.yaml")):
        loaded, _ = load_inputs(CheckRequest(path, ownership=ownership), shared)
        loaded, extras = load_extras(loaded, ownership, shared=shared)
        ruleset = shared.ruleset("gxets-phase1")
        try:
            evaluation = evaluate(ruleset, loaded, date(2026, 12, 7), extras)
        except InputError:
            continue
        decided += _same_decisions(ruleset, evaluation.ctx.base_env(), loaded.submission.lots)
    assert decided > 800


def _findings(ruleset: Any, loaded: Any, as_of: date, walk: bool) -> list[tuple[Any, ...]]:
    period, _ = evaluation_period(ruleset, loaded)
    assert period is not None
    ctx = EvalContext(ruleset, loaded.submission, as_of, period, {})
    if walk:  # while a trace is recorded the closures check every lot: the reference
        ctx.recorders.append([])
    try:
        found = run_checks(ruleset, ctx.base_env(), loaded.submission.lots, loaded.lot_locations, loaded.locate)
    except Exception as exc:
        return [("error", f"{type(exc).__name__}: {exc}")]
    return [(f.check.spec.id, f.severity, f.lot_id, str(f.location), f.message) for f in found]


def test_lot_checks_find_the_same_problems_generated_or_walked() -> None:
    """Every integrity check on every lot of the examples and of the hostile-submission corpus (whose lots fail
    checks), generated (fastpath.lot_checker) and walked: the same findings, in the same order, worded alike."""
    shared = SharedInputs()
    corpus = sorted((ROOT / "tests" / "bad_submissions").glob("*.yaml"))
    paths = sorted(ROOT.glob("examples/*/submission.yaml")) + corpus
    compared = failing = 0
    for path in paths:
        try:
            request = CheckRequest(path)
            loaded, _ = load_inputs(request, shared)
            ruleset = ruleset_of(request, loaded, shared)
        except InputError:
            continue
        if evaluation_period(ruleset, loaded)[0] is None:
            continue
        as_of = loaded.submission.as_of or date(2026, 12, 7)
        generated = _findings(ruleset, loaded, as_of, walk=False)
        assert generated == _findings(ruleset, loaded, as_of, walk=True), path.name
        compared += 1
        failing += bool(generated)
    assert compared > 10 and failing > 3, (compared, failing)
