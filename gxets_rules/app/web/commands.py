"""``gxets serve`` and ``gxets users``: the web application's commands.

They are defined here, beside the application, and added to the ``gxets`` group by ``cli.py``. This module imports
nothing of the web stack at load time, so ``gxets`` works without the ``web`` extra; the commands say how to install
it when it is missing.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gxets_rules.app.lazy import Later

if TYPE_CHECKING:
    from gxets_rules.app.web.users import UserStore

DEFAULT_USERS = Path(os.environ.get("GXETS_USERS", "gxets-users.json"))
DEFAULT_DATA = Path(os.environ.get("GXETS_WEB_DATA", "gxets-web"))
SECRET_ENV = "GXETS_SECRET_KEY"
WEB_PACKAGES = ("starlette", "uvicorn", "multipart", "itsdangerous", "argon2")

USERS_OPTION = click.option(
    "--users",
    "users_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_USERS,
    show_default=True,
    help="The users file (gxets.users.v1; default from $GXETS_USERS).",
)


def require_web_extra() -> None:
    """A usage error naming the extra to install when a web package is missing."""
    missing = [name for name in WEB_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise click.UsageError(
            f"the web application needs {', '.join(missing)}: pip install 'gxets-rules[web]' (or -e '.[web]')"
        )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (another only on purpose).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@USERS_OPTION
@click.option(
    "--data",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_DATA,
    show_default=True,
    help="Folder for the batch reviews run from the browser (default from $GXETS_WEB_DATA).",
)
@click.option(
    "--ledger",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The review ledger (SQLite) the batch reviews record in (default: DATA/ledger.sqlite).",
)
@click.option(
    "--max-bytes",
    type=int,
    default=Later("gxets_rules.ruleset.strict_yaml", "DEFAULT_MAX_BYTES"),  # imported when used: gxets --help is quick
    show_default=True,
    help="Largest uploaded file.",
)
@click.option(
    "--max-rows",
    type=int,
    default=Later("gxets_rules.io.xlsx.guard", "DEFAULT_MAX_ROWS"),
    show_default=True,
    help="Most rows of a sheet.",
)
@click.option("--max-files", type=click.IntRange(min=1), default=2_000, show_default=True, help="Most files a batch.")
@click.option("--secure-cookies", is_flag=True, help="Send the session cookie over HTTPS only (behind TLS).")
@click.option("--lang", type=click.Choice(["ja", "en"]), default="ja", show_default=True, help="Default language.")
def serve(
    host: str,
    port: int,
    users_file: Path,
    data: Path,
    ledger: Path | None,
    max_bytes: int,
    max_rows: int,
    max_files: int,
    secure_cookies: bool,
    lang: str,
) -> None:
    """Serve the web application: the firm pre-check at / and, after login, the secretariat's review at /review.

    Binds to 127.0.0.1 (this machine only) unless --host says otherwise. Sessions are signed with $GXETS_SECRET_KEY,
    or with a key made at start (then everyone logs in again after a restart). Users are added with `gxets users add`.
    """
    require_web_extra()
    import uvicorn  # noqa: PLC0415 - the web extra is optional; `gxets` without it must still run

    from gxets_rules.app.web.app import create_app  # noqa: PLC0415
    from gxets_rules.app.web.config import WebConfig  # noqa: PLC0415

    config = WebConfig(
        users=users_file,
        ledger=ledger or data / "ledger.sqlite",
        data=data,
        secret_key=os.environ.get(SECRET_ENV) or secrets.token_urlsafe(48),
        max_bytes=max_bytes,
        max_rows=max_rows,
        max_batch_files=max_files,
        secure_cookies=secure_cookies,
        lang=lang,
    )
    data.mkdir(parents=True, exist_ok=True)
    if host not in {"127.0.0.1", "localhost", "::1"}:
        click.echo(f"note: listening on {host}: reachable from other machines; put it behind TLS", err=True)
    click.echo(f"gxets serve: http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(create_app(config), host=host, port=port, server_header=False, proxy_headers=False, log_level="info")


@click.group("users")
def users_group() -> None:
    """Manage who may log in to the secretariat's pages of `gxets serve` (names and Argon2id password hashes)."""


def _store(users_file: Path) -> UserStore:
    require_web_extra()
    from gxets_rules.app.web.users import UserStore  # noqa: PLC0415

    return UserStore(users_file)


@contextmanager
def _refusals() -> Iterator[None]:
    """A user store's refusal (a taken name, a short password, a file that is not a users file) as a usage error."""
    from gxets_rules.app.web.users import UserError  # noqa: PLC0415

    try:
        yield
    except UserError as exc:
        raise click.UsageError(str(exc)) from None


@users_group.command("add")
@click.argument("name")
@USERS_OPTION
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin (for scripts).")
def users_add(name: str, users_file: Path, password_stdin: bool) -> None:
    """Add a user; the password is asked twice (at least 12 characters) and only its hash is stored."""
    store = _store(users_file)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _refusals():
        store.add(name, password)
    click.echo(f"added {name} → {users_file}")


@users_group.command("remove")
@click.argument("name")
@USERS_OPTION
def users_remove(name: str, users_file: Path) -> None:
    """Remove a user; their open sessions end at their next request."""
    store = _store(users_file)
    with _refusals():
        store.remove(name)
    click.echo(f"removed {name} from {users_file}")


@users_group.command("list")
@USERS_OPTION
def users_list(users_file: Path) -> None:
    """The names of the users, one a line."""
    store = _store(users_file)
    with _refusals():
        names = store.names()
    for name in names:
        click.echo(name)
