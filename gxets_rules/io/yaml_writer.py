"""Write a model as YAML that the strict reader reads back to the same model.

No anchors or aliases, no tags (the strict reader refuses both), keys in the model's field order, exact decimals as
plain numbers (``0.35``, never a float's ``0.35000000000000003``), dates as ``YYYY-MM-DD``, Japanese text as itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_Dumper.add_representer(Decimal, _decimal)


def yaml_text(data: dict[str, Any], heading: str = "") -> str:
    """YAML text of plain data (a dumped model), with an optional comment line on top."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=120)
    return (f"# {heading}\n" if heading else "") + body
