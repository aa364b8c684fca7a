"""The rule language's expressions: parsed with :mod:`ast`, compiled to closures, never eval'd.

Rule authors write criteria and formulas the way the reference documents write them::

    lot.status not in ('cancelled_other', 'retired_other')
    max(0, D_phase - max(T_direct, ndc_eq_phase))
    sum(actual('direct', y) for y in period)

The text is parsed by Python's parser (so syntax errors come with a column) and then
compiled node by node into plain Python closures from a closed vocabulary: literals,
names, attribute and index access, ``+ - * /``, comparisons, ``and or not``,
``a if c else b``, calls of registered functions, and one-clause generator expressions
inside the aggregates ``sum``/``product``/``mean``/``min``/``max``/``all``/``any``/``select``.
Anything else is refused at load time.

Semantics: numbers are exact (``0.51`` is 51/100); ``None`` and missing data are
:data:`UNKNOWN` and spread (Kleene logic for ``and``/``or``/``not``; an aggregate over an
unknown list, or with an item whose filter is unknown, is unknown); comparing a
:class:`Range` with a number is decided only when the whole range is on one side.

Compilation also collects what an expression reads (names, attribute paths, parameter
names and how their fiscal year is chosen, codelists) so that the linter can check
references and the trace can show inputs without recording them at run time.
"""

from __future__ import annotations

import ast
import math
import operator
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any, cast

from gxets_rules.ruleset.values import INAPPLICABLE, UNKNOWN, Range, normalize, to_number

Env = Mapping[str, Any]
Closure = Callable[[Env], Any]

_MISSING = object()


class ExprError(Exception):
    """A rule expression that cannot be compiled (reported with its column)."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.column = column
        super().__init__(message if column is None else f"{message} (column {column})")


class EvaluationError(Exception):
    """A rule that went wrong while running: a bug in the rule set, not in the input."""


@dataclass(frozen=True)
class Function:
    """A function rule authors may call. ``strict`` ones return UNKNOWN for UNKNOWN args."""

    name: str
    impl: Callable[..., Any]
    min_args: int
    max_args: int
    strict: bool = True
    wants_env: bool = False
    static_kind: str | None = None  # "param" or "codelist": the first argument names one
    doc: str = ""
    pure: bool = False  # the answer depends only on the arguments, the rule set and the fiscal year read at
    records: bool = False  # it records reads or evidence into the trace (signatures.py), directly or through its answer


@dataclass(frozen=True)
class Definition:
    """A named expression with parameters, written by a rule author (``definitions.yaml``).

    ``site_base(s)`` reads better than the same twenty-word expression written out at every
    use. A call is compiled inline: the body is compiled at the call site with its parameters
    bound to the arguments, so whatever the body reads (parameters, inputs, quantities) counts
    as read by the caller — the linter and the trace see through it.
    """

    name: str
    params: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class ParamRef:
    """A parameter an expression reads, and how the fiscal year of the read is chosen."""

    name: str
    # "implicit": param(name) in a per_fy quantity, read at each fiscal year it is computed for;
    # "reference": param(name) elsewhere, read at the evaluation's reference fiscal year (``fy``);
    # "const": param(name, 2026), read at that stated year (``const_fy``);
    # "dynamic": param(name, expr), read at a year computed while evaluating.
    fy: str
    const_fy: int | None = None


@dataclass
class Reads:
    """What an expression reads, collected while compiling."""

    names: set[str] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    params: set[ParamRef] = field(default_factory=set)
    codelists: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Compiled:
    """A compiled expression: call ``fn(env)``; ``reads`` says what it looks at.

    ``functions`` is the table it was compiled against (the rule set's functions and definitions; the builtins are
    added to it), so that the fast path (:mod:`gxets_rules.ruleset.codegen`) can generate code for the same tree.
    """

    source: str
    fn: Closure
    reads: Reads
    functions: Mapping[str, Function | Definition] = field(default_factory=dict, compare=False, repr=False)

    def __call__(self, env: Env) -> Any:
        return self.fn(env)


# --------------------------------------------------------------------------- helpers


def truth(value: Any) -> Any:
    """Check a value is True, False or UNKNOWN (the only things a condition may be)."""
    if value is True or value is False or value is UNKNOWN:
        return value
    raise EvaluationError(f"expected true or false, got {value!r}")


_IS_MAPPING: dict[type, bool] = {}
"""Whether a type is a Mapping, by type: the ABC check is slow and a field is read for every lot and criterion."""


def _is_mapping(obj: Any) -> bool:
    kind = type(obj)
    found = _IS_MAPPING.get(kind)
    if found is None:
        found = _IS_MAPPING[kind] = isinstance(obj, Mapping)
    return found


def no_field(obj: Any, name: str) -> EvaluationError:
    return EvaluationError(f"{type(obj).__name__} has no field {name!r}")


def get_field(obj: Any, name: str) -> Any:
    if obj is UNKNOWN:
        return UNKNOWN
    value = obj.get(name, _MISSING) if _is_mapping(obj) else getattr(obj, name, _MISSING)
    if value is _MISSING:
        raise no_field(obj, name)
    return UNKNOWN if value is None else to_number(value)


CALL_ERRORS = (ArithmeticError, TypeError, ValueError)
"""What a function's implementation may raise for bad arguments: reported as a rule error naming the function."""


