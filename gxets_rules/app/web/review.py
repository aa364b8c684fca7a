"""The secretariat's pages (login required): ``/review`` (batch upload, the ledger's rounds, the runs so far), the
progress of a run, a run's summary with its firm table, and the run's files for download (a firm: ``desk.py``).

The firm table is rendered whole by the server, filtered and sorted by the query (``?q=…&status=…&decision=…&sort=…``),
so the page works without script; ``static/table.js`` then filters, searches and sorts the same rows in the browser
as one types, without reloading. Downloads are named by a fixed list and a row number, never by a path from the
request, so no request can reach outside the run's folder.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from gxets_rules.app.web.auth import login_required, signed_in
from gxets_rules.app.web.config import WebConfig
from gxets_rules.app.web.jobs import REVIEW, SUBMISSIONS, BatchUpload, ReviewJobs, new_run_id, runs_of
from gxets_rules.app.web.pages import language, page
from gxets_rules.app.web.runs import latest_decisions, ledger_of, read_summary, run_folder, run_record
from gxets_rules.app.web.security import require_csrf
from gxets_rules.app.web.uploads import extract_batch, given, safe_name, save
from gxets_rules.model.base import LocalizedText
from gxets_rules.model.desk import DECISIONS, Decision, japan_time
from gxets_rules.model.review import ReviewSummary
from gxets_rules.render.catalogue import Text
from gxets_rules.render.review_view import DECISION_TONES, ReviewView

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
            "status_label": t.localized(_text(row["status_label"])) or row["status"] or "–",
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


def _text(stored: dict[str, str] | None) -> LocalizedText | None:
    """A text of the summary file (stored as JSON) as the model it was written from."""
    return LocalizedText.model_validate(stored) if stored else None


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
            firms = len(book.firms(found.name)) if book is not None else 0
            rounds.append({"name": found.name, "opened": japan_time(found.opened_at), "firms": firms, "run": latest})
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
        shared = given(form.get(role))
        side[role] = None
        if shared is not None:
            (upload_dir / role).mkdir()
            target = upload_dir / role / safe_name(shared.filename, f"{role}{suffix}")
            side[role] = await save(shared, target, config.max_bytes)
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
    view = ReviewView(ReviewSummary.model_validate(summary), lang)  # the file the review wrote, as its model
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
    Route("/review/runs/{run}/files/{name}", run_download, methods=["GET"]),
]
