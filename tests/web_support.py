"""Helpers for the web application's tests: a configured app, its forms' CSRF tokens, a logged-in client, a real
server on the loopback address, and the system's Chromium driven by Playwright."""

from __future__ import annotations

import base64
import re
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gxets_rules.app.web.app import create_app
from gxets_rules.app.web.config import WebConfig
from gxets_rules.app.web.users import UserStore
from tests.reports_support import CHROMIUM, CHROMIUM_FLAGS, tool

USER = "reviewer"
PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_DOWNLOAD = re.compile(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"')


def web_config(folder: Path, **limits: Any) -> WebConfig:
    """A server configuration keeping everything under ``folder``, with one user (``USER``)."""
    users = folder / "users.json"
    if not users.exists():
        UserStore(users).add(USER, PASSWORD)
    return WebConfig(users, folder / "ledger.sqlite", folder / "data", "test-secret-" + "k" * 40, **limits)


def web_app(folder: Path, **limits: Any) -> Starlette:
    return create_app(web_config(folder, **limits))


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def downloads_of(html: str) -> dict[str, bytes]:
    """The files a result page carries for download (data: URLs), by name."""
    return {name: base64.b64decode(data) for name, data in _DOWNLOAD.findall(html)}


def fresh_token(client: TestClient, path: str = "/") -> str:
    return csrf_of(client.get(path).text)


def log_in(client: TestClient, password: str = PASSWORD, target: str = "/review") -> Any:
    token = fresh_token(client, "/login")
    return client.post("/login", data={"csrf": token, "name": USER, "password": password, "next": target})


def check(client: TestClient, submission: Path, lang: str = "ja", **extra: Path) -> Any:
    """Upload a submission (and its lots CSV, ownership or market file) to the pre-check."""
    files = {"submission": (submission.name, submission.read_bytes())}
    files |= {field: (path.name, path.read_bytes()) for field, path in extra.items()}
    return client.post("/check", data={"csrf": fresh_token(client), "lang": lang}, files=files)


def wait_for_run(client: TestClient, job_url: str, timeout_s: float = 120) -> dict[str, Any]:
    """Poll a batch review's status until it is no longer running; its last status."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = client.get(job_url + "/status").json()
        if status["state"] != "running":
            return status
        time.sleep(0.05)
    raise AssertionError(f"the review did not finish in {timeout_s} s")


@contextmanager
def live_server(app: Starlette) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def playwright_driver() -> Iterator[Any]:
    """Playwright's driver, started once (a test may open several browsers from it, one at a time or together)."""
    tool(CHROMIUM, "the end-to-end test drives the real browser")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only the browser tests need it

    with sync_playwright() as playwright:
        yield playwright


@contextmanager
def chromium_context(playwright: Any, **options: Any) -> Iterator[Any]:
    """A fresh headless Chromium (the system's, never a downloaded one) with a profile of its own."""
    executable = tool(CHROMIUM, "the end-to-end test drives the real browser")
    with tempfile.TemporaryDirectory(prefix="gxets-chromium-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=list(CHROMIUM_FLAGS), **options
        )
        try:
            yield context
        finally:
            context.close()
