"""Validated inputs as the engine receives them: the model, where its parts came from, and each file's hash.

They live with the models (not with the readers that make them) because evaluation takes them as its input: the
engine must not import the readers. Where a value sits in its file is asked through :class:`Locator`, which both a
YAML document and a workbook satisfy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from gxets_rules.model.market import MarketSnapshot
from gxets_rules.model.problems import Location, Problem
from gxets_rules.model.submission import Submission

DataPath = tuple[str | int, ...]


class Locator(Protocol):
    """Parsed data that can say where a value sits in its file (a YAML line and column, or a workbook cell)."""

    def location_of(self, path: DataPath) -> Location: ...


@dataclass(frozen=True)
class LoadedSubmission:
    """A validated submission with where each lot came from and the hash of each file."""

    submission: Submission
    path: Path
    document: Locator
    lot_locations: tuple[Location, ...]
    input_hashes: dict[str, str] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()  # what a reviewer should know but that does not stop the check (xlsx intake)

    def locate(self, path: DataPath) -> Location:
        """Where a submission field is in the file (the nearest located ancestor)."""
        return self.document.location_of(path)

    @property
    def base_dir(self) -> Path:
        return self.path.parent


@dataclass(frozen=True)
class LoadedMarket:
    """A validated snapshot and its file's name and hash."""

    snapshot: MarketSnapshot
    name: str
    sha256: str
