"""Login and logout for the secretariat's pages, and the guard every such page goes through.

A session (a signed cookie) holds the user's name after a successful login; the guard also checks that the name is
still in the users file, so removing a user (``gxets users remove``) ends their access at their next request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from gxets_rules.app.web.pages import language, page
from gxets_rules.app.web.security import renew_session, require_csrf
from gxets_rules.app.web.users import UserStore

USER_KEY = "user"
Handler = Callable[[Request], Awaitable[Response]]


def signed_in(request: Request) -> str | None:
    """The logged-in user's name, if the session has one that the users file still holds."""
    name = request.session.get(USER_KEY)
    store: UserStore = request.app.state.users
    return name if isinstance(name, str) and store.exists(name) else None


def local_target(target: object) -> str:
    """Where to go after login: a path on this site only (never ``//host`` or ``https://…``: no open redirect)."""
    if isinstance(target, str) and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/review"


def login_required(handler: Handler) -> Handler:
    """The page for a logged-in user; anyone else is sent to the login page, which brings them back here."""

    @wraps(handler)
    async def guarded(request: Request) -> Response:
        if signed_in(request) is None:
            here = request.url.path if request.method == "GET" else "/review"
            return RedirectResponse(f"/login?next={quote(here)}", status_code=303)
        return await handler(request)

    return guarded


async def login_form(request: Request) -> Response:
    return page(request, "login.html.j2", target=local_target(request.query_params.get("next")), failed=False)


async def login(request: Request) -> Response:
    async with request.form(max_files=0, max_fields=8) as form:
        require_csrf(request, form)
        name, password = str(form.get("name") or ""), str(form.get("password") or "")
        target = local_target(form.get("next"))
    store: UserStore = request.app.state.users
    verified: bool = await run_in_threadpool(store.verify, name, password) if name else False
    if verified:
        lang = language(request)
        renew_session(request, user=name, lang=lang)
        return RedirectResponse(target, status_code=303)
    return page(request, "login.html.j2", 401, target=target, failed=True)


async def logout(request: Request) -> Response:
    async with request.form(max_files=0, max_fields=4) as form:
        require_csrf(request, form)
    renew_session(request, lang=language(request))
    return RedirectResponse("/", status_code=303)


ROUTES = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
