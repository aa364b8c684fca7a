"""Rule expressions compiled to Python code objects: the fast path of evaluation.

The closures of :mod:`gxets_rules.ruleset.expr` decide a lot through a Python call per node of every expression. For
ten thousand lots that is most of the time, so the same validated trees are also turned into the source of plain
Python functions — one per credit kind, with every criterion of every rule inline — and compiled once per rule set and
fiscal year, as Jinja2 compiles templates (DESIGN.md §4).

Safety. The generator walks trees that the closure compiler has already accepted (only the language's node types
reach it, and anything it does not handle is a :class:`CodegenError`, after which the closures are used). It writes a
fixed set of statement shapes. No text of a rule reaches the source: every constant, name, attribute name, parameter
value and function reaches the code as a reference to an entry of a table (``_k12``), bound as a closure cell when the
function is made; the identifiers in the source are the generator's own. The code runs with no builtins.

Semantics are the closures', by construction: each operation either calls the very helper the closures call
(arithmetic, ranges, membership, indexing, aggregates, every function) or inlines that helper's common case behind a
guard that sends every other case to the helper — ``a == b`` is compared inline when both are plain values
(text, whole numbers, fractions, dates, booleans), and by the closures' ``_equal`` otherwise. Three-valued logic is
kept: Kleene ``and``/``or`` stop at the first deciding value and evaluate the rest only as the closures would, so an
error the closures would never reach is never raised. ``tests/test_codegen.py`` compares the two on generated
expressions and on every rule of the bundled rule sets.

Folding. With the evaluation's environment at hand, calls of pure functions (:class:`Function` ``pure``: the answer
depends only on the arguments, the rule set and the fiscal year) with constant arguments — ``param('x')`` at the
evaluation's year, a code-list lookup of a constant key, a definition made of them — are made once while generating,
and operations on constants are computed then, with the same helpers. A call or an operation that fails is left in
the code, so that it fails where and when the closures' would. Pure calls with varying arguments are remembered by
their arguments (a code-list lookup normalises its key with a regular expression; a memo looks the raw key up).
The result is specific to a rule set, a fiscal year and the names given as constants: callers cache it by those.
"""

from __future__ import annotations

import ast
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any

from gxets_rules.ruleset import expr as language
from gxets_rules.ruleset.expr import (
    AGGREGATES,
    BUILTINS,
    CALL_ERRORS,
    Compiled,
    Definition,
    EvaluationError,
    Function,
    call_failed,
    no_field,
    truth,
)
from gxets_rules.ruleset.values import UNKNOWN, Range, to_number

_PLAIN = frozenset({str, int, bool, Fraction, date})
"""Values compared inline: ``==`` between two of them is a bool and never raises."""

_ORDERED = frozenset({(int, int), (str, str), (date, date), (Fraction, Fraction), (int, Fraction), (Fraction, int)})
"""Pairs of types ordered inline: ``<`` between them is a bool and never raises."""

_SEQUENCES = frozenset({tuple, list, frozenset})
"""Values ``_iterate`` passes unchanged (no check needed before a loop over one)."""

_NUMBERS = frozenset({int, Fraction})
"""The numbers a range is compared with inline."""

_COLLECTIONS = frozenset({frozenset, set, tuple, list})
"""Containers searched inline for a plain value: ``in`` on them never raises for a hashable item."""

_UNCHANGED: set[type] = {str, int, bool, Fraction, date}
"""Types of field values that :func:`to_number` leaves as they are (more are added as they are met)."""

PURE_READS = frozenset({"fy"})
"""The environment names a pure function may read, besides ``_``-names (the evaluation context): the fiscal year."""

_NO_VALUE = object()
"""A memo's "not yet asked"."""


class CodegenError(Exception):
    """A tree the generator does not handle: the caller keeps the closures."""


@dataclass(frozen=True, slots=True)
class Const:
    """A value known while generating."""

    value: Any


@dataclass(frozen=True, slots=True)
class Var:
    """A local variable of the generated code that holds a value at run time."""

    name: str


Operand = Const | Var


@dataclass
class _Scope:
    """Names a generator's variable or a definition's parameters bind at run time (the closures' ``ChainMap``).

    The environment object the closures would pass a function here is built only if a function needs it: its line
    is kept free at the scope's start (``slot``) and written when first asked for.
    """

    names: dict[str, str]
    slot: int
    indent: str
    env: str | None = None