def call_failed(name: str, exc: Exception) -> EvaluationError:
    """What a function call that raised reads as: the function's name and what went wrong."""
    return EvaluationError(f"{name}(): {exc}")


def _index(obj: Any, key: Any) -> Any:
    if obj is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    try:
        value = obj[key]
    except (KeyError, IndexError):
        return UNKNOWN
    except TypeError as exc:
        raise EvaluationError(f"cannot index {type(obj).__name__} with {key!r}") from exc
    return UNKNOWN if value is None else to_number(value)


def _range_bounds(value: Any) -> tuple[Any, Any]:
    if isinstance(value, Range):
        return value.lo, value.hi
    return value, value


def _arith(op: Callable[[Any, Any], Any], symbol: str) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if isinstance(left, bool) or isinstance(right, bool):
            raise EvaluationError(f"cannot use true/false in arithmetic ({symbol})")
        if isinstance(left, Range) or isinstance(right, Range):
            return _range_arith(symbol, left, right)
        try:
            if symbol == "/":
                if right == 0:
                    raise EvaluationError("division by zero")
                return normalize(Fraction(left) / Fraction(right))
            result = op(left, right)
        except TypeError as exc:
            raise EvaluationError(f"cannot compute {left!r} {symbol} {right!r}") from exc
        return normalize(result) if isinstance(result, Fraction) else result

    return apply


def _range_arith(symbol: str, left: Any, right: Any) -> Range:
    """Interval arithmetic: the result holds every value the operands' points can give."""
    llo, lhi = (Fraction(v) for v in _range_bounds(left))
    rlo, rhi = (Fraction(v) for v in _range_bounds(right))
    if symbol == "+":
        return Range(llo + rlo, lhi + rhi)
    if symbol == "-":
        return Range(llo - rhi, lhi - rlo)
    if symbol == "*":
        products = [a * b for a in (llo, lhi) for b in (rlo, rhi)]
        return Range(min(products), max(products))
    if rlo <= 0 <= rhi:
        raise EvaluationError("division by a range that includes zero")
    quotients = [a / b for a in (llo, lhi) for b in (rlo, rhi)]
    return Range(min(quotients), max(quotients))


_ARITH = {
    ast.Add: _arith(operator.add, "+"),
    ast.Sub: _arith(operator.sub, "-"),
    ast.Mult: _arith(operator.mul, "*"),
    ast.Div: _arith(operator.truediv, "/"),
}


def _compare_ordered(op: Callable[[Any, Any], bool], left: Any, right: Any) -> Any:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if isinstance(left, Range) or isinstance(right, Range):
        return _compare_bounds(op, _range_bounds(left), _range_bounds(right))
    try:
        return op(left, right)
    except TypeError as exc:
        raise EvaluationError(f"cannot compare {left!r} with {right!r}") from exc


