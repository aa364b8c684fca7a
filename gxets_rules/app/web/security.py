"""What every response and every form of the web application is held to: security headers, body limits, CSRF tokens.

Two ASGI middlewares wrap the whole application, so no route can forget them: one adds the security headers to every
response (pages, downloads, static files and errors alike), the other refuses a request body larger than its route
allows with 413 — from its declared length before reading anything, or as soon as the bytes read pass the limit.
Every form carries a per-session CSRF token that a POST must echo; the session cookie is also ``SameSite=Strict``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData, Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",  # the static scripts only: no inline script, no eval
        "style-src 'self' 'unsafe-inline'",  # the reports' inline stylesheet and bar widths; styles run no code
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
STATIC_PREFIX = "/static/"
CSRF_FIELD = "csrf"
_CSRF_KEY = "csrf"


class SecurityHeaders:
    """Add the security headers to every HTTP response; pages and downloads are also never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if not scope["path"].startswith(STATIC_PREFIX):
                    headers["cache-control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuse with 413 a request body larger than ``limit_for(path)`` bytes, declared or actually sent."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413)
            return message

        await self.app(scope, limited, send)


async def _too_large(send: Send) -> None:
    """A 413 sent before the application saw the request (the headers middleware, outside, still adds its own)."""
    body = b"413 Content Too Large"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use (every page with a form asks for it)."""
    token = request.session.get(_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_CSRF_KEY] = token
    return token


def require_csrf(request: Request, form: FormData) -> None:
    """403 unless the form echoes this session's token (compared in constant time)."""
    sent: Any = form.get(CSRF_FIELD)
    expected = request.session.get(_CSRF_KEY)
    if not isinstance(sent, str) or not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise HTTPException(403)


def renew_session(request: Request, **values: str) -> None:
    """Start a fresh session holding ``values`` and a new CSRF token (at login and logout: no session fixation)."""
    request.session.clear()
    request.session.update(values)
    csrf_token(request)