@dataclass
class Program:
    """One generated function under construction: its source lines, its table of references, its locals.

    ``env_names`` are the names the environment always holds when the function runs (read once, at its start, into
    locals); ``constants`` are names whose value is fixed for the function (e.g. the fiscal year it is made for);
    ``fold_env`` is the environment pure functions are called with while generating (None: no folding of calls).
    ``traced``: the code runs while a trace is recorded, so it must do everything the closures do, as often as they do
    it — nothing computed once for two uses (a field of an involvement records its witnesses each time it is read) and
    no function that records folded or remembered.
    """

    env_names: frozenset[str]
    constants: Mapping[str, Any] = field(default_factory=dict)
    fold_env: Mapping[str, Any] | None = None
    traced: bool = False
    lines: list[str] = field(default_factory=list)
    table: list[Any] = field(default_factory=list)
    locals: dict[str, str] = field(default_factory=dict)  # env name or let name → local holding its value
    depth: int = 2
    _refs: dict[tuple[type, Any], str] = field(default_factory=dict)
    _count: int = 0
    _known: list[dict[tuple[Any, ...], Operand]] = field(default_factory=lambda: [{}])  # values computed, by block
    list_items: dict[str, list[str]] = field(default_factory=dict)  # a list literal's local → its items
    notes: dict[Any, Any] = field(default_factory=dict)  # the caller's own bookkeeping while it writes the program

    # building blocks ---------------------------------------------------------------------
    def ref(self, value: Any) -> str:
        """The table entry holding ``value`` (one per distinct constant)."""
        try:
            key: tuple[type, Any] = (type(value), value)
            found = self._refs.get(key)
        except TypeError:  # unhashable: by identity
            key = (type(value), id(value))
            found = self._refs.get(key)
        if found is None:
            found = f"_k{len(self.table)}"
            self.table.append(value)
            self._refs[key] = found
        return found

    def temp(self) -> str:
        self._count += 1
        return f"_t{self._count}"

    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    @contextmanager
    def block(self, header: str) -> Iterator[None]:
        self.line(header)
        self.indent()
        try:
            yield
        finally:
            self.dedent()

    def indent(self) -> None:
        self.depth += 1
        self._known.append({})

    def dedent(self) -> None:
        self.depth -= 1
        self._known.pop()

    def known(self, key: tuple[Any, ...]) -> Operand | None:
        """The local already holding what ``key`` computes, if it was computed where it is seen from here (in this
        block or one around it). Only what cannot change while a lot is decided is keyed: a field of a value, a pure
        function of values, a comparison. Every local is assigned once, so a key of locals means the same values.
        Traced code computes every use again, as the closures do (see ``traced``)."""
        if self.traced:
            return None
        for known in reversed(self._known):
            found: Operand | None = known.get(key)
            if found is not None:
                return found
        return None

    def remember(self, key: tuple[Any, ...], operand: Operand) -> Operand:
        """Note that ``key`` is computed into ``operand`` (a local, or a value known to hold here)."""
        self._known[-1][key] = operand
        return operand

    def type_of(self, local: str) -> str:
        """A local holding ``type(local)``, computed once where it is seen from."""
        known = self.known(("type", local))
        if isinstance(known, Var):
            return known.name
        out = self.temp()
        self.line(f"{out} = {self.ref(type)}({local})")
        self.remember(("type", local), Var(out))
        return out

    def key(self, *operands: Operand) -> tuple[str, ...]:
        """Operands as part of a key: a local by name, a constant by its table entry."""
        return tuple(self.use(o) for o in operands)

    def use(self, operand: Operand) -> str:
        return operand.name if isinstance(operand, Var) else self.ref(operand.value)

    def assign(self, operand: Operand) -> str:
        """A local holding the operand's value (a new one for a constant)."""
        if isinstance(operand, Var):
            return operand.name
        name = self.temp()
        self.line(f"{name} = {self.ref(operand.value)}")
        return name

    # the environment -------------------------------------------------------------------
    def hoist(self, names: set[str]) -> None:
        """Read the environment names the expressions use once, at the start (None is unknown, as the closures say)."""
        for name in sorted(names):
            if name in self.constants or name in self.locals or name not in self.env_names:
                continue
            local = self.temp()
            self.line(f"{local} = env[{self.ref(name)}]")
            self.line(f"if {local} is None: {local} = {self.ref(UNKNOWN)}")
            self.locals[name] = local

    def bind_name(self, name: str, operand: Operand) -> None:
        """A name bound while the function runs (a rule's ``let``): stored as the closures store it, read as they
        read it."""
        self.line(f"env[{self.ref(name)}] = {self.use(operand)}")
        local = self.temp()
        self.line(f"{local} = {self.use(operand)}")
        self.line(f"if {local} is None: {local} = {self.ref(UNKNOWN)}")
        self.locals[name] = local

    # the whole function ----------------------------------------------------------------
    def source(self, name: str, params: str) -> str:
        head = [f"def _make({', '.join(f'_k{i}' for i in range(len(self.table)))}):", f"    def {name}({params}):"]
        return "\n".join([*head, *self.lines, f"    return {name}", ""])

    def build(self, name: str, params: str, filename: str) -> Callable[..., Any]:
        """Compile the function and bind its table; raises :class:`CodegenError` if Python refuses it."""
        text = self.source(name, params)
        try:
            code = compile(text, filename, "exec")
        except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:  # e.g. blocks nested too deep
            raise CodegenError(f"generated code does not compile: {exc}") from exc
        namespace: dict[str, Any] = {"__builtins__": {}}
        exec(code, namespace)  # generated from the validated tree: no rule text in it (see the module doc)
        made: Callable[..., Any] = namespace["_make"](*self.table)
        return made