def _compare_bounds(op: Callable[[Any, Any], bool], left: tuple[Any, Any], right: tuple[Any, Any]) -> Any:
    """True if ``op`` holds for every pair of bounds, False if for none, else UNKNOWN.

    The pairs are compared in the order the two tests ask for them, each once (the bounds are Fractions, slow to
    compare): a range against a number — the common case — is two comparisons at most, not eight.
    """
    (llo, lhi), (rlo, rhi) = left, right
    if rlo is rhi or llo is lhi:  # one side is a single point: two pairs, (low, point) and (high, point)
        first = op(llo, rlo)
        second = op(lhi, rhi) if rlo is rhi else op(llo, rhi)
        if first and second:
            return True
        return UNKNOWN if first or second else False
    pairs = ((llo, rlo), (llo, rhi), (lhi, rlo), (lhi, rhi))
    found: list[Any] = []

    def held(i: int) -> Any:
        if i == len(found):
            found.append(op(*pairs[i]))
        return found[i]

    if all(held(i) for i in range(4)):  # true for every point of both ranges
        return True
    if not any(held(i) for i in range(4)):  # false for every point
        return False
    return UNKNOWN


def _equal(left: Any, right: Any) -> Any:
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if isinstance(left, Range) or isinstance(right, Range):
        return _compare_ordered(operator.eq, left, right)
    return left == right


def _contains(item: Any, container: Any) -> Any:
    if item is UNKNOWN or container is UNKNOWN:
        return UNKNOWN
    try:
        return item in container
    except TypeError as exc:
        raise EvaluationError(f"cannot test membership in {container!r}") from exc


def _not(value: Any) -> Any:
    value = truth(value)
    return UNKNOWN if value is UNKNOWN else not value


_COMPARE_BY_SYMBOL: dict[str, Callable[[Any, Any], Any]] = {
    "<": lambda a, b: _compare_ordered(operator.lt, a, b),
    "<=": lambda a, b: _compare_ordered(operator.le, a, b),
    ">": lambda a, b: _compare_ordered(operator.gt, a, b),
    ">=": lambda a, b: _compare_ordered(operator.ge, a, b),
    "==": _equal,
    "!=": lambda a, b: _not(_equal(a, b)),
}

_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: _COMPARE_BY_SYMBOL["<"],
    ast.LtE: _COMPARE_BY_SYMBOL["<="],
    ast.Gt: _COMPARE_BY_SYMBOL[">"],
    ast.GtE: _COMPARE_BY_SYMBOL[">="],
    ast.Eq: _equal,
    ast.NotEq: _COMPARE_BY_SYMBOL["!="],
    ast.In: _contains,
    ast.NotIn: lambda a, b: _not(_contains(a, b)),
}


def _kleene(values: Iterable[Any], dominant: bool) -> Any:
    """Kleene logic: the dominant value (False for and, True for or) wins over UNKNOWN, UNKNOWN over the other."""
    result: Any = not dominant
    for value in values:
        checked = truth(value)
        if checked is dominant:
            return dominant
        if checked is UNKNOWN:
            result = UNKNOWN
    return result


def kleene_and(values: Iterable[Any]) -> Any:
    return _kleene(values, False)


def kleene_or(values: Iterable[Any]) -> Any:
    return _kleene(values, True)


def _extreme(pick: Callable[[list[Any]], Any], name: str) -> Callable[[Iterable[Any]], Any]:
    """min or max that is UNKNOWN if any value is, and an error over nothing."""

    def reduce(values: Iterable[Any]) -> Any:
        items = list(values)
        if not items:
            raise EvaluationError(f"{name}() of nothing")
        if any(v is UNKNOWN for v in items):
            return UNKNOWN
        return pick(items)

    return reduce


def _fold(op: type[ast.operator], start: int) -> Callable[[Iterable[Any]], Any]:
    """sum or product: exact, and UNKNOWN as soon as one value is."""
    apply = _ARITH[op]

    def reduce(values: Iterable[Any]) -> Any:
        total: Any = start
        for value in values:
            total = apply(total, value)
        return total

    return reduce


def _mean(values: Iterable[Any]) -> Any:
    """The exact mean; UNKNOWN if any value is, or if there is none (no data is not zero)."""
    items = list(values)
    if not items or any(v is UNKNOWN for v in items):
        return UNKNOWN
    return _ARITH[ast.Div](_fold(ast.Add, 0)(items), len(items))


def _select(values: Iterable[Any]) -> Any:
    """The values as a tuple (e.g. the members that meet a condition); UNKNOWN if any is."""
    items = tuple(values)
    return UNKNOWN if any(v is UNKNOWN for v in items) else items


