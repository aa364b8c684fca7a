"""The signatures of the functions a rule may call that read the evaluation (parameters, code lists, inputs, lots).

The rule language owns its vocabulary: the loader and the linter need each function's name, arity and whether its
first argument names a parameter or a code list, but not how it is computed. The engine implements them
(``evaluate/stdlib``) and hands the implementations to the loader, so the language never imports the engine (OPA's
``ast`` / ``topdown`` split). :func:`bind` joins the two and refuses a mismatch: a declared function nobody
implements, an implementation nobody declared, or one name implemented twice (before, a second registration silently
replaced the first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gxets_rules.ruleset.expr import Function


@dataclass(frozen=True)
class Signature:
    """A function's name, arity and how the linter reads its first argument; the doc line says what it returns."""

    name: str
    min_args: int
    max_args: int
    doc: str
    strict: bool = True  # UNKNOWN in any argument gives UNKNOWN without calling it
    static_kind: str | None = None  # "param" or "codelist": the first argument names one
    # Pure: the answer depends only on the arguments, the rule set and the fiscal year being evaluated (from the
    # environment it reads only `fy` and the evaluation context), and nothing but a parameter read is recorded — so the
    # fast path may make a call with constant arguments once per rule set and year, and remember the answers of the
    # others by their arguments (codegen.py).
    pure: bool = False
    # Records: the implementation records what it read into the trace (a parameter read, an input read, evidence), or
    # returns something that records when a field of it is read. An expression calling none of these cannot add to a
    # trace, so the result builder need not run it again to find what it read (evaluate/result.py).
    records: bool = False


SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "param",
        1,
        2,
        "param(name[, fy]): a dated parameter at the evaluation's fiscal year, or at fy",
        static_kind="param",
        pure=True,
        records=True,
    ),
    Signature(
        "lookup",
        3,
        3,
        "lookup(codelist, key, field): a field of a code-list entry; unknown if not listed",
        static_kind="codelist",
        pure=True,
    ),
    Signature(
        "listed", 2, 2, "listed(codelist, key): whether the key is on the code list", static_kind="codelist", pure=True
    ),
    Signature(
        "matched_codes",
        2,
        2,
        "matched_codes(codelist, key): the codes a registry's string names, as the list writes them",
        static_kind="codelist",
    ),
    Signature(
        "table",
        4,
        4,
        "table(codelist, table, key, field): a field of a row in one of a code list's tables",
        static_kind="codelist",
        pure=True,
    ),
    Signature(
        "member_on",
        3,
        3,
        "member_on(codelist, key, date): on a dated list at that date (unknown inside a window)",
        static_kind="codelist",
        pure=True,
    ),
    Signature(
        "fiscal_year", 1, 1, "fiscal_year(date): the Japanese fiscal year (April–March) a date falls in", pure=True
    ),
    Signature(
        "fy_date", 3, 3, "fy_date(fy, month, day): that day in fiscal year fy (January–March fall in fy + 1)", pure=True
    ),
    Signature(
        "last_business_day",
        2,
        2,
        "last_business_day(deadline, lead): the last business day from which lead business days still end by deadline",
        pure=True,
    ),
    Signature("eligible_t", 1, 1, "eligible_t(statuses): tonnes of eligible lots in those statuses (position only)"),
    Signature(
        "actual",
        2,
        3,
        "actual(scope, fy[, entity]): verified emissions of a scope in a fiscal year (t-CO2)",
        records=True,
    ),
    Signature("assurance", 2, 3, "assurance(scope, fy[, entity]): assurance level of that actual", records=True),
    Signature("input", 1, 1, "input(path): a submission field by dotted path, recorded in the trace", records=True),
    Signature("serial_overlaps", 1, 1, "serial_overlaps(lot): ids of other lots listing an overlapping serial range"),
    Signature(
        "involvement",
        6,
        6,
        "involvement(lot, until, same_day_counts, control_share, joint_share, joint_ventures_count): participants "
        "etc.' stake",
        records=True,
    ),
    Signature("project_fact", 2, 2, "project_fact(lot, name): a fact from the ownership file about the lot's project"),
)

Implementation = Callable[..., Any]


def bind(*families: Mapping[str, Implementation]) -> dict[str, Function]:
    """Every declared function with its implementation, taken from the engine's families of implementations."""
    implementations: dict[str, Implementation] = {}
    for family in families:
        for name, impl in family.items():
            if name in implementations:
                raise ValueError(f"rule-language function {name!r} is implemented twice")
            implementations[name] = impl
    declared = {signature.name for signature in SIGNATURES}
    undeclared = sorted(set(implementations) - declared)
    missing = sorted(declared - set(implementations))
    if undeclared or missing:
        raise ValueError(f"rule-language functions: undeclared {undeclared}, unimplemented {missing}")
    return {
        s.name: Function(
            s.name,
            implementations[s.name],
            s.min_args,
            s.max_args,
            strict=s.strict,
            wants_env=True,
            static_kind=s.static_kind,
            doc=s.doc,
            pure=s.pure,
            records=s.records,
        )
        for s in SIGNATURES
    }