# ----------------------------------------------------------------------------------------- helpers the code calls

_MISSING = language._MISSING
_IS_MAPPING = language._IS_MAPPING
_is_mapping = language._is_mapping
_index = language._index
_iterate = language._iterate
_not = language._not
_equal = language._equal
_contains = language._contains
_ARITH = language._ARITH
_COMPARE = language._COMPARE


_OBJECTS: set[type] = set()
"""Types met whose fields are attributes (not mappings): their fields are read with one ``getattr``."""

_MAPPINGS: set[type] = set()
"""Types met that are mappings: their fields are read with one ``get``."""


def _read_field(obj: Any, name: str) -> Any:
    """A field as ``get_field`` finds it before its None and number handling (unknown stays unknown); a type read by
    attribute is remembered as such."""
    if obj is UNKNOWN:
        return UNKNOWN
    if _is_mapping(obj):
        _MAPPINGS.add(type(obj))
        return obj.get(name, _MISSING)
    _OBJECTS.add(type(obj))
    return getattr(obj, name, _MISSING)


def _number(value: Any) -> Any:
    """:func:`to_number` for a field value of a type not yet met; a type it leaves alone is remembered as such."""
    kind = type(value)
    if issubclass(kind, Decimal | float):
        return to_number(value)
    _UNCHANGED.add(kind)
    return value


# ----------------------------------------------------------------------------------------- the expression generator


