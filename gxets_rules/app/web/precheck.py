"""The public pre-check pages: ``/`` (the upload form and the templates), ``/check`` (the report, or the problems of
a refused input at their cells) and ``/template/<rule set>.xlsx``.

The uploaded files live in a temporary folder for the length of the check; it is removed before the page is sent,
and the page says so. The downloads (result.json, report.xlsx, report.html) travel inside the page.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gxets_rules.app.web.checking import UPLOAD_FOLDERS, BundledInputs, Upload, precheck, shown
from gxets_rules.app.web.config import PRECHECK_FILES, WebConfig
from gxets_rules.app.web.pages import WebText, language, page
from gxets_rules.app.web.security import require_csrf
from gxets_rules.app.web.uploads import given, lots_csv_named, safe_name, save
from gxets_rules.io.xlsx.template import template_bytes
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.render.html import report_context

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rulesets(request: Request) -> list[dict[str, Any]]:
    """The bundled rule sets the server checks against, for the template downloads."""
    return [
        {"id": ref, "version": rs.version, "title": rs.manifest.title.model_dump()}
        for ref, rs in request.app.state.rulesets.items()
    ]


async def home(request: Request) -> Response:
    return page(request, "precheck.html.j2", rulesets=rulesets(request), problems=())


def _suffixed(name: str | None, role: str, default: str) -> str:
    """A fallback name for an upload that keeps its suffix (a workbook must stay ``.xlsx`` to be read as one)."""
    suffix = Path(name or "").suffix.lower()
    return f"{role}{suffix if suffix in {'.yaml', '.yml', '.xlsx', '.csv'} else default}"


async def receive(form: FormData, root: Path, config: WebConfig, w: WebText) -> Upload:
    """Save the form's files under ``root``, one folder per field: the submission with its lots CSV (under the name
    the submission gives it), the ownership graph, the market snapshot."""
    submission_file = given(form.get("submission"))
    if submission_file is None:
        raise InputError([Problem(Location("-"), w("web.no_submission"))])
    saved: dict[str, Path | None] = dict.fromkeys(UPLOAD_FOLDERS)
    for role in UPLOAD_FOLDERS:
        upload = given(form.get(role))
        if upload is not None:
            (root / role).mkdir()
            fallback = _suffixed(upload.filename, role, ".yaml")
            saved[role] = await save(upload, root / role / safe_name(upload.filename, fallback), config.max_bytes)
    submission = saved["submission"]
    assert submission is not None
    lots_file = given(form.get("lots_csv"))
    if lots_file is not None:
        named = lots_csv_named(submission, config.max_bytes)
        target = safe_name(named[0], "") if named else ""
        if not target or target == submission.name:
            raise InputError([Problem(Location(submission.name), w("web.lots_not_named"))])
        await save(lots_file, submission.parent / target, config.max_bytes)
    return Upload(root, submission, saved["ownership"], saved["market"])


async def check(request: Request) -> Response:
    config: WebConfig = request.app.state.config
    async with request.form(max_files=PRECHECK_FILES, max_fields=PRECHECK_FILES + 4) as form:
        require_csrf(request, form)
        lang = language(request, form.get("lang"))
        w = WebText(lang)
        with tempfile.TemporaryDirectory(prefix="gxets-web-") as tmp:
            root = Path(tmp)
            inputs = BundledInputs(request.app.state.rulesets, config.max_bytes, config.max_rows, root)
            try:
                upload = await receive(form, root, config, w)
                checked = await run_in_threadpool(precheck, upload, inputs, lang, date.today())
            except InputError as exc:
                problems = [shown(problem, root, lang) for problem in exc.problems]
                return page(request, "precheck.html.j2", 422, lang, rulesets=rulesets(request), problems=problems)
    # the temporary folder and every uploaded byte are gone by now; the page is rendered from memory
    return page(
        request,
        "result.html.j2",
        lang=lang,
        downloads=checked.downloads,
        warnings=checked.warnings,
        **report_context(checked.result, lang),
    )


async def template(request: Request) -> Response:
    """The empty submission workbook of a bundled rule set, headed in the page's language."""
    found = request.app.state.rulesets.get(request.path_params["ruleset"])
    if found is None:
        raise HTTPException(404)
    lang = language(request)
    name = f"gxets-template-{found.id}-{lang}.xlsx"
    return Response(
        template_bytes(found, lang),
        media_type=XLSX_MEDIA,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/check", check, methods=["POST"]),
    Route("/template/{ruleset}.xlsx", template, methods=["GET"]),
]
