"""The web application's routes, through Starlette's test client: the pre-check gives the CLI's result and reports,
a refused input lists its problems at their cells, and the security rules hold on every route."""

from __future__ import annotations

import io
import json
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from benchmarks.synthetic_batch import generate_batch
from gxets_rules.app.cli import main
from gxets_rules.app.review.ledger import Ledger
from gxets_rules.app.web.commands import serve
from gxets_rules.app.web.pages import TEMPLATES, WebText, web_catalogue
from gxets_rules.app.web.security import HEADERS
from gxets_rules.evaluate.rulesets import load_ruleset
from gxets_rules.io.writers import result_bytes
from gxets_rules.io.xlsx.template import template_bytes
from gxets_rules.resources import rules_root
from tests.conftest import ACME, EXAMPLES, ROOT, run_cli
from tests.hostile.corpus import read_expect
from tests.reports_support import check_result, page_text
from tests.test_report_injection import FIRM, hostile_submission
from tests.web_support import (
    PASSWORD,
    USER,
    check,
    csrf_of,
    downloads_of,
    fresh_token,
    log_in,
    wait_for_run,
    web_app,
)

BAD_WORKBOOKS = ROOT / "tests" / "bad_workbooks"
SUBMISSIONS = sorted(EXAMPLES.glob("*/submission.yaml")) + sorted(EXAMPLES.glob("*/submission.xlsx"))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return web_app(tmp_path_factory.mktemp("web"))


@pytest.fixture
def client(app: Starlette) -> TestClient:
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def reviewer(client: TestClient) -> TestClient:
    assert log_in(client).status_code == 303
    return client


def ownership_of(submission: Path) -> dict[str, Path]:
    """The ownership graph an example names (in YAML or in its workbook's Firm sheet), to upload beside it."""
    graph = submission.parent / "ownership.yaml"
    return {"ownership": graph} if graph.is_file() else {}


# --- the pre-check -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_example_uploaded_gives_the_result_and_figures_of_gxets_check(
    client: TestClient, submission: Path
) -> None:
    expected = check_result(submission)
    response = check(client, submission, "en", **ownership_of(submission))
    assert response.status_code == 200
    files = downloads_of(response.text)
    assert files["result.json"] == result_bytes(expected), "the very result gxets check computes"
    text, _ = page_text(response.text)
    assert expected.firm.name in text
    assert f"{expected.coverage.offsets_to_buy_t:,} t-CO2" in text


def test_acme_workbook_shows_77500_t_to_buy_and_downloads_the_cli_reports(client: TestClient, tmp_path: Path) -> None:
    workbook = EXAMPLES / "acme-steel" / "submission.xlsx"
    response = check(client, workbook, "ja")
    assert response.status_code == 200
    verdict = response.text[response.text.index('<section id="verdict"') :]
    assert "77,500" in verdict[: verdict.index("</section>")]
    out = tmp_path / "cli"
    assert run_cli("check", workbook, "--out", out, "--report", "html,xlsx", "--lang", "ja").exit_code == 0
    files = downloads_of(response.text)
    assert sorted(files) == ["report.html", "report.xlsx", "result.json"]
    for name, data in files.items():
        assert data == (out / name).read_bytes(), f"{name}: the bytes gxets check --report html,xlsx writes"


