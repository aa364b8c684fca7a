"""Parameter reads as a purchase plan cites them: each read once, with its exact value and citation."""

from __future__ import annotations

from collections.abc import Iterable

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


def unique_params(reads: Iterable[ParamRead]) -> list[ParamUse]:
    """Each parameter read once, in name order, as the plan cites it."""
    seen: dict[tuple[str, int], ParamRead] = {}
    for read in reads:
        seen.setdefault((read.name, read.fy), read)
    return [param_use(read) for _, read in sorted(seen.items())]