AGGREGATES: dict[str, Callable[[Iterable[Any]], Any]] = {
    "sum": _fold(ast.Add, 0),
    "product": _fold(ast.Mult, 1),
    "mean": _mean,
    "min": _extreme(min, "min"),
    "max": _extreme(max, "max"),
    "all": kleene_and,
    "any": kleene_or,
    "select": _select,
}


def _floor(value: Any) -> Any:
    return math.floor(Fraction(value))


def _ceil(value: Any) -> Any:
    return math.ceil(Fraction(value))


def round_whole(value: Any, mode: Any) -> Any:
    """Round to a whole number by a named mode; the mode usually comes from a parameter."""
    if mode == "floor":
        return _floor(value)
    if mode == "ceil":
        return _ceil(value)
    if mode == "half_up":
        return math.floor(Fraction(value) + Fraction(1, 2))
    raise EvaluationError(f"unknown rounding mode {mode!r} (floor, ceil or half_up)")


def _date(text: Any) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError as exc:
        raise EvaluationError(f"not a date: {text!r}") from exc


def _known(value: Any) -> bool:
    return value is not UNKNOWN


def _compare(left: Any, op: Any, right: Any) -> Any:
    """compare(a, op, b): a comparison whose operator is data (a parameter such as '>=')."""
    apply = _COMPARE_BY_SYMBOL.get(op)
    if apply is None:
        raise EvaluationError(f"unknown comparison {op!r} (one of {', '.join(_COMPARE_BY_SYMBOL)})")
    return apply(left, right)


def _years(first: Any, last: Any) -> tuple[int, ...]:
    """years(first, last): the fiscal years first … last (empty if last < first)."""
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (first, last)):
        raise EvaluationError(f"years() needs whole fiscal years, got {first!r} and {last!r}")
    if last - first >= MAX_YEARS:
        raise EvaluationError(f"years({first}, {last}) spans more than {MAX_YEARS} fiscal years")
    return tuple(range(first, last + 1))


def _interpolate(x: Any, x0: Any, y0: Any, x1: Any, y1: Any) -> Any:
    """interpolate(x, x0, y0, x1, y1): the straight line through (x0, y0) and (x1, y1), at x."""
    if x0 == x1:
        raise EvaluationError("interpolate() needs two different points")
    return normalize(Fraction(y0) + (Fraction(y1) - Fraction(y0)) * (Fraction(x) - Fraction(x0)) / (x1 - x0))


def _text(value: Any) -> str:
    """text(x): a whole number, a date or text as text, e.g. to build a code from a year."""
    if isinstance(value, bool) or not isinstance(value, int | str | date):
        raise EvaluationError(f"text() takes a whole number, a date or text, got {value!r}")
    return value.isoformat() if isinstance(value, date) else str(value)


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not UNKNOWN:
            return value
    return UNKNOWN


BUILTINS: dict[str, Function] = {
    f.name: replace(f, pure=True)  # none reads anything but its arguments
    for f in [
        Function("abs", abs, 1, 1, doc="absolute value"),
        Function("floor", _floor, 1, 1, doc="round down to a whole number"),
        Function("ceil", _ceil, 1, 1, doc="round up to a whole number"),
        Function("round", round_whole, 2, 2, doc="round(x, mode) with mode floor | ceil | half_up"),
        Function("date", _date, 1, 1, doc="a date from ISO text, e.g. date('2026-12-31')"),
        Function("known", _known, 1, 1, strict=False, doc="true unless the value is unknown"),
        Function("coalesce", _coalesce, 1, 9, strict=False, doc="the first known value"),
        Function("len", len, 1, 1, doc="number of items"),
        Function("text", _text, 1, 1, doc="text(x): a whole number or date as text, e.g. 'fy' + text(2026)"),
        Function("compare", _compare, 3, 3, doc="compare(a, op, b) with op one of >= > <= < == !="),
        Function("years", _years, 2, 2, doc="years(first, last): the fiscal years first … last"),
        Function("interpolate", _interpolate, 5, 5, doc="interpolate(x, x0, y0, x1, y1): the straight line, at x"),
        Function(
            "not_applicable",
            lambda: INAPPLICABLE,
            0,
            0,
            strict=False,
            doc="a value that does not apply here (shown as not defined), e.g. an estimate nobody asked for",
        ),
        Function(
            "manual_review",
            lambda: UNKNOWN,
            0,
            0,
            strict=False,
            doc="unknown: a point the engine cannot decide, so a person must (outcome indeterminate)",
        ),
    ]
}


