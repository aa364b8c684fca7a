"""The firm pre-check as the server runs it: the uploaded files of one request, through the CLI's own pipeline, into
the result, its reports and the problems of a refused input — all in memory, for one response.

The server compiles the bundled rule sets once and checks against those only: a submission cannot make the server
read a rule-set folder of its choosing (``ruleset: /some/path``), and a thousand pre-checks share one compilation.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from gxets_rules.app.pipeline import CheckRequest, SharedInputs, run_evaluation
from gxets_rules.app.web.uploads import confine_lots_csv
from gxets_rules.evaluate.result import build_result
from gxets_rules.evaluate.rulesets import load_ruleset
from gxets_rules.io.ownership_reader import LoadedOwnership
from gxets_rules.io.writers import result_bytes
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.model.result import Result
from gxets_rules.render.reports import REPORTS
from gxets_rules.render.view import ReportView
from gxets_rules.resources import bundled_rulesets, rules_root
from gxets_rules.ruleset.compiled import RuleSet

MEDIA_TYPES = {
    ".json": "application/json",
    ".html": "text/html",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def compile_bundled() -> dict[str, RuleSet]:
    """Every bundled rule set by id, compiled (from the package's own folder, never the working directory)."""
    return {ref: load_ruleset(rules_root() / ref) for ref in bundled_rulesets()}


class BundledInputs(SharedInputs):
    """Shared inputs for submissions uploaded into ``root``: the server's compiled bundled rule sets only, and an
    ownership graph only from inside ``root`` — a submission (YAML or workbook) naming any other file is refused."""

    def __init__(self, rulesets: Mapping[str, RuleSet], max_bytes: int, max_rows: int, root: Path) -> None:
        super().__init__(max_bytes, max_rows)
        self.rulesets = rulesets
        self.root = root.resolve()

    def ruleset(self, ref: str) -> RuleSet:
        found = self.rulesets.get(ref)
        if found is None:
            known = ", ".join(self.rulesets)
            raise InputError([Problem(Location(ref), f"no rule set {ref!r} on this server (it has {known})")])
        return found

    def ownership(self, path: Path) -> LoadedOwnership:
        target = path.resolve()
        if not target.is_relative_to(self.root) or not target.is_file():
            problem = f"ownership: {path.name!r} is not among the files uploaded with the submission"
            raise InputError([Problem(Location(path.name), problem)])
        return super().ownership(path)


UPLOAD_FOLDERS = ("submission", "ownership", "market")
"""A pre-check's temporary folder holds one folder per field, so no uploaded name can collide with another."""


@dataclass(frozen=True)
class Upload:
    """The files of one pre-check under ``root``: the submission (and beside it its lots CSV), and the ownership graph
    and market snapshot given in their own fields."""

    root: Path
    submission: Path
    ownership: Path | None = None
    market: Path | None = None


@dataclass(frozen=True)
class Download:
    """A file of the answer, carried in the page itself (a data: URL), since the server keeps nothing."""

    name: str
    href: str


@dataclass(frozen=True)
class Checked:
    """What the result page shows: the typed result, its downloads and the reading's notes."""

    result: Result
    downloads: tuple[Download, ...]
    warnings: tuple[str, ...]


def data_url(name: str, data: bytes) -> Download:
    media = MEDIA_TYPES[Path(name).suffix]
    return Download(name, f"data:{media};base64,{base64.b64encode(data).decode('ascii')}")


def precheck(upload: Upload, inputs: BundledInputs, lang: str, today: date) -> Checked:
    """Check the uploaded submission as ``gxets check --report html,xlsx`` would; an input error names its places."""
    confine_lots_csv(upload.submission, upload.submission.parent, inputs.max_bytes)
    request = CheckRequest(
        upload.submission, None, None, inputs.max_bytes, upload.ownership, upload.market, inputs.max_rows
    )
    evaluation = run_evaluation(request, today, inputs)
    result = build_result(evaluation)
    downloads = [data_url("result.json", result_bytes(result))]
    view = ReportView(result, lang)  # both reports share it: the evidence is worded once
    downloads += [data_url(name, b"".join(render(view))) for name, render in (REPORTS["xlsx"], REPORTS["html"])]
    warnings = tuple(
        shown(problem, upload.root, lang).text
        for problem in evaluation.loaded.warnings
        if not problem.code.startswith("note.")  # notes are in the result (intake) and its reports
    )
    return Checked(result, tuple(downloads), warnings)


@dataclass(frozen=True)
class ShownProblem:
    """A problem as the page lists it: the file as uploaded, the place in it (cell or line), the message."""

    file: str
    place: str
    message: str

    @property
    def text(self) -> str:
        return f"{self.file}: {self.place}: {self.message}" if self.place else f"{self.file}: {self.message}"


def shown(problem: Problem, root: Path, lang: str) -> ShownProblem:
    """The problem in the page's language (its field named by its heading), without the server's temporary folder in
    it (a file is named as the user named it)."""
    prefixes = [str(base / sub) for base in (root.resolve(), root) for sub in UPLOAD_FOLDERS]
    prefixes += [str(root.resolve()), str(root)]

    def local(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix + "/", "").replace(prefix, "")
        return text

    where = problem.location
    place = where.cell or (f"{where.line}:{where.column}" if where.column else str(where.line or ""))
    field = problem.where(lang)
    named = f"{field}: " if field else ""
    return ShownProblem(local(where.file) or "-", place, local(named + problem.text(lang)))
