"""The secretariat's pages (login required): ``/review`` (batch upload and the runs so far), the progress of a run,
a run's summary with its firm table, a firm's report, and the run's files for download.

The firm table is rendered whole by the server, filtered and sorted by the query (``?q=…&status=…&sort=…&dir=…``),
so the page works without script; ``static/table.js`` then filters, searches and sorts the same rows in the browser
as one types, without reloading. Downloads are named by a fixed list and a row number, never by a path from the
request, so no request can reach outside the run's folder.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from gxets_rules.app.review.ledger import Ledger
from gxets_rules.app.review.pages import changes_since
from gxets_rules.app.web.auth import login_required, signed_in
from gxets_rules.app.web.checking import shown
from gxets_rules.app.web.config import WebConfig
from gxets_rules.app.web.jobs import REVIEW, RUN_FILE, SUBMISSIONS, BatchUpload, ReviewJobs, new_run_id, runs_of
from gxets_rules.app.web.pages import language, page
from gxets_rules.app.web.security import require_csrf
from gxets_rules.app.web.uploads import extract_batch, given, safe_name, save
from gxets_rules.io.result_reader import load_result
from gxets_rules.model.desk import DECISIONS, Decision, japan_time
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.model.review import FirmRow
from gxets_rules.render.catalogue import Text
from gxets_rules.render.firm_page import FirmPage, FirmPageView
from gxets_rules.render.html import report_context
from gxets_rules.render.review_view import DECISION_TONES, ReviewView

RUN_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")
SUMMARY_FILES = {
    "summary.json": "application/json",
    "summary.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "summary.html": "text/html",
}
SORT_KEYS = (
    "firm_id",
    "firm_name",
    "status",
    "decision",
    "need_t",
    "offsets_to_buy_t",
    "lots",
    "ineligible_lots",
    "needs_review_lots",
    "issues",
    "double_claims",
)
NUMERIC = frozenset(SORT_KEYS[4:])
SIDE_INPUTS = {"ownership": ".yaml", "market": ".yaml", "cancellations": ".csv"}
"""The batch's shared inputs: an ownership graph, a market snapshot, the registry's cancellation records (CSV)."""
UNDECIDED = "none"
MAX_NOTE = 4_000


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


def firm_rows(summary: dict[str, Any], t: Text, decisions: dict[str, Decision]) -> list[dict[str, Any]]:
    """The firm table's rows: what the summary holds of each firm, how many double claims it is party to, and its
    latest decision."""
    parties: Counter[str] = Counter()
    for claim in summary["double_claims"]:
        parties.update({claim["first"]["firm_id"], claim["second"]["firm_id"]})
    return [
        {
            **_decision_cells(decisions.get(row["firm_id"]), t),
            "index": index,
            "firm_id": row["firm_id"],
            "firm_name": row["firm_name"],
            "status": row["status"] or "",
            "status_label": t.localized(row["status_label"]) or row["status"] or "–",
            "need_t": row["need_t"],
            "offsets_to_buy_t": row["offsets_to_buy_t"],
            "lots": row["lots"],
            "ineligible_lots": row["ineligible_lots"],
            "needs_review_lots": row["needs_review_lots"],
            "issues": row["issues"],
            "double_claims": parties[row["firm_id"]],
        }
        for index, row in enumerate(summary["firms"])
    ]


def _decision_cells(decision: Decision | None, t: Text) -> dict[str, str]:
    if decision is None:
        return {"decision": UNDECIDED, "decision_label": t("desk.no_decision"), "decision_tone": "none"}
    label = t("desk.decision." + decision.decision)
    if decision.lot_id:
        label += f" ({decision.lot_id})"
    return {"decision": decision.decision, "decision_label": label, "decision_tone": DECISION_TONES[decision.decision]}


def shown_rows(rows: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    """The rows the query asks for (the same filter, search and sort ``table.js`` applies in the browser)."""
    words = query.get("q", "").casefold().split()
    status, decision = query.get("status", ""), query.get("decision", "")
    kept = [
        row
        for row in rows
        if (not status or row["status"] == status)
        and (not decision or row["decision"] == decision)
        and all(any(word in str(row[key]).casefold() for key in ("firm_id", "firm_name")) for word in words)
    ]
    key = query.get("sort", "")
    if key in SORT_KEYS:
        shown_key = "decision_label" if key == "decision" else key
        sort_key = (lambda r: r[key]) if key in NUMERIC else (lambda r: str(r[shown_key]).casefold())
        kept.sort(key=sort_key, reverse=query.get("dir") == "desc")
    return kept


@login_required
async def review_home(request: Request) -> Response:
    config: WebConfig = request.app.state.config
    runs = []
    for folder in runs_of(config):
        summary = read_summary(folder)
        by = run_record(folder).get("by", "")
        runs.append({"id": folder.name, "by": by, "round": summary["round"], **summary["totals"]})
    rounds = []
    with ledger_of(config) as book:
        for found in book.rounds() if book is not None else []:
            latest = next((run["id"] for run in runs if run["round"] == found.name), None)
            opened = japan_time(found.opened_at)
            rounds.append({"name": found.name, "opened": opened, "firms": len(book.firms(found.name)), "run": latest})
    suggested = rounds[-1]["name"] if rounds else "1"
    return page(request, "review.html.j2", runs=runs, rounds=rounds, suggested=suggested, limits=config)


async def _save_batch(form: FormData, upload_dir: Path, config: WebConfig) -> tuple[dict[str, Path | None], list[str]]:
    """Save the batch's files (zips unpacked, each into a folder of its own) and its shared inputs."""
    files = [f for f in (given(item) for item in form.getlist("files")) if f is not None]
    if len(files) > config.max_batch_files:
        raise HTTPException(413)
    submissions = upload_dir / SUBMISSIONS
    submissions.mkdir(parents=True)
    notes = []
    for number, upload in enumerate(files, start=1):
        name = safe_name(upload.filename, f"file-{number}")
        if name.lower().endswith(".zip"):
            archive = await save(upload, upload_dir / f"upload-{number}.zip", config.max_batch_bytes)
            target = submissions / f"{number:04d}-{Path(name).stem}"
            target.mkdir()
            problems = extract_batch(archive, target, config.max_bytes, config.max_batch_files)
            archive.unlink()
            notes += [str(problem) for problem in problems]
        else:
            target_file = submissions / name
            if target_file.exists():
                target_file = submissions / f"{number:04d}-{name}"
            await save(upload, target_file, config.max_bytes)
    side: dict[str, Path | None] = {}
    for role, suffix in SIDE_INPUTS.items():
        upload = given(form.get(role))
        side[role] = None
        if upload is not None:
            (upload_dir / role).mkdir()
            target = upload_dir / role / safe_name(upload.filename, f"{role}{suffix}")
            side[role] = await save(upload, target, config.max_bytes)
    return side, notes


