"""A firm of a review run (login required): the desk above its report — its status and latest decision, the form
that records a decision in the ledger (as ``gxets decide``, the reviewer being the logged-in user), every decision on
it and its changes since the round its submission replaces — and its result for download."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from gxets_rules.app.review.ledger import Ledger
from gxets_rules.app.review.pages import changes_since
from gxets_rules.app.web.auth import login_required, signed_in
from gxets_rules.app.web.checking import shown
from gxets_rules.app.web.config import WebConfig
from gxets_rules.app.web.pages import language, page
from gxets_rules.app.web.runs import firm_result, ledger_of, read_summary, run_folder
from gxets_rules.app.web.security import require_csrf
from gxets_rules.io.result_reader import load_result
from gxets_rules.model.desk import DECISIONS
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.model.review import FirmRow
from gxets_rules.render.firm_page import FirmPage, FirmPageView
from gxets_rules.render.html import report_context

MAX_NOTE = 4_000


def firm_desk(config: WebConfig, row: dict[str, Any], round_name: str | None, lang: str) -> FirmPageView | None:
    """The desk's view of a firm in the run's round: its decisions and changes since the round it replaces."""
    with ledger_of(config) as book:
        if book is None or round_name is None:
            return None
        diff, unavailable = changes_since(book, book.submission_in(row["firm_id"], round_name))
        decisions = book.decisions(firm_id=row["firm_id"])
    firm = FirmRow.model_validate_json(json.dumps(row))
    return FirmPageView(FirmPage(firm, round_name, decisions, diff, unavailable), lang)


def firm_response(request: Request, problems: tuple[Any, ...] = (), status: int = 200) -> Response:
    """A firm of a run: its report, with the desk (decisions, changes, the decision form) above it."""
    config: WebConfig = request.app.state.config
    folder = run_folder(request)
    index = request.path_params["index"]
    path = firm_result(folder, index)
    summary = read_summary(folder)
    row, round_name = summary["firms"][index], summary["round"]
    lang = language(request)
    try:
        result = load_result(path)
        desk = firm_desk(config, row, round_name, lang)
    except InputError as exc:
        shown_problems = [shown(problem, folder, lang) for problem in exc.problems]
        return page(request, "error.html.j2", 500, status=500, problems=shown_problems)
    return page(
        request,
        "firm.html.j2",
        status,
        lang,
        run=folder.name,
        index=index,
        round=round_name,
        desk=desk,
        kinds=DECISIONS,
        lots=[lot.id for lot in result.lots],
        problems=problems,
        **report_context(result, lang, "review"),
    )


@login_required
async def firm_page(request: Request) -> Response:
    return firm_response(request)


@login_required
async def decide(request: Request) -> Response:
    """Record the reviewer's decision on the firm's submission of the run's round, in the ledger (as gxets decide)."""
    config: WebConfig = request.app.state.config
    async with request.form(max_files=0, max_fields=10) as form:
        require_csrf(request, form)
        fields = {key: str(form.get(key) or "").strip() for key in ("decision", "note", "lot", "deadline")}
    folder = run_folder(request)
    index = request.path_params["index"]
    firm_result(folder, index)  # 404 for a firm the run does not have
    summary = read_summary(folder)
    firm_id, round_name = summary["firms"][index]["firm_id"], summary["round"]
    problems = _decision_problems(fields, round_name)
    if not problems:
        try:
            with Ledger(config.ledger) as book:
                book.decide(
                    firm_id,
                    round_name,
                    fields["decision"],
                    signed_in(request) or "",
                    fields["note"],
                    fields["lot"] or None,
                    date.fromisoformat(fields["deadline"]) if fields["deadline"] else None,
                )
        except InputError as exc:
            problems = list(exc.problems)
    if problems:
        lang = language(request)
        return firm_response(request, tuple(shown(problem, folder, lang) for problem in problems), 422)
    return RedirectResponse(f"/review/runs/{folder.name}/firms/{index}#desk", status_code=303)


def _decision_problems(fields: dict[str, str], round_name: str | None) -> list[Problem]:
    """What is wrong with a decision form before the ledger sees it."""
    problems = []
    if round_name is None:
        problems.append(Problem(Location("-"), "this run was recorded in no round"))
    if fields["decision"] not in DECISIONS:
        problems.append(Problem(Location("decision"), f"choose one of {', '.join(DECISIONS)}"))
    if len(fields["note"]) > MAX_NOTE:
        problems.append(Problem(Location("note"), f"a note has at most {MAX_NOTE:,} characters"))
    if fields["deadline"]:
        try:
            date.fromisoformat(fields["deadline"])
        except ValueError:
            problems.append(Problem(Location("deadline"), "a date as YYYY-MM-DD"))
    return problems


@login_required
async def firm_download(request: Request) -> Response:
    folder = run_folder(request)
    path = firm_result(folder, request.path_params["index"])
    return FileResponse(path, media_type="application/json", filename=f"{path.parent.name}-result.json")


ROUTES = [
    Route("/review/runs/{run}/firms/{index:int}", firm_page, methods=["GET"]),
    Route("/review/runs/{run}/firms/{index:int}/result.json", firm_download, methods=["GET"]),
    Route("/review/runs/{run}/firms/{index:int}/decide", decide, methods=["POST"]),
]