# --------------------------------------------------------------------------- compiler


MAX_YEARS = 200
"""Most fiscal years ``years()`` spans: an unbounded range computed from bad data must fail, not run for hours."""
MAX_SOURCE = 4_000
"""Longest expression accepted: the longest in the bundled rule sets is a few hundred characters."""
MAX_DEPTH = 60
"""Deepest expression tree accepted. Parsing, compiling and evaluating recurse over the tree, so a rule set from a
path with ``not not not …`` a thousand times would otherwise crash the loader instead of getting a finding."""


def _parse(source: str) -> tuple[str, ast.expr]:
    """The expression's tree; the text is wrapped in parentheses so a formula may span lines as YAML folds it."""
    if len(source) > MAX_SOURCE:
        raise ExprError(f"the expression is {len(source):,} characters long, more than {MAX_SOURCE:,}; split it up")
    wrapped = f"({source.strip()}\n)"
    try:
        tree = ast.parse(wrapped, mode="eval").body
    except SyntaxError as exc:
        raise ExprError(f"syntax error: {exc.msg}", max(1, (exc.offset or 2) - 1)) from None
    except (RecursionError, MemoryError):
        raise ExprError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)") from None
    _require_shallow(tree)
    return wrapped, tree


def _require_shallow(tree: ast.AST) -> None:
    """Refuse a tree deeper than MAX_DEPTH, measured without recursion (so the measuring cannot overflow either)."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            column = max(1, getattr(node, "col_offset", 0))
            raise ExprError(f"the expression is nested too deeply (more than {MAX_DEPTH} levels)", column)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class _Compiler:
    def __init__(
        self,
        source: str,
        functions: Mapping[str, Function | Definition],
        names: set[str],
        fy_implicit: bool,
    ) -> None:
        self.source = source
        self.functions = {**BUILTINS, **functions}
        self.names = names
        self.reads = Reads()
        self.fy_implicit = fy_implicit
        self.bound: list[str] = []
        self.expanding: list[str] = []

    def fail(self, node: ast.AST, message: str) -> ExprError:
        return ExprError(message, max(1, getattr(node, "col_offset", 0)))  # 1-based, net of the added "("

    def compile(self, node: ast.AST) -> Closure:
        method: Callable[[ast.AST], Closure] | None = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise self.fail(node, f"{type(node).__name__} is not part of the rule language")
        return method(node)

    # literals ---------------------------------------------------------------
    def _Constant(self, node: ast.Constant) -> Closure:
        value = node.value
        if isinstance(value, bool | int | str):
            return lambda env: value
        if isinstance(value, float):
            text = ast.get_source_segment(self.source, node) or repr(value)
            exact = normalize(Fraction(text.replace("_", "")))
            return lambda env: exact
        if value is None:
            raise self.fail(node, "use known(x) instead of comparing with None")
        raise self.fail(node, f"literal {value!r} is not allowed")

    def _literal_items(self, node: ast.Tuple | ast.List) -> Closure:
        """A tuple or list literal keeps its order and repeats (``mean(x for x in (100, 100, 90))`` is 290/3), so an
        aggregate or ``select`` over it gives the same answer under any hash seed; one of constants is built once."""
        items = [self.compile(elt) for elt in node.elts]
        if all(isinstance(elt, ast.Constant) for elt in node.elts):
            constant = tuple(item({}) for item in items)
            return lambda env: constant
        return lambda env: [item(env) for item in items]

    def _members(self, node: ast.expr) -> Closure:
        """The right side of ``in``: a literal of constants as a set, looked up in constant time."""
        if isinstance(node, ast.Tuple | ast.List) and all(isinstance(elt, ast.Constant) for elt in node.elts):
            items = self._literal_items(node)({})
            members = frozenset(items)
            return lambda env: members
        return self.compile(node)

    _Tuple = _literal_items
    _List = _literal_items

    # names and access ---------------------------------------------------------
    def _Name(self, node: ast.Name) -> Closure:
        name = node.id
        if name in self.bound:
            return lambda env: env[name]
        if name not in self.names:
            raise self.fail(node, f"unknown name {name!r}")
        self.reads.names.add(name)

        def lookup(env: Env) -> Any:
            value = env[name]
            return UNKNOWN if value is None else value

        return lookup

    def _Attribute(self, node: ast.Attribute) -> Closure:
        chain: list[str] = []
        base: ast.AST = node
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        chain.reverse()
        if any(part.startswith("_") for part in chain):
            raise self.fail(node, "names starting with '_' are not part of the rule language")
        if isinstance(base, ast.Name) and base.id not in self.bound:
            self.reads.paths.add(".".join([base.id, *chain]))
        root = self.compile(base)
        if len(chain) == 1:
            only = chain[0]
            return lambda env: get_field(root(env), only)

        def walk(env: Env) -> Any:
            value = root(env)
            for part in chain:
                value = get_field(value, part)
            return value

        return walk

    def _Subscript(self, node: ast.Subscript) -> Closure:
        target = self.compile(node.value)
        key = self.compile(node.slice)
        return lambda env: _index(target(env), key(env))

    # operators -----------------------------------------------------------------
    def _BinOp(self, node: ast.BinOp) -> Closure:
        apply = _ARITH.get(type(node.op))
        if apply is None:
            raise self.fail(node, f"operator {type(node.op).__name__} is not part of the rule language")
        left, right = self.compile(node.left), self.compile(node.right)
        return lambda env: apply(left(env), right(env))

    def _UnaryOp(self, node: ast.UnaryOp) -> Closure:
        operand = self.compile(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda env: _not(operand(env))
        if isinstance(node.op, ast.USub):
            sub = _ARITH[ast.Sub]
            return lambda env: sub(0, operand(env))
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.fail(node, "operator is not part of the rule language")

    def _BoolOp(self, node: ast.BoolOp) -> Closure:
        parts = [self.compile(v) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: kleene_and(part(env) for part in parts)
        return lambda env: kleene_or(part(env) for part in parts)

    def _Compare(self, node: ast.Compare) -> Closure:
        for symbol in node.ops:
            if type(symbol) not in _COMPARE:  # `is` / `is not`: identity means nothing for the language's values
                raise self.fail(node, "'is' is not part of the rule language: compare with == or !=, or use known(x)")
        last = len(node.ops) - 1
        operands = [self.compile(node.left)] + [
            self._members(c) if isinstance(node.ops[i], ast.In | ast.NotIn) and i == last else self.compile(c)
            for i, c in enumerate(node.comparators)
        ]
        ops = [_COMPARE[type(op)] for op in node.ops]
        if len(ops) == 1:
            first, second, op = operands[0], operands[1], ops[0]
            return lambda env: op(first(env), second(env))

        def chain(env: Env) -> Any:
            values = [operand(env) for operand in operands]
            return kleene_and(op(values[i], values[i + 1]) for i, op in enumerate(ops))

        return chain

    def _IfExp(self, node: ast.IfExp) -> Closure:
        test, body, orelse = self.compile(node.test), self.compile(node.body), self.compile(node.orelse)

        def choose(env: Env) -> Any:
            condition = truth(test(env))
            if condition is UNKNOWN:
                return UNKNOWN
            return body(env) if condition else orelse(env)

        return choose

    # calls ------------------------------------------------------------------------
    def _Call(self, node: ast.Call) -> Closure:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "only named functions can be called")
        name = node.func.id
        if node.keywords:
            raise self.fail(node, "keyword arguments are not part of the rule language")
        if name in AGGREGATES:
            return self._aggregate(node, name)
        function = self.functions.get(name)
        if function is None:
            raise self.fail(node, f"unknown function {name!r}")
        if isinstance(function, Definition):
            return self._definition(node, function)
        count = len(node.args)
        if not function.min_args <= count <= function.max_args:
            raise self.fail(node, f"{name}() takes {function.min_args}–{function.max_args} arguments, got {count}")
        self.reads.functions.add(name)
        if function.static_kind is not None:
            self._static_reference(node, function)
        args = [self.compile(arg) for arg in node.args]
        impl, strict, wants_env = function.impl, function.strict, function.wants_env

        def call(env: Env) -> Any:
            values = [arg(env) for arg in args]
            if strict:
                for value in values:
                    if value is UNKNOWN:
                        return UNKNOWN
            try:
                return impl(env, *values) if wants_env else impl(*values)
            except CALL_ERRORS as exc:
                raise call_failed(name, exc) from exc

        return call

    def _definition(self, node: ast.Call, definition: Definition) -> Closure:
        name, params = definition.name, definition.params
        if len(node.args) != len(params):
            raise self.fail(node, f"{name}() takes {len(params)} arguments ({', '.join(params)}), got {len(node.args)}")
        if name in self.expanding:
            raise self.fail(node, f"{name}() calls itself (through {' → '.join(self.expanding)})")
        self.reads.functions.add(name)
        args = [self.compile(arg) for arg in node.args]
        outer = (self.source, self.bound)
        self.expanding.append(name)
        try:
            self.source, body_tree = _parse(definition.source)
            self.bound = list(params)  # the body sees its parameters, not the caller's generator variables
            body = self.compile(body_tree)
        except ExprError as exc:
            raise ExprError(f"in {name}(): {exc}") from None
        finally:
            self.source, self.bound = outer
            self.expanding.pop()

        def call(env: Env) -> Any:
            return body(ChainMap(dict(zip(params, [arg(env) for arg in args], strict=True)), cast(dict[str, Any], env)))

        return call

    def _static_reference(self, node: ast.Call, function: Function) -> None:
        first = node.args[0] if node.args else None
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            raise self.fail(node, f"the first argument of {function.name}() must be a quoted name")
        if function.static_kind == "codelist":
            self.reads.codelists.add(first.value)
            return
        if len(node.args) == 1:
            mode = "implicit" if self.fy_implicit else "reference"
            self.reads.params.add(ParamRef(first.value, mode))
        elif isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, int):
            self.reads.params.add(ParamRef(first.value, "const", node.args[1].value))
        else:
            self.reads.params.add(ParamRef(first.value, "dynamic"))

    def _aggregate(self, node: ast.Call, name: str) -> Closure:
        reduce = AGGREGATES[name]
        self.reads.functions.add(name)
        if not node.args:
            raise self.fail(node, f"{name}() needs values")
        if len(node.args) == 1:
            only = node.args[0]
            if isinstance(only, ast.GeneratorExp):
                return self._generator(only, reduce)
            if not isinstance(only, ast.Tuple | ast.List):
                single = self.compile(only)

                def over(env: Env) -> Any:
                    values = single(env)
                    return UNKNOWN if values is UNKNOWN else reduce(_iterate(values))

                return over
            elements = only.elts
        else:
            elements = node.args
        args = [self.compile(element) for element in elements]
        return lambda env: reduce(arg(env) for arg in args)

    def _generator(self, node: ast.GeneratorExp, reduce: Callable[[Iterable[Any]], Any]) -> Closure:
        if len(node.generators) != 1:
            raise self.fail(node, "a generator may have one `for` clause")
        clause = node.generators[0]
        if not isinstance(clause.target, ast.Name) or clause.is_async:
            raise self.fail(node, "a generator's target must be a single name")
        var = clause.target.id
        source = self.compile(clause.iter)
        self.bound.append(var)
        try:
            element = self.compile(node.elt)
            conditions = [self.compile(cond) for cond in clause.ifs]
        finally:
            self.bound.pop()

        def run(env: Env) -> Any:
            values = source(env)
            if values is UNKNOWN:  # over an unknown list, the aggregate is unknown too
                return UNKNOWN

            def items() -> Iterable[Any]:
                for item in _iterate(values):
                    scope = ChainMap({var: item}, cast(dict[str, Any], env))
                    keep = kleene_and(cond(scope) for cond in conditions)
                    if keep is UNKNOWN:  # an undecidable filter never silently drops an item
                        yield UNKNOWN
                    elif keep:
                        yield element(scope)

            return reduce(items())

        return run


def _iterate(value: Any) -> Iterable[Any]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise EvaluationError(f"cannot iterate over {value!r}")
    return value


def compile_expr(
    source: str,
    functions: Mapping[str, Function | Definition],
    names: set[str],
    fy_implicit: bool = False,
) -> Compiled:
    """Compile one rule expression; raise :class:`ExprError` if it is not in the language."""
    wrapped, tree = _parse(source)
    compiler = _Compiler(wrapped, functions, names, fy_implicit)
    fn = compiler.compile(tree)
    return Compiled(source.strip(), fn, compiler.reads, functions)  # the table shared by a rule set's expressions
