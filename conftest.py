"""Collect the rule sets' YAML test cases (rules/<id>/tests/*.yaml) as pytest items."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from gxets_rules.app.cases import CollectedCase, read_cases, run_case
from gxets_rules.evaluate.rulesets import load_ruleset
from gxets_rules.ruleset.compiled import RuleSet


@cache
def _ruleset(folder: Path) -> RuleSet:
    return load_ruleset(folder)


class RuleCaseFile(pytest.File):
    def collect(self) -> Any:
        for case in read_cases(self.path):
            yield RuleCaseItem.from_parent(self, name=case.id, case=CollectedCase(self.path, case))


class RuleCaseItem(pytest.Item):
    def __init__(self, *, case: CollectedCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        errors = run_case(_ruleset(self.path.parent.parent), self.case)
        if errors:
            raise RuleCaseError(errors)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, RuleCaseError):
            return f"{self.case.case.title}\n" + "\n".join(f"  {e}" for e in excinfo.value.errors)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"rule case {self.case.case.id}"


class RuleCaseError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.File | None:
    if (
        file_path.suffix == ".yaml"
        and file_path.parent.name == "tests"
        and (file_path.parent.parent / "ruleset.yaml").is_file()
    ):
        return RuleCaseFile.from_parent(parent, path=file_path)
    return None
