"""Turn what evaluation recorded into what a result shows: exact values as JSON, parameter reads with citations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gxets_rules.model.base import ParamUse
from gxets_rules.ruleset.params import ParamRead
from gxets_rules.ruleset.values import jsonable


def param_use(read: ParamRead) -> ParamUse:
    return ParamUse(
        name=read.name,
        fy=read.fy,
        value=jsonable(read.value),
        source=str(read.source) if read.source else None,
        interpretations=list(read.interpretations),
    )


def unique_params(reads: Iterable[ParamRead], made: dict[int, ParamUse] | None = None) -> list[ParamUse]:
    """Each parameter read once, in name order, as the result cites it.

    ``made`` keeps the citations already made for the same read objects (the parameter table hands out one object
    per name and year), so a result with thousands of criteria makes each citation once.
    """
    seen: dict[tuple[str, int], ParamRead] = {}
    for read in reads:
        seen.setdefault((read.name, read.fy), read)
    if made is None:
        return [param_use(read) for _, read in sorted(seen.items())]
    uses = []
    for _, read in sorted(seen.items()):
        use = made.get(id(read))
        if use is None:
            use = made[id(read)] = param_use(read)
        uses.append(use)
    return uses


def result_field(tree: Any, dotted: str, default: Any = None) -> Any:
    """The value at a dotted path of a result (``position.direct.shortfall_t``), or ``default`` where there is none."""
    node = tree
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node