def test_the_page_says_nothing_is_kept_and_the_temporary_folder_is_gone(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    response = check(client, ACME, "en")
    assert response.status_code == 200
    assert "nothing is kept on the server" in page_text(response.text)[0]
    assert list(scratch.iterdir()) == [], "no uploaded byte left behind"
    refused = check(client, BAD_WORKBOOKS / "text-in-tonnes.xlsx", "en")
    assert refused.status_code == 422
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("workbook", sorted(BAD_WORKBOOKS.glob("*.xls*")), ids=lambda p: p.name)
def test_a_refused_workbook_lists_its_problems_at_their_cells(client: TestClient, workbook: Path) -> None:
    expect = read_expect(workbook.with_suffix(".expect"))
    _, _, wanted = expect.where.partition(":")
    message = expect.message
    response = check(client, workbook, expect.lang)
    assert response.status_code == 422
    assert "The submission could not be checked" in response.text or expect.lang != "en"
    rows = re.findall(r"<tr><td>([^<]*)</td><td class=\"place\">([^<]*)</td><td>([^<]*)</td></tr>", response.text)
    assert rows, "a table of problems"
    assert any(
        file == workbook.name and at == wanted and message in text.replace("&#39;", "'") for file, at, text in rows
    ), rows
    assert "/tmp" not in response.text, "the server's temporary folder is not shown"


def _yaml_with_lots_csv(folder: Path) -> tuple[Path, Path]:
    generate_batch(folder, firms=1, lots=30, entities=0, seed=3, across=0, within=0, excess=0)
    submission = next((folder / "submissions").glob("*.yaml"))
    return submission, next((folder / "submissions").glob("*.lots.csv"))


def test_yaml_with_its_lots_csv_gives_the_cli_result(client: TestClient, tmp_path: Path) -> None:
    submission, lots = _yaml_with_lots_csv(tmp_path)
    renamed = tmp_path / "my-lots.csv"  # the browser's name for it does not matter: the submission names it
    renamed.write_bytes(lots.read_bytes())
    response = check(client, submission, "en", lots_csv=renamed)
    assert response.status_code == 200, page_text(response.text)[0][:2000]
    assert downloads_of(response.text)["result.json"] == result_bytes(check_result(submission))


def test_a_lots_csv_that_the_submission_does_not_name_is_refused(client: TestClient, tmp_path: Path) -> None:
    _, lots = _yaml_with_lots_csv(tmp_path)
    response = check(client, ACME, "en", lots_csv=lots)
    assert response.status_code == 422
    assert "no lots_csv entry naming it" in response.text


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("lots_csv: ../../../../../../etc/passwd", "lots_csv: '../../../../../../etc/passwd' is not among the files"),
        ("ownership: /etc/hostname", "ownership: '/etc/hostname' is an absolute path"),  # refused by the loader
    ],
)
def test_a_submission_cannot_make_the_server_read_its_files(
    client: TestClient, tmp_path: Path, line: str, problem: str
) -> None:
    submission = tmp_path / "submission.yaml"
    submission.write_text(ACME.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    response = check(client, submission, "en")
    assert response.status_code == 422
    assert problem in response.text.replace("&#39;", "'")
    assert "root:" not in response.text


def test_a_submission_cannot_name_a_rule_set_folder(client: TestClient, tmp_path: Path) -> None:
    submission = tmp_path / "submission.yaml"
    folder = rules_root() / "gxets-phase1"
    text = ACME.read_text(encoding="utf-8").replace("ruleset: gxets-phase1", f"ruleset: {folder}")
    submission.write_text(text, encoding="utf-8")
    response = check(client, submission, "en")
    assert response.status_code == 422
    assert "on this server" in response.text


def test_the_empty_template_of_each_rule_set(client: TestClient) -> None:
    for ref in ("gxets-phase1", "gxets-phase2"):
        for lang in ("ja", "en"):
            response = client.get(f"/template/{ref}.xlsx?lang={lang}")
            assert response.status_code == 200
            assert response.headers["content-disposition"] == f'attachment; filename="gxets-template-{ref}-{lang}.xlsx"'
            assert response.content == template_bytes(load_ruleset(rules_root() / ref), lang)
    assert client.get("/template/no-such-set.xlsx").status_code == 404


# --- escaping ------------------------------------------------------------------------------------------------------


def test_a_script_as_firm_name_is_shown_as_text_on_the_page(client: TestClient, tmp_path: Path) -> None:
    response = check(client, hostile_submission(tmp_path), "ja")
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    text, tags = page_text(response.text)
    assert FIRM in text
    assert "script" not in tags, "the result page runs no script at all"


def test_a_script_in_a_refused_input_is_shown_as_text(client: TestClient, tmp_path: Path) -> None:
    submission = tmp_path / "submission.yaml"
    text = ACME.read_text(encoding="utf-8").replace("  group: G\n", "  group: '<script>alert(2)</script>'\n")
    submission.write_text(text, encoding="utf-8")
    response = check(client, submission, "en")
    assert response.status_code == 422
    assert "<script>alert(2)" not in response.text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in response.text


# --- limits --------------------------------------------------------------------------------------------------------


def test_a_file_over_the_cli_limit_is_413(client: TestClient, tmp_path: Path) -> None:
    big = tmp_path / "submission.yaml"
    big.write_bytes(b"#" * (20 * 1024 * 1024 + 1))  # the CLI's --max-bytes default, plus one byte
    assert check(client, big).status_code == 413


def test_an_upload_larger_than_the_limit_is_413_before_it_is_read(tmp_path: Path) -> None:
    small = TestClient(web_app(tmp_path, max_bytes=3_000))
    token = fresh_token(small)
    assert check(small, ACME).status_code == 413  # ACME's YAML has 3,561 bytes
    declared = small.post(
        "/check", content=b"x" * 100, headers={"content-length": str(10**9), "content-type": "multipart/form-data"}
    )
    assert declared.status_code == 413
    assert small.post("/login", data={"csrf": token, "name": "x" * 70_000}).status_code == 413

    def undeclared() -> Iterator[bytes]:  # sent chunked, with no length: counted as it arrives
        yield from (b"x" * 40_000 for _ in range(3))

    form = {"content-type": "application/x-www-form-urlencoded"}
    assert small.post("/login", content=undeclared(), headers=form).status_code == 413


def test_a_batch_with_more_files_than_the_limit_is_413(tmp_path: Path) -> None:
    client = TestClient(web_app(tmp_path, max_batch_files=2), follow_redirects=False)
    log_in(client)
    files = [("files", (f"s{i}.yaml", ACME.read_bytes())) for i in range(3)]
    response = client.post("/review/upload", data={"csrf": fresh_token(client, "/review")}, files=files)
    assert response.status_code == 413
    assert not list((tmp_path / "data" / "runs").glob("*")), "nothing of a refused upload is kept"


# --- login, sessions and CSRF --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/review", "/review/jobs/abc", "/review/runs/20261204T000000Z-abcdef", "/review/runs/x/firms/0"]
)
def test_the_review_pages_send_a_stranger_to_the_login(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


def test_login_with_a_wrong_password_is_refused_and_with_the_right_one_opens_review(client: TestClient) -> None:
    assert log_in(client, password="wrong password!").status_code == 401
    assert client.get("/review").status_code == 303
    response = log_in(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/review"
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert client.get("/review").status_code == 200


def test_login_only_returns_to_a_page_of_this_site(client: TestClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = log_in(client, target=target)
        assert response.headers["location"] == "/review"


def test_a_removed_user_is_logged_out_at_the_next_request(tmp_path: Path) -> None:
    app = web_app(tmp_path)
    client = TestClient(app, follow_redirects=False)
    log_in(client)
    assert client.get("/review").status_code == 200
    app.state.users.remove(USER)
    assert client.get("/review").status_code == 303


FORMS = [
    ("/check", {"lang": "en"}, False),
    ("/login", {"name": USER, "password": PASSWORD}, False),
    ("/logout", {}, True),
    ("/review/upload", {"lang": "en"}, True),
]


@pytest.mark.parametrize(("path", "fields", "logged_in"), FORMS, ids=[f[0] for f in FORMS])
@pytest.mark.parametrize("token", [None, "forged"])
def test_a_form_without_its_csrf_token_is_403(
    client: TestClient, path: str, fields: dict[str, str], logged_in: bool, token: str | None
) -> None:
    if logged_in:
        log_in(client)
    client.get("/")
    data = fields if token is None else {**fields, "csrf": token}
    files = {"submission": ("submission.yaml", ACME.read_bytes())} if path == "/check" else None
    assert client.post(path, data=data, files=files).status_code == 403


@pytest.mark.parametrize("path", ["/", "/login", "/static/app.css", "/static/table.js", "/nowhere", "/review"])
def test_every_response_has_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    for name, value in HEADERS.items():
        assert response.headers[name] == value, name
    csp = response.headers["content-security-policy"]
    script = next(part for part in csp.split("; ") if part.startswith("script-src"))
    assert script == "script-src 'self'", "no inline script, no eval"
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_an_internal_error_says_nothing_and_keeps_the_headers(tmp_path: Path) -> None:
    app = web_app(tmp_path)

    def broken(request: Any) -> Any:
        raise RuntimeError("a secret detail")

    app.router.routes.append(Route("/broken", broken))
    response = TestClient(app, raise_server_exceptions=False).get("/broken")
    assert response.status_code == 500
    assert "secret" not in response.text
    assert response.headers["content-security-policy"] == HEADERS["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_every_form_carries_a_csrf_token(reviewer: TestClient) -> None:
    for path in ("/", "/login", "/review"):
        html = reviewer.get(path).text
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S)
        assert forms, path
        assert all(csrf_of(form) == csrf_of(html) for form in forms), path


# --- the review ----------------------------------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _review(
    client: TestClient, files: list[tuple[str, tuple[str, bytes]]], round_name: str = "1"
) -> tuple[str, dict[str, Any]]:
    form = {"csrf": fresh_token(client, "/review"), "lang": "en", "round": round_name}
    response = client.post("/review/upload", data=form, files=files)
    assert response.status_code == 303
    job = response.headers["location"]
    return job, wait_for_run(client, job)


def test_a_batch_of_files_and_a_zip_is_reviewed_and_its_firms_listed(reviewer: TestClient, tmp_path: Path) -> None:
    hostile = hostile_submission(tmp_path)
    archive = _zip(
        {
            "round/acme.xlsx": (EXAMPLES / "acme-steel" / "submission.xlsx").read_bytes(),
            "round/kanto.yaml": (EXAMPLES / "phase2-fy2026" / "submission.yaml").read_bytes(),
            "../../escaped.yaml": ACME.read_bytes(),
            "/absolute.yaml": ACME.read_bytes(),
            "notes.txt": b"hello",
        }
    )
    files = [
        ("files", ("batch.zip", archive)),
        ("files", ("small-maker-x.yaml", (EXAMPLES / "small-maker-x" / "submission.yaml").read_bytes())),
        ("files", ("hostile.yaml", hostile.read_bytes())),
    ]
    _, status = _review(reviewer, files)
    assert status["state"] == "done"
    assert sum("passed over" in note for note in status["notes"]) == 3, status["notes"]
    assert not list(tmp_path.parent.glob("escaped.yaml")) and not Path("/absolute.yaml").exists()
    run = status["next"]
    page = reviewer.get(run)
    assert page.status_code == 200
    rows = re.findall(r'<tr data-status="[^"]*" data-decision="[^"]*" data-search="[^"]*">', page.text)
    assert len(rows) == 3, "acme (the hostile copy is the same firm, reported once), kanto, small maker"
    assert "77,500 t-CO2" in page_text(page.text)[0]
    # server-side search, filter and sort: the page works without its script
    found = reviewer.get(run + "?q=kanto").text
    assert len(re.findall(r"<tr data-status=", found)) == 1
    ordered = reviewer.get(run + "?sort=offsets_to_buy_t&dir=desc").text
    values = [int(v) for v in re.findall(r'data-value="(\d+)">[^<]*t-CO2</td>\s*<td class="num" data-value', ordered)]
    assert values == sorted(values, reverse=True) and values
    # a firm's report and the run's files
    firm = reviewer.get(run + "/firms/0")
    assert firm.status_code == 200 and "77,500" in firm.text
    result = reviewer.get(run + "/firms/0/result.json")
    assert json.loads(result.content)["coverage"]["offsets_to_buy_t"] == 77_500
    for name in ("summary.json", "summary.xlsx", "summary.html"):
        download = reviewer.get(f"{run}/files/{name}")
        assert download.status_code == 200 and download.headers["content-disposition"].startswith("attachment")
    listed = reviewer.get("/review").text
    assert run.rsplit("/", 1)[1] in listed


def test_the_hostile_firm_name_is_escaped_on_the_review_pages(reviewer: TestClient, tmp_path: Path) -> None:
    _, status = _review(reviewer, [("files", ("hostile.yaml", hostile_submission(tmp_path).read_bytes()))])
    for path in (status["next"], status["next"] + "/firms/0"):
        html = reviewer.get(path).text
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "path",
    [
        "/review/runs/..%2F..%2F..%2Fetc/files/summary.json",
        "/review/runs/20261204T000000Z-abcdef/files/summary.json",
        "/static/..%2Fapp.py",
        "/static/../app.py",
        "/template/..%2F..%2Fpyproject.xlsx",
    ],
)
def test_no_request_reaches_outside_its_folder(reviewer: TestClient, path: str) -> None:
    assert reviewer.get(path).status_code == 404


def test_a_run_serves_only_its_named_files(reviewer: TestClient, tmp_path: Path) -> None:
    _, status = _review(reviewer, [("files", ("acme.yaml", ACME.read_bytes()))])
    run = status["next"]
    for name in ("..%2Frun.json", "run.json", "..%2F..%2Fusers.json", "summary.csv"):
        assert reviewer.get(f"{run}/files/{name}").status_code == 404
    assert reviewer.get(run + "/firms/1").status_code == 404
    assert reviewer.get(run + "/firms/-1").status_code == 404


# --- users ---------------------------------------------------------------------------------------------------------


def test_users_add_stores_an_argon2id_hash_in_a_private_file(tmp_path: Path) -> None:
    users = tmp_path / "users.json"
    added = run_cli_input(["users", "add", "alice", "--users", users, "--password-stdin"], "a long passphrase\n")
    assert added.exit_code == 0, added.output
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    stored = json.loads(users.read_text(encoding="utf-8"))
    assert stored["format"] == "gxets.users.v1"
    assert stored["users"]["alice"]["hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "a long passphrase" not in users.read_text(encoding="utf-8")
    again = run_cli_input(["users", "add", "alice", "--users", users, "--password-stdin"], "another passphrase\n")
    assert again.exit_code == 2 and "already exists" in again.output
    short = run_cli_input(["users", "add", "bob", "--users", users, "--password-stdin"], "short\n")
    assert short.exit_code == 2 and "12 to 1024 characters" in short.output
    assert run_cli("users", "list", "--users", users).output == "alice\n"
    assert run_cli("users", "remove", "alice", "--users", users).exit_code == 0
    assert run_cli("users", "list", "--users", users).output == ""


def run_cli_input(args: list[Any], text: str) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args], input=text, catch_exceptions=False)


