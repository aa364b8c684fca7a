"""How the web application renders a page: its own templates beside the reports', its words in ja and en.

The page templates (``templates/``) sit in front of the reports' (``reports/html/``) in one loader, so a page can
extend ``report.html.j2`` and show the very report ``gxets check --report html`` writes, with the application's
header around it. The environment autoescapes everything and fails on an undefined name, like the reports'. The
application's fixed words come from ``reports/web/<lang>.yaml`` on top of the reports' catalogue (``w('web.…')``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from gxets_rules._version import __version__
from gxets_rules.app.web.security import CSRF_FIELD, csrf_token
from gxets_rules.render.catalogue import LANGUAGES, Text
from gxets_rules.render.html import REPORT_FILTERS, stylesheet
from gxets_rules.resources import data_dir
from gxets_rules.ruleset.strict_yaml import read_yaml_file

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LANG_KEY = "lang"


@cache
def web_catalogue(lang: str) -> dict[str, str]:
    data = read_yaml_file(data_dir("reports") / "web" / f"{lang}.yaml").data
    return {str(key): str(value) for key, value in data.items()}


class WebText(Text):
    """The reports' words and the application's, in one language."""

    def __init__(self, lang: str) -> None:
        super().__init__(lang)
        self.messages = {**self.messages, **web_catalogue(lang)}


@cache
def environment() -> jinja2.Environment:
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(TEMPLATES), jinja2.FileSystemLoader(data_dir("reports") / "html")]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(zip=zip, csrf_field=CSRF_FIELD, version=__version__, report_css=stylesheet())
    env.filters.update(REPORT_FILTERS)
    return env


def language(request: Request, asked: Any = None) -> str:
    """The page's language: asked for now (a form field or ``?lang=``), else the session's, else the server's."""
    for candidate in (asked, request.query_params.get(LANG_KEY), request.session.get(LANG_KEY)):
        if candidate in LANGUAGES:
            request.session[LANG_KEY] = candidate
            return str(candidate)
    return str(request.app.state.config.lang)


def page(
    request: Request, template: str, status_code: int = 200, lang: str | None = None, **context: Any
) -> HTMLResponse:
    """Render a page template with what every page shows: words, language, the user, the CSRF token, the path."""
    lang = lang or language(request)
    body = (
        environment()
        .get_template(template)
        .render(
            w=WebText(lang),
            lang=lang,
            user=request.session.get("user"),
            csrf=csrf_token(request),
            path=request.url.path if request.method == "GET" else "/",  # the language links lead here
            **context,
        )
    )
    return HTMLResponse(body, status_code=status_code)
