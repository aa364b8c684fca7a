"""The web application (``gxets serve``): the public pre-check and the secretariat's review pages on one engine.

``create_app`` assembles it from a :class:`WebConfig`: the routes of each part, the static files (a stylesheet and
two small scripts the pages work without), signed session cookies, the body limits and the security headers around
everything, and error pages in the user's language. The bundled rule sets are compiled once, here.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from gxets_rules.app.web import auth, desk, precheck, review
from gxets_rules.app.web.checking import compile_bundled
from gxets_rules.app.web.config import FORM_OVERHEAD, SESSION_HOURS, WebConfig
from gxets_rules.app.web.jobs import ReviewJobs
from gxets_rules.app.web.pages import STATIC, page
from gxets_rules.app.web.security import HEADERS, BodyLimit, SecurityHeaders
from gxets_rules.app.web.users import UserStore

SESSION_COOKIE = "gxets_session"


def body_limits(config: WebConfig) -> dict[str, int]:
    """The largest request body each upload route takes; any other request gets room for a small form only."""
    return {"/check": config.max_precheck_bytes, "/review/upload": config.max_batch_bytes + FORM_OVERHEAD}


async def http_error(request: Request, exc: Exception) -> Response:
    """An error page in the user's language (403 bad CSRF token, 404, 405, 413 too large …)."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if "session" not in request.scope:  # refused before the session middleware ran
        return Response(f"{status}", status_code=status, media_type="text/plain")
    return page(request, "error.html.j2", status, status=status, problems=())


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug: a plain 500 that says nothing of it (the log has the traceback). Starlette answers it outside every
    middleware, so it carries the security headers itself."""
    headers = {**HEADERS, "cache-control": "no-store"}
    return PlainTextResponse("500 Internal Server Error", status_code=500, headers=headers)


def create_app(config: WebConfig) -> Starlette:
    limits = body_limits(config)
    app = Starlette(
        routes=[
            *precheck.ROUTES,
            *auth.ROUTES,
            *review.ROUTES,
            *desk.ROUTES,
            Mount("/static", StaticFiles(directory=STATIC)),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(BodyLimit, limit_for=lambda path: limits.get(path, FORM_OVERHEAD)),
            Middleware(
                SessionMiddleware,
                secret_key=config.secret_key,
                session_cookie=SESSION_COOKIE,
                max_age=SESSION_HOURS * 3600,
                same_site="strict",
                https_only=config.secure_cookies,
            ),
        ],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.config = config
    app.state.users = UserStore(config.users)
    app.state.rulesets = compile_bundled()
    app.state.jobs = ReviewJobs(config, app.state.rulesets)
    return app