# --- words ---------------------------------------------------------------------------------------------------------


def test_the_web_catalogues_have_the_same_keys_and_every_key_used_exists() -> None:
    ja, en = web_catalogue("ja"), web_catalogue("en")
    assert set(ja) == set(en)
    used: set[str] = set()
    for template in TEMPLATES.glob("*.j2"):
        used.update(re.findall(r"""\bw\(\s*["']([a-z0-9_.]+)["']\s*\)""", template.read_text(encoding="utf-8")))
    assert len(used) >= 50, "the scan sees the templates"
    for lang in ("ja", "en"):
        words = WebText(lang).messages
        assert sorted(key for key in used if not words.get(key, "").strip()) == [], lang


def test_serve_listens_on_the_loopback_address_unless_told_otherwise() -> None:
    host = next(param for param in serve.params if param.name == "host")
    assert host.default == "127.0.0.1"
    assert "Binds to 127.0.0.1" in run_cli("serve", "--help").output


# --- the desk: rounds, decisions, changes between rounds, registry --------------------------------------------------


def _firm_link(client: TestClient, run: str, firm_id: str) -> str:
    page = client.get(run).text
    found = re.search(rf'<a href="({re.escape(run)}/firms/\d+)">{re.escape(firm_id)}</a>', page)
    assert found, firm_id
    return found.group(1)