class ExpressionWriter:
    """Writes the statements that compute one compiled expression into a :class:`Program`; :meth:`value` returns
    where the value is. Mirrors ``expr._Compiler`` node by node."""

    def __init__(self, program: Program, compiled: Compiled) -> None:
        self.p = program
        self.functions: Mapping[str, Function | Definition] = {**BUILTINS, **compiled.functions}
        self.source, self.tree = language._parse(compiled.source)
        self.bound: list[str] = []  # as the closure compiler's: generator variables and definition parameters
        self.scopes: list[_Scope] = []

    def value(self) -> Operand:
        return self.compile(self.tree)

    def compile(self, node: ast.AST) -> Operand:
        method: Callable[[ast.AST], Operand] | None = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise CodegenError(f"{type(node).__name__} is not generated")
        return method(node)

    def _closure_value(self, build: Callable[[language._Compiler], language.Closure]) -> Any:
        """A constant the closure compiler makes from a literal node, made by it (so both agree on its value)."""
        compiler = language._Compiler(self.source, self.functions, set(), False)
        return build(compiler)({})

    # helpers -------------------------------------------------------------------------------
    def _fold(self, fn: Callable[..., Any], *operands: Operand) -> Const | None:
        """``fn`` applied now if every operand is known; None if one is not or if it raises (it will at run time)."""
        if not all(isinstance(o, Const) for o in operands):
            return None
        try:
            return Const(fn(*(o.value for o in operands)))  # type: ignore[union-attr]
        except Exception:  # whatever it raises, the generated code raises when it runs
            return None

    def _call(self, fn: Callable[..., Any], *operands: Operand) -> Operand:
        """``fn(operands…)`` of one of the language's helpers (each a function of its arguments alone), folded when
        it can be, computed once where it can be."""
        folded = self._fold(fn, *operands)
        if folded is not None:
            return folded
        key = ("call", self.p.ref(fn), *self.p.key(*operands))
        known = self.p.known(key)
        if known is not None:
            return known
        out = self.p.temp()
        self.p.line(f"{out} = {self.p.ref(fn)}({', '.join(self.p.use(o) for o in operands)})")
        return self.p.remember(key, Var(out))

    @property
    def env(self) -> str:
        """The local holding the environment a function would be given here (the innermost scope's)."""
        return self._env_of(len(self.scopes) - 1)

    def _env_of(self, index: int) -> str:
        if index < 0:
            return "env"
        scope = self.scopes[index]
        if scope.env is None:
            outer = self._env_of(index - 1)
            scope.env = self.p.temp()
            pairs = ", ".join(f"{self.p.ref(name)}: {local}" for name, local in scope.names.items())
            self.p.lines[scope.slot] = f"{scope.indent}{scope.env} = {self.p.ref(ChainMap)}({{{pairs}}}, {outer})"
        return scope.env

    def _shadowed(self) -> bool:
        """Whether a scope binds a name a pure function reads from the environment (``fy``, or ``_ctx`` and the like:
        see ``Signature.pure``), e.g. ``for fy in …``: its calls then depend on the scope and are not folded."""
        return any(name in PURE_READS or name.startswith("_") for s in self.scopes for name in s.names)

    # literals --------------------------------------------------------------------------------
    def _Constant(self, node: ast.Constant) -> Operand:
        return Const(self._closure_value(lambda c: c._Constant(node)))

    def _literal(self, node: ast.Tuple | ast.List) -> Operand:
        if all(isinstance(elt, ast.Constant) for elt in node.elts):
            return Const(self._closure_value(lambda c: c._literal_items(node)))
        items = [self.compile(elt) for elt in node.elts]
        key = ("list", *self.p.key(*items))
        known = self.p.known(key)
        if known is not None:  # no function changes a list it is given
            return known
        out = self.p.temp()
        self.p.line(f"{out} = [{', '.join(self.p.use(i) for i in items)}]")
        self.p.list_items[out] = [self.p.use(i) for i in items]
        return self.p.remember(key, Var(out))

    _Tuple = _literal
    _List = _literal

    def _members(self, node: ast.expr) -> Operand:
        if isinstance(node, ast.Tuple | ast.List) and all(isinstance(elt, ast.Constant) for elt in node.elts):
            return Const(self._closure_value(lambda c: c._members(node)))
        return self.compile(node)

    # names and fields ------------------------------------------------------------------------
    def _Name(self, node: ast.Name) -> Operand:
        name = node.id
        for scope in reversed(self.scopes):  # the closures' ChainMap, innermost first
            if name in scope.names:
                local = scope.names[name]
                if name in self.bound:
                    return Var(local)
                return self._known(Var(local))
        if name in self.p.constants:
            value = self.p.constants[name]
            return Const(UNKNOWN if value is None else value)
        held = self.p.locals.get(name)
        if held is not None:
            return Var(held)
        out = self.p.temp()
        self.p.line(f"{out} = env[{self.p.ref(name)}]")
        if name not in self.bound:
            self.p.line(f"if {out} is None: {out} = {self.p.ref(UNKNOWN)}")
        return Var(out)

    def _known(self, operand: Var) -> Var:
        out = self.p.temp()
        self.p.line(f"{out} = {self.p.ref(UNKNOWN)} if {operand.name} is None else {operand.name}")
        return Var(out)

    def _Attribute(self, node: ast.Attribute) -> Operand:
        chain: list[str] = []
        base: ast.AST = node
        while isinstance(base, ast.Attribute):
            chain.append(base.attr)
            base = base.value
        value = self.compile(base)
        for part in reversed(chain):
            value = self._field(value, part)
        return value

    def _field(self, obj: Operand, name: str) -> Operand:
        """``get_field`` inline: mapping or attribute, missing is an error, None is unknown, Decimals exact."""
        if isinstance(obj, Const):
            return self._call(language.get_field, obj, Const(name))
        cse = ("field", obj.name, name)
        known = self.p.known(cse)
        if known is not None:
            return known
        p, o, out = self.p, obj.name, self.p.temp()
        attr, missing = p.ref(name), p.ref(_MISSING)
        kind = p.type_of(o)
        p.line(f"if {kind} in {p.ref(_OBJECTS)}: {out} = {p.ref(getattr)}({o}, {attr}, {missing})")
        p.line(f"elif {kind} in {p.ref(_MAPPINGS)}: {out} = {o}.get({attr}, {missing})")
        p.line(f"else: {out} = {p.ref(_read_field)}({o}, {attr})")
        p.line(f"if {out} is {missing}: raise {p.ref(no_field)}({o}, {attr})")
        p.line(f"if {out} is None: {out} = {p.ref(UNKNOWN)}")
        p.line(f"elif {p.ref(type)}({out}) not in {p.ref(_UNCHANGED)}: {out} = {p.ref(_number)}({out})")
        return p.remember(cse, Var(out))

    def _Subscript(self, node: ast.Subscript) -> Operand:
        target = self.compile(node.value)
        key = self.compile(node.slice)
        return self._call(_index, target, key)

    # operators -------------------------------------------------------------------------------
    def _BinOp(self, node: ast.BinOp) -> Operand:
        apply = _ARITH[type(node.op)]
        left, right = self.compile(node.left), self.compile(node.right)
        folded = self._fold(apply, left, right)
        if folded is not None:
            return folded
        symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}.get(type(node.op))
        if symbol is None:  # division: always exact, through the helper
            return self._call(apply, left, right)
        key = ("call", self.p.ref(apply), *self.p.key(left, right))
        known = self.p.known(key)
        if known is not None:
            return known
        p, out, a, b = self.p, self.p.temp(), self.p.use(left), self.p.use(right)
        if any(isinstance(o, Const) and type(o.value) is not int for o in (left, right)):  # never two whole numbers
            p.line(f"{out} = {p.ref(apply)}({a}, {b})")
            return p.remember(key, Var(out))
        tests = [f"{p.type_of(o.name)} is {p.ref(int)}" for o in (left, right) if isinstance(o, Var)]
        p.line(f"if {' and '.join(tests)}: {out} = {a} {symbol} {b}")
        p.line(f"else: {out} = {p.ref(apply)}({a}, {b})")
        return p.remember(key, Var(out))

    def _UnaryOp(self, node: ast.UnaryOp) -> Operand:
        operand = self.compile(node.operand)
        if isinstance(node.op, ast.Not):
            return self._negate(operand)
        if isinstance(node.op, ast.USub):
            subtract = _ARITH[ast.Sub]
            folded = self._fold(subtract, Const(0), operand)
            if folded is not None:
                return folded
            p, out, v = self.p, self.p.temp(), self.p.use(operand)
            p.line(f"if {p.ref(type)}({v}) is {p.ref(int)}: {out} = -{v}")
            p.line(f"else: {out} = {p.ref(subtract)}(0, {v})")
            return Var(out)
        return operand  # unary plus

    def _negate(self, operand: Operand) -> Operand:
        folded = self._fold(_not, operand)
        if folded is not None:
            return folded
        if isinstance(operand, Const):
            return self._call(_not, operand)
        key = ("call", self.p.ref(_not), operand.name)
        known = self.p.known(key)
        if known is not None:
            return known
        p, out, v = self.p, self.p.temp(), operand.name
        p.line(f"if {v} is True: {out} = False")
        p.line(f"elif {v} is False: {out} = True")
        p.line(f"else: {out} = {p.ref(_not)}({v})")
        return p.remember(key, Var(out))

    def _BoolOp(self, node: ast.BoolOp) -> Operand:
        dominant = isinstance(node.op, ast.Or)
        return self._kleene([partial(self.compile, v) for v in node.values], dominant)

    def _kleene(self, parts: Sequence[Callable[[], Operand]], dominant: bool) -> Operand:
        """Kleene and (dominant False) / or (dominant True): each part is generated where it would be evaluated —
        after the parts before it, only if none of them was the dominant value."""
        p = self.p
        out = p.temp()
        p.line(f"{out} = {not dominant}")
        opened = 0
        for make in parts:
            value = make()
            if isinstance(value, Const):
                checked = self._fold(truth, value)
                if checked is None:  # not a truth value: raises here, as truth() does
                    p.line(f"{p.ref(truth)}({p.use(value)})")
                    break
                if checked.value is dominant:
                    p.line(f"{out} = {dominant}")
                    break
                if checked.value is UNKNOWN:
                    p.line(f"{out} = {p.ref(UNKNOWN)}")
                continue
            v = value.name
            p.line(f"if {v} is {dominant}: {out} = {dominant}")
            p.line("else:")
            p.indent()
            opened += 1
            p.line(f"if {v} is {p.ref(UNKNOWN)}: {out} = {p.ref(UNKNOWN)}")
            p.line(f"elif {v} is not {not dominant}: {p.ref(truth)}({v})")
        for _ in range(opened):
            p.dedent()
        return Var(out)

    def _Compare(self, node: ast.Compare) -> Operand:
        last = len(node.ops) - 1
        operands = [self.compile(node.left)] + [
            self._members(c) if isinstance(node.ops[i], ast.In | ast.NotIn) and i == last else self.compile(c)
            for i, c in enumerate(node.comparators)
        ]
        if len(node.ops) == 1:
            return self._compare(node.ops[0], operands[0], operands[1])
        pairs = [partial(self._compare, op, operands[i], operands[i + 1]) for i, op in enumerate(node.ops)]
        return self._kleene(pairs, False)

    def _compare(self, op: ast.cmpop, left: Operand, right: Operand) -> Operand:
        apply = _COMPARE[type(op)]
        folded = self._fold(apply, left, right)
        if folded is not None:
            return folded
        key = ("call", self.p.ref(apply), *self.p.key(left, right))
        known = self.p.known(key)
        if known is not None:
            return known
        return self.p.remember(key, self._comparison(op, apply, left, right))

    def _comparison(self, op: ast.cmpop, apply: Callable[..., Any], left: Operand, right: Operand) -> Var:
        p, a, b, out = self.p, self.p.use(left), self.p.use(right), self.p.temp()
        if isinstance(left, Const) and isinstance(right, Const):  # it raised while folding: let the helper raise
            p.line(f"{out} = {p.ref(apply)}({a}, {b})")
            return Var(out)
        symbol = ""
        if isinstance(op, ast.Eq | ast.NotEq):
            guard = self._type_guard(left, right, lambda x, y: x in _PLAIN and y in _PLAIN, "in", _PLAIN)
            inline = f"{a} == {b}" if isinstance(op, ast.Eq) else f"{a} != {b}"
        elif isinstance(op, ast.In | ast.NotIn):
            guard = self._membership_guard(left, right)
            inline = f"{a} in {b}" if isinstance(op, ast.In) else f"{a} not in {b}"
        else:
            guard = self._type_guard(left, right, lambda x, y: (x, y) in _ORDERED, "pair", _ORDERED)
            symbol = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[type(op)]
            inline = f"{a} {symbol} {b}"
        ranged = self._range_point(op, left, right) if symbol else None
        if guard is None and ranged is None:
            p.line(f"{out} = {p.ref(apply)}({a}, {b})")
        elif guard == "":
            p.line(f"{out} = {inline}")
        else:
            test = "if"
            if guard is not None:
                p.line(f"if {guard}: {out} = {inline}")
                test = "elif"
            if ranged is not None:
                low, high = (f"{a}.lo {symbol} {b}", f"{a}.hi {symbol} {b}")
                with p.block(f"{test} {ranged}:"):  # _compare_bounds for a range and a number, inline
                    p.line(f"_x, _y = {low}, {high}")
                    p.line(f"{out} = True if _x and _y else {p.ref(UNKNOWN)} if _x or _y else False")
            p.line(f"else: {out} = {p.ref(apply)}({a}, {b})")
        return Var(out)

    def _range_point(self, op: ast.cmpop, left: Operand, right: Operand) -> str | None:
        """The run-time test under which ``left`` is a range and ``right`` a number (None: never), for an ordering."""
        p = self.p
        if isinstance(left, Const) or (isinstance(right, Const) and type(right.value) not in (int, Fraction)):
            return None
        if isinstance(right, Const):
            return f"{p.type_of(left.name)} is {p.ref(Range)}"
        return f"{p.type_of(left.name)} is {p.ref(Range)} and {p.type_of(right.name)} in {p.ref(_NUMBERS)}"

    def _type_guard(
        self, left: Operand, right: Operand, ok: Callable[[type, type], bool], how: str, allowed: frozenset[Any]
    ) -> str | None:
        """The run-time test under which the inline comparison is the helper's (None: never; "": always)."""
        p = self.p
        if how == "pair":
            if isinstance(right, Const):
                types = [t for t in (int, str, date, Fraction) if ok(t, type(right.value))]
                return f"{p.type_of(p.use(left))} in {p.ref(frozenset(types))}" if types else None
            if isinstance(left, Const):
                types = [t for t in (int, str, date, Fraction) if ok(type(left.value), t)]
                return f"{p.type_of(p.use(right))} in {p.ref(frozenset(types))}" if types else None
            return f"({p.type_of(p.use(left))}, {p.type_of(p.use(right))}) in {p.ref(allowed)}"
        tests = []
        for operand in (left, right):
            if isinstance(operand, Const):
                if type(operand.value) not in allowed:
                    return None
            else:
                tests.append(f"{p.type_of(operand.name)} in {p.ref(allowed)}")
        return " and ".join(tests)

    def _membership_guard(self, item: Operand, container: Operand) -> str | None:
        p = self.p
        tests = []
        if isinstance(item, Const):
            if type(item.value) not in _PLAIN:
                return None
        else:
            tests.append(f"{p.type_of(item.name)} in {p.ref(_PLAIN)}")
        if isinstance(container, Const):
            if type(container.value) not in _COLLECTIONS:
                return None
        else:
            tests.append(f"{p.type_of(container.name)} in {p.ref(_COLLECTIONS)}")
        return " and ".join(tests)

    def _IfExp(self, node: ast.IfExp) -> Operand:
        test = self.compile(node.test)
        if isinstance(test, Const):
            checked = self._fold(truth, test)
            if checked is not None and checked.value is not UNKNOWN:
                return self.compile(node.body if checked.value else node.orelse)
            if checked is not None:
                return Const(UNKNOWN)
        p, out = self.p, self.p.temp()
        t = p.assign(test)
        with p.block(f"if {t} is True:"):
            p.line(f"{out} = {p.use(self.compile(node.body))}")
        with p.block(f"elif {t} is False:"):
            p.line(f"{out} = {p.use(self.compile(node.orelse))}")
        with p.block("else:"):
            p.line(f"{p.ref(truth)}({t})")
            p.line(f"{out} = {p.ref(UNKNOWN)}")
        return Var(out)

    # calls -----------------------------------------------------------------------------------
    def _Call(self, node: ast.Call) -> Operand:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name in AGGREGATES:
            return self._aggregate(node, name)
        function = self.functions[name]
        if isinstance(function, Definition):
            return self._definition(node, function)
        args = [self.compile(arg) for arg in node.args]
        return self._function(function, args, node.args)

    def _function(self, function: Function, args: list[Operand], nodes: list[ast.expr]) -> Operand:
        p = self.p
        if function.strict and any(isinstance(a, Const) and a.value is UNKNOWN for a in args):
            return Const(UNKNOWN)
        foldable = function.pure and (not function.wants_env or (p.fold_env is not None and not self._shadowed()))
        foldable = foldable and not (p.traced and function.records)  # a trace holds each of its calls
        key = ("function", function.name, *p.key(*args))
        known = p.known(key) if foldable else None
        if known is not None:
            return known
        if foldable and all(isinstance(a, Const) for a in args):
            try:
                values = [a.value for a in args]  # type: ignore[union-attr]
                found = function.impl(p.fold_env, *values) if function.wants_env else function.impl(*values)
                return Const(found)
            except Exception:  # it raises again at run time, where the closures would
                pass
        out = p.temp()
        varying = [a.name for a in args if isinstance(a, Var)]
        unknown = " or ".join(f"{v} is {p.ref(UNKNOWN)}" for v in varying) if function.strict else ""
        # a pure function reads only what no scope here shadows (Signature.pure): it is given the evaluation's own
        # environment, so no scope needs to build one for it
        arguments = ([("env" if foldable else self.env)] if function.wants_env else []) + [p.use(a) for a in args]
        call = f"{p.ref(function.impl)}({', '.join(arguments)})"
        if unknown:
            p.line(f"if {unknown}: {out} = {p.ref(UNKNOWN)}")
            p.line("else:")
            p.indent()
        if foldable and varying and function.wants_env:  # a builtin is cheaper to call than to look up
            self._memoised(out, call, function.name, args, nodes)
        else:
            self._guarded_call(out, call, function.name)
        if unknown:
            p.dedent()
        return p.remember(key, Var(out)) if foldable else Var(out)

    def _guarded_call(self, out: str, call: str, name: str) -> None:
        p = self.p
        with p.block("try:"):
            p.line(f"{out} = {call}")
        with p.block(f"except {p.ref(CALL_ERRORS)} as _e:"):
            p.line(f"raise {p.ref(call_failed)}({p.ref(name)}, _e) from _e")

    def _memoised(self, out: str, call: str, name: str, args: list[Operand], nodes: list[ast.expr]) -> None:
        """The call's answer remembered by its arguments, each with its type (so that ``True`` is not ``1``); a list
        literal by its items. An argument that cannot be a key (a list held in a name) means no memo."""
        p = self.p
        memo, key, no = p.ref({}), p.temp(), p.ref(_NO_VALUE)
        kind = p.ref(type)
        parts = []
        for arg in args:
            if not isinstance(arg, Var):
                continue
            items = p.list_items.get(arg.name)
            if items is None:
                parts.append(f"{kind}({arg.name}), {arg.name}")
            else:
                parts.append(f"{p.ref(list)}, ({''.join(f'{kind}({i}), {i}, ' for i in items)})")
        with p.block("try:"):
            p.line(f"{key} = ({', '.join(parts)},)")
            p.line(f"{out} = {memo}.get({key}, {no})")
        with p.block(f"except {p.ref(TypeError)}:"):
            p.line(f"{key} = {out} = {no}")
        with p.block(f"if {out} is {no}:"):
            self._guarded_call(out, call, name)
            p.line(f"if {key} is not {no}: {memo}[{key}] = {out}")

    def _definition(self, node: ast.Call, definition: Definition) -> Operand:
        args = [self.compile(arg) for arg in node.args]
        names = {param: self.p.assign(arg) for param, arg in zip(definition.params, args, strict=True)}
        outer = (self.source, self.bound)
        self.source, body = language._parse(definition.source)
        self.bound = list(definition.params)
        self._enter(names)
        try:
            return self.compile(body)
        finally:
            self.scopes.pop()
            self.source, self.bound = outer

    def _enter(self, names: dict[str, str]) -> None:
        """Open a scope binding ``names`` (its environment object is made only if a function asks for it)."""
        self.p.lines.append("")
        self.scopes.append(_Scope(names, len(self.p.lines) - 1, "    " * self.p.depth))

    def _aggregate(self, node: ast.Call, name: str) -> Operand:
        reduce = AGGREGATES[name]
        if len(node.args) == 1:
            only = node.args[0]
            if isinstance(only, ast.GeneratorExp):
                return self._generator(only, reduce)
            if not isinstance(only, ast.Tuple | ast.List):
                return self._over(self.compile(only), reduce)
            elements = list(only.elts)
        else:
            elements = list(node.args)
        p, gen, out = self.p, self.p.temp(), self.p.temp()
        with p.block(f"def {gen}():"):  # lazy, as the closures' generator: all() stops at the first False
            for element in elements:
                p.line(f"yield {p.use(self.compile(element))}")
            p.line("yield from ()")  # a generator even with no elements
        p.line(f"{out} = {p.ref(reduce)}({gen}())")
        return Var(out)

    def _over(self, values: Operand, reduce: Callable[..., Any]) -> Operand:
        p, out = self.p, self.p.temp()
        if isinstance(values, Const) and values.value is UNKNOWN:
            return Const(UNKNOWN)
        v = p.assign(values)
        p.line(f"if {v} is {p.ref(UNKNOWN)}: {out} = {p.ref(UNKNOWN)}")
        p.line(f"else: {out} = {p.ref(reduce)}({p.ref(_iterate)}({v}))")
        return Var(out)

    def _kleene_loop(self, node: ast.GeneratorExp, var: str, values: str, item: str, out: str, dominant: bool) -> None:
        """``all``/``any`` over a generator as a loop: ``kleene_and``/``kleene_or`` of the generator the closures
        build — an undecidable filter gives UNKNOWN, the dominant value stops the loop, anything not a truth value
        raises where ``truth`` would."""
        p = self.p
        clause = node.generators[0]
        p.line(f"{out} = {not dominant}")
        listed = p.temp()  # a tuple or list is iterated as it is; anything else goes through _iterate's checks
        p.line(f"{listed} = {values} if {p.type_of(values)} in {p.ref(_SEQUENCES)} else {p.ref(_iterate)}({values})")
        with p.block(f"for {item} in {listed}:"):
            self.bound.append(var)
            self._enter({var: item})
            try:
                keep = self._kleene([partial(self.compile, c) for c in clause.ifs], False)
                got = p.temp()
                assert isinstance(keep, Var)
                p.line(f"if {keep.name} is {p.ref(UNKNOWN)}: {got} = {p.ref(UNKNOWN)}")
                with p.block(f"elif {keep.name}:"):
                    p.line(f"{got} = {p.use(self.compile(node.elt))}")
                p.line("else: continue")
                with p.block(f"if {got} is {dominant}:"):
                    p.line(f"{out} = {dominant}")
                    p.line("break")
                p.line(f"if {got} is {p.ref(UNKNOWN)}: {out} = {p.ref(UNKNOWN)}")
                p.line(f"elif {got} is not {not dominant}: {p.ref(truth)}({got})")
            finally:
                self.scopes.pop()
                self.bound.pop()

    def _generator(self, node: ast.GeneratorExp, reduce: Callable[..., Any]) -> Operand:
        clause = node.generators[0]
        assert isinstance(clause.target, ast.Name)
        var = clause.target.id
        values = self.compile(clause.iter)
        if isinstance(values, Const) and values.value is UNKNOWN:
            return Const(UNKNOWN)
        p, gen, out, item = self.p, self.p.temp(), self.p.temp(), self.p.temp()
        v = p.assign(values)
        with p.block(f"if {v} is {p.ref(UNKNOWN)}:"):
            p.line(f"{out} = {p.ref(UNKNOWN)}")
        if reduce is AGGREGATES["all"] or reduce is AGGREGATES["any"]:
            with p.block("else:"):
                self._kleene_loop(node, var, v, item, out, reduce is AGGREGATES["any"])
            return Var(out)
        with p.block("else:"):
            with p.block(f"def {gen}():"), p.block(f"for {item} in {p.ref(_iterate)}({v}):"):
                self.bound.append(var)
                self._enter({var: item})
                try:
                    keep = self._kleene([partial(self.compile, c) for c in clause.ifs], False)
                    p.line(f"if {keep.name} is {p.ref(UNKNOWN)}: yield {p.ref(UNKNOWN)}")  # type: ignore[union-attr]
                    with p.block(f"elif {keep.name}:"):  # type: ignore[union-attr]
                        p.line(f"yield {p.use(self.compile(node.elt))}")
                finally:
                    self.scopes.pop()
                    self.bound.pop()
            p.line(f"{out} = {p.ref(reduce)}({gen}())")
        return Var(out)


