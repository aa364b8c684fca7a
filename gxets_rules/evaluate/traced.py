"""The expressions result building runs again for their trace, as generated code (issue 18).

A lot is decided on the fast path without recording; its result then runs again, with a recorder, the ``let`` names
of the rules that applied and each criterion that can record (``evaluate/result.py``). Through the closures that
second pass was most of result building. Here each such expression is generated once per rule set as a plain
Python function in traced mode (:class:`~gxets_rules.ruleset.codegen.Program` ``traced``): it makes every call and
reads every field the closures would, in their order and as often — no folding of recording calls, nothing computed
once for two uses — so what it records is what the closures record. An expression whose code cannot be generated
runs through its closures. ``tests/test_trace_reruns.py`` builds every example's result both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gxets_rules.ruleset.codegen import CodegenError, expression_function
from gxets_rules.ruleset.compiled import RuleSet
from gxets_rules.ruleset.expr import Compiled

Runner = Callable[[dict[str, Any]], Any]

_CACHE_KEY = "traced"


def traced_runner(ruleset: RuleSet, compiled: Compiled) -> Runner:
    """What runs ``compiled`` while a trace is recorded: its generated code, made once per rule set (the traced code
    folds nothing, so it does not depend on the fiscal year), or the closures if none can be generated."""
    made: dict[int, tuple[Compiled, Runner]] = ruleset.generated.setdefault(_CACHE_KEY, {})  # holds each key alive
    found = made.get(id(compiled))
    if found is None:
        try:
            runner: Runner = expression_function(compiled, traced=True)
        except CodegenError:
            runner = compiled
        found = made[id(compiled)] = (compiled, runner)
    return found[1]