def _decide(client: TestClient, firm: str, **fields: str) -> Any:
    token = csrf_of(client.get(firm).text)
    return client.post(firm + "/decide", data={"csrf": token, **fields})


def test_a_decision_recorded_on_the_firm_page_is_in_the_ledger_and_the_table(tmp_path: Path) -> None:
    client = TestClient(web_app(tmp_path), follow_redirects=False)
    log_in(client)
    _, status = _review(client, [("files", ("acme.yaml", ACME.read_bytes()))], "R1")
    run = status["next"]
    firm = _firm_link(client, run, "acme-steel")
    assert "Not decided" in client.get(firm).text
    made = _decide(client, firm, decision="returned", note="L4 <b>を</b>訂正", lot="L4", deadline="2026-12-18")
    assert made.status_code == 303 and made.headers["location"] == firm + "#desk"
    with Ledger(tmp_path / "ledger.sqlite") as book:
        (decision,) = book.decisions(firm_id="acme-steel")
    assert (decision.decision, decision.reviewer, decision.lot_id, decision.round) == ("returned", USER, "L4", "R1")
    assert decision.note == "L4 <b>を</b>訂正" and str(decision.deadline) == "2026-12-18"
    page = client.get(firm).text
    assert "L4 &lt;b&gt;を&lt;/b&gt;訂正" in page and "<b>を</b>" not in page
    table = client.get(run + "?decision=returned").text
    assert re.findall(r'data-decision="(\w+)"', table) == ["returned"]
    assert "Returned for correction (L4)" in table
    assert re.findall(r'data-decision="(\w+)"', client.get(run + "?decision=accepted").text) == []


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"decision": "approved"}, "choose one of accepted, returned, query"),
        ({"decision": "query", "deadline": "18/12/2026"}, "a date as YYYY-MM-DD"),
        ({"decision": "query", "lot": "L99"}, "has no lot 'L99'"),
    ],
)
def test_a_bad_decision_is_refused_with_its_problem(reviewer: TestClient, fields: dict[str, str], problem: str) -> None:
    _, status = _review(reviewer, [("files", ("acme.yaml", ACME.read_bytes()))], "bad-decisions")
    firm = _firm_link(reviewer, status["next"], "acme-steel")
    response = _decide(reviewer, firm, **fields)
    assert response.status_code == 422
    assert problem in response.text.replace("&#39;", "'")


