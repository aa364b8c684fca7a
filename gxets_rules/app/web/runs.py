"""The batch reviews this server keeps (``DATA/runs/<run>/``) and the ledger they record in, as the review pages
read them: a run named in a path (never a path from the request), its summary, its record, its firms' results."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from gxets_rules.app.review.ledger import Ledger
from gxets_rules.app.web.config import WebConfig
from gxets_rules.app.web.jobs import REVIEW, RUN_FILE
from gxets_rules.model.desk import Decision

RUN_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")


def run_folder(request: Request) -> Path:
    """The run named in the path, if it is a finished run of this server (404 otherwise)."""
    config: WebConfig = request.app.state.config
    run = request.path_params["run"]
    folder = config.runs / run
    if not RUN_ID.fullmatch(run) or not (folder / REVIEW / "summary.json").is_file():
        raise HTTPException(404)
    return folder


def read_summary(folder: Path) -> dict[str, Any]:
    return json.loads((folder / REVIEW / "summary.json").read_text(encoding="utf-8"))


def run_record(folder: Path) -> dict[str, Any]:
    path = folder / RUN_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


@contextmanager
def ledger_of(config: WebConfig) -> Iterator[Ledger | None]:
    """The server's ledger, open, if a review has made it (reading never creates one)."""
    if not config.ledger.is_file():
        yield None
        return
    with Ledger(config.ledger) as book:
        yield book


def latest_decisions(config: WebConfig, round_name: str | None) -> dict[str, Decision]:
    """Each firm's latest decision up to the round, read from the ledger now (a summary's are as of its writing)."""
    with ledger_of(config) as book:
        return book.latest_decisions(round_name) if book is not None and round_name else {}


def firm_result(folder: Path, index: int) -> Path:
    """The result file of the run's index-th firm, as the summary names it, if it lies inside the run's outputs."""
    firms = read_summary(folder)["firms"]
    if not 0 <= index < len(firms):
        raise HTTPException(404)
    out = (folder / REVIEW).resolve()
    path = (out / firms[index]["result"]).resolve()
    if not path.is_relative_to(out) or not path.is_file():
        raise HTTPException(404)
    return path