def condition(program: Program, compiled: Compiled) -> Operand:
    """The statements computing ``compiled`` as a condition: a constant True, False or UNKNOWN if known while
    generating, else a local whose value the caller tests for True, False and UNKNOWN in that order, calling
    :func:`check_truth` where it is none of those (the closures' ``truth`` raises at that point)."""
    value = ExpressionWriter(program, compiled).value()
    if isinstance(value, Const) and (value.value is True or value.value is False or value.value is UNKNOWN):
        return value
    return Var(program.assign(value))


def check_truth(program: Program, local: Var, *ruled_out: Any) -> None:
    """Raise as ``truth`` does unless the local holds one of the values not yet ruled out (True, False, UNKNOWN)."""
    left = [v for v in (True, False, UNKNOWN) if not any(v is r for r in ruled_out)]
    test = " and ".join(f"{local.name} is not {program.ref(v) if v is UNKNOWN else v}" for v in left)
    program.line(f"if {test}: {program.ref(truth)}({local.name})")


def value_of(program: Program, compiled: Compiled) -> Operand:
    """The statements computing ``compiled``; where its value is."""
    return ExpressionWriter(program, compiled).value()


def expression_function(
    compiled: Compiled,
    env_names: frozenset[str] = frozenset(),
    constants: Mapping[str, Any] | None = None,
    fold_env: Mapping[str, Any] | None = None,
    traced: bool = False,
) -> Callable[[Mapping[str, Any]], Any]:
    """One expression as a generated function of the environment: ``fn(env)`` gives what ``compiled(env)`` gives —
    with ``traced``, also records what it records, in the same order (see :class:`Program`)."""
    program = Program(env_names, dict(constants or {}), fold_env, traced=traced)
    program.hoist(set(compiled.reads.names))
    program.line(f"return {program.use(value_of(program, compiled))}")
    made: Callable[[Mapping[str, Any]], Any] = program.build("run", "env", f"<expression {compiled.source[:40]!r}>")
    return made


__all__ = [
    "CodegenError",
    "Const",
    "EvaluationError",
    "Operand",
    "Program",
    "Var",
    "check_truth",
    "condition",
    "expression_function",
    "value_of",
]