def test_the_decision_form_needs_its_csrf_token_and_a_login(tmp_path: Path) -> None:
    client = TestClient(web_app(tmp_path), follow_redirects=False)
    log_in(client)
    _, status = _review(client, [("files", ("acme.yaml", ACME.read_bytes()))])
    firm = _firm_link(client, status["next"], "acme-steel")
    assert client.post(firm + "/decide", data={"decision": "accepted"}).status_code == 403
    stranger = TestClient(client.app, follow_redirects=False)
    assert stranger.post(firm + "/decide", data={"decision": "accepted"}).status_code == 303


def test_round_two_shows_the_firm_s_changes_and_the_registry_mismatches(tmp_path: Path) -> None:
    client = TestClient(web_app(tmp_path), follow_redirects=False)
    log_in(client)
    _review(client, [("files", ("acme.yaml", ACME.read_bytes()))], "1")
    corrected = ACME.read_text(encoding="utf-8").replace("    quantity_t: 30_000\n", "    quantity_t: 20_000\n")
    corrected = corrected.replace("    serial_end: 130_000\n", "    serial_end: 120_000\n")
    records = "registry,certification_number,serial_start,serial_end,cancelled_on,purpose,account_holder\n"
    files = [
        ("files", ("acme.yaml", corrected.encode("utf-8"))),
        ("cancellations", ("registry.csv", records.encode("utf-8"))),
    ]
    _, status = _review(client, files, "2")
    assert status["state"] == "done", status
    run = status["next"]
    summary = client.get(run).text
    assert 'id="registry"' in summary, "the registry-mismatch list"
    assert "Not in the registry's records" in summary.replace("&#39;", "'")
    firm = client.get(_firm_link(client, run, "acme-steel")).text
    changes = firm[firm.index('<section id="changes">') :]
    assert "Round 1 → 2" in page_text(changes)[0]
    assert "30,000" in changes and "20,000" in changes
    home = client.get("/review").text
    assert re.findall(r"<tr><td>([^<]+)</td><td>[^<]*JST</td>", home) == ["1", "2"]


def test_a_second_round_must_be_named(tmp_path: Path) -> None:
    client = TestClient(web_app(tmp_path), follow_redirects=False)
    log_in(client)
    _review(client, [("files", ("acme.yaml", ACME.read_bytes()))], "1")
    _, status = _review(client, [("files", ("acme.yaml", ACME.read_bytes()))], "")
    assert status["state"] == "failed"
    assert any("name the round" in note for note in status["notes"])