@login_required
async def review_upload(request: Request) -> Response:
    config: WebConfig = request.app.state.config
    limit = config.max_batch_files + len(SIDE_INPUTS)
    async with request.form(max_files=limit, max_fields=limit + 4) as form:
        require_csrf(request, form)
        lang = language(request, form.get("lang"))
        round_name = str(form.get("round") or "").strip() or None
        folder = config.runs / new_run_id(datetime.now(UTC))
        try:
            side, notes = await _save_batch(form, folder, config)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # a refused upload (413) leaves nothing behind
            raise
    jobs: ReviewJobs = request.app.state.jobs
    user = signed_in(request) or ""
    upload = BatchUpload(
        folder, side["ownership"], side["market"], lang, user, round_name, side["cancellations"], tuple(notes)
    )
    job = jobs.start(upload)
    return RedirectResponse(f"/review/jobs/{job.id}", status_code=303)


def _job_status(request: Request) -> dict[str, Any]:
    job = request.app.state.jobs.get(request.path_params["job"])
    if job is None:
        raise HTTPException(404)
    return {
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "run": job.run,
        "notes": job.notes,
        "next": f"/review/runs/{job.run}" if job.state == "done" else None,
    }


@login_required
async def job_page(request: Request) -> Response:
    status = _job_status(request)
    if status["next"] and not status["notes"]:
        return RedirectResponse(status["next"], status_code=303)
    return page(request, "job.html.j2", job=status, job_id=request.path_params["job"])


@login_required
async def job_json(request: Request) -> Response:
    return JSONResponse(_job_status(request))


@login_required
async def run_page(request: Request) -> Response:
    folder = run_folder(request)
    summary = read_summary(folder)
    lang = language(request)
    view = ReviewView(summary, lang)
    config: WebConfig = request.app.state.config
    rows = firm_rows(summary, view.t, latest_decisions(config, summary["round"]))
    query = {key: str(request.query_params.get(key, "")) for key in ("q", "status", "decision", "sort", "dir")}
    statuses = sorted({(row["status"], row["status_label"]) for row in rows if row["status"]})
    decisions = [(kind, view.t("desk.decision." + kind)) for kind in DECISIONS]
    decisions.append((UNDECIDED, view.t("desk.no_decision")))
    grids = [g for g in view.grids() if g.id != "firms"]  # the firm table is the page's own, interactive
    return page(
        request,
        "run.html.j2",
        lang=lang,
        run=folder.name,
        record=run_record(folder),
        v=view,
        figures=view.figures(),
        grids=grids,
        rows=shown_rows(rows, query),
        total_rows=len(rows),
        statuses=statuses,
        decisions=decisions,
        round=summary["round"],
        query=query,
        sort_keys=SORT_KEYS,
        t=view.t,
    )


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
        shown_problems = [shown(problem, folder) for problem in exc.problems]
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
        lots=[lot["id"] for lot in result["lots"]],
        problems=problems,
        **report_context(result, lang),
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
        return firm_response(request, tuple(shown(problem, folder) for problem in problems), 422)
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


@login_required
async def run_download(request: Request) -> Response:
    folder = run_folder(request)
    name = request.path_params["name"]
    if name not in SUMMARY_FILES:
        raise HTTPException(404)
    return FileResponse(folder / REVIEW / name, media_type=SUMMARY_FILES[name], filename=f"{folder.name}-{name}")


ROUTES = [
    Route("/review", review_home, methods=["GET"]),
    Route("/review/upload", review_upload, methods=["POST"]),
    Route("/review/jobs/{job}", job_page, methods=["GET"]),
    Route("/review/jobs/{job}/status", job_json, methods=["GET"]),
    Route("/review/runs/{run}", run_page, methods=["GET"]),
    Route("/review/runs/{run}/firms/{index:int}", firm_page, methods=["GET"]),
    Route("/review/runs/{run}/firms/{index:int}/result.json", firm_download, methods=["GET"]),
    Route("/review/runs/{run}/firms/{index:int}/decide", decide, methods=["POST"]),
    Route("/review/runs/{run}/files/{name}", run_download, methods=["GET"]),
]
