"""The ``gxets`` command.

Exit codes: 0 success; 1 an internal error (a bug: the message says so, ``--debug`` shows
the traceback); 2 bad input (every problem listed with its file and line) — an output folder
or file that cannot be written included; 3 a rule-set test or lint finding. ``gxets review``
adds: 4 a submission of the batch was invalid (reported and skipped), 5 a double claim was
found (or allowances claimed beyond what was created), 6 both.

Everything printed goes through :func:`say`: text from a submission is escaped for the
terminal, and a reader that closes the pipe early (``gxets … | head``) ends the printing,
not the command, which still finishes and exits with its own code. Warnings a library
raises are printed as one line without the library's file path.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gxets_rules._version import __version__
from gxets_rules.app.lazy import Later, LaterChoice, LaterHelp
from gxets_rules.app.web.commands import serve, users_group
from gxets_rules.render.terminal import json_safe, terminal_safe

if TYPE_CHECKING:
    from gxets_rules.model.problems import Problem
    from gxets_rules.model.result import Result
    from gxets_rules.model.review import ReviewSummary
    from gxets_rules.ruleset.compiled import RuleSet

EXIT_FINDINGS = 3
EXIT_REVIEW_INVALID = 4
EXIT_REVIEW_DOUBLE_CLAIMS = 5
EXIT_REVIEW_BOTH = 6
EXIT_LEDGER_ALTERED = 7
LEDGER_ENV = "GXETS_LEDGER"
MAX_SHOWN = 200
LANG_CHOICE = click.Choice(["ja", "en"])
DEFAULT_LANG = os.environ.get("GXETS_LANG", "ja")


_CLOSED: set[int] = set()
"""File descriptors whose reader has gone (a closed pipe): nothing more is written to them."""


def say(text: str = "", nl: bool = True, err: bool = False, json_text: bool = False) -> None:
    """Print for a person (or, with ``json_text``, JSON for a program), safely.

    Control and direction-override characters from a submission are escaped (``terminal.py``). If the reader has
    closed the pipe, the stream is pointed at the null device (so the final flush is quiet too) and printing stops;
    the command carries on to its own exit code.
    """
    stream = sys.stderr if err else sys.stdout
    if stream is None:  # started with the stream closed (`gxets … >&-`): nobody is reading
        return
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError):
        descriptor = -1
    if descriptor in _CLOSED:
        return
    try:
        click.echo(json_safe(text) if json_text else terminal_safe(text), nl=nl, err=err)
    except BrokenPipeError:
        if descriptor >= 0:
            _CLOSED.add(descriptor)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, descriptor)
            os.close(null)


def _show_warning(message: Warning | str, category: type[Warning], *_: Any, **__: Any) -> None:
    """A library's warning as one line, without the path of the library file that raised it."""
    say(f"warning: {category.__name__}: {message}", err=True)


def report_warnings(warnings: Iterable[Problem], lang: str = DEFAULT_LANG) -> None:
    """What a reviewer should know about an input that did not stop the run (formulas, hidden sheets, links), and
    how typed values were read (notes), in the reader's language."""
    from gxets_rules.render.problems import warning_lines

    for line in warning_lines(warnings, lang):
        say(line, err=True)


def report_problems(problems: list[Problem], title: str) -> None:
    """A rule set's problems, for its author (in English, the rule language's)."""
    say(f"error: {title}: {len(problems)} problem(s)", err=True)
    for problem in problems[:MAX_SHOWN]:
        say(f"  {problem}", err=True)
    if len(problems) > MAX_SHOWN:
        say(f"  … and {len(problems) - MAX_SHOWN} more", err=True)


def report_input_problems(problems: list[Problem], lang: str, fmt: str | None) -> None:
    """Every problem of a refused input, in the reader's language: lines on stderr, or JSON on stdout."""
    from gxets_rules.io.writers import canonical_json
    from gxets_rules.render.problems import problem_lines, problems_document

    if fmt == "json":
        say(canonical_json(problems_document(problems, lang)), nl=False, json_text=True)
        return
    for line in problem_lines(problems, lang, MAX_SHOWN):
        say(line, err=True)


def stdout_gone() -> None:
    """The reader of our output went away (``gxets ledger list | head``): what is left to print goes nowhere, and
    Python's own flush at exit must not fail again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # not a real file descriptor (a test's captured output)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Map input errors to exit 2, a closed output pipe to a quiet exit 0, and anything unexpected to exit 1 with a
    short message.

    A file the command cannot write (an output on a full or read-only disk, a path through a file) is an input
    error too: the command line named it.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from gxets_rules.model.problems import EXIT_BUG, EXIT_INPUT, InputError, Location, Problem, display_path

        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            report_input_problems(exc.problems, ctx.params.get("lang") or DEFAULT_LANG, ctx.params.get("fmt"))
            ctx.exit(EXIT_INPUT)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            stdout_gone()
            ctx.exit(0)
        except OSError as exc:
            where = display_path(Path(exc.filename)) if exc.filename else "standard output"
            problem = Problem.of(Location(where), "output.cannot_write", why=exc.strerror or str(exc))
            report_input_problems([problem], ctx.params.get("lang") or DEFAULT_LANG, None)
            ctx.exit(EXIT_INPUT)
        except Exception as exc:
            if ctx.find_root().params.get("debug"):
                traceback.print_exc()
            say(f"internal error (a bug in gxets-rules): {type(exc).__name__}: {exc}", err=True)
            say("run again with --debug for the traceback, and report it", err=True)
            ctx.exit(EXIT_BUG)

    return wrapper


def report_kinds(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str]:
    """``--report html,xlsx`` → the list of reports; an unknown kind is a usage error."""
    if value is None:
        return []
    from gxets_rules.render.reports import parse_kinds

    try:
        return parse_kinds(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def report_help() -> str:
    from gxets_rules.render.reports import REPORTS

    return f"Reports to write into --out, comma-separated: {', '.join(REPORTS)}."


# Values the options name, from the modules they belong to: imported when a command runs or shows its help (lazy.py)
DEFAULT_MAX_ROWS = Later("gxets_rules.io.xlsx.guard", "DEFAULT_MAX_ROWS")
DEFAULT_MAX_BYTES = Later("gxets_rules.ruleset.strict_yaml", "DEFAULT_MAX_BYTES")
DEFAULT_MAX_RESULT_BYTES = Later("gxets_rules.io.result_reader", "DEFAULT_MAX_RESULT_BYTES")
DEFAULT_RULESET = Later("gxets_rules.app.pipeline", "DEFAULT_RULESET")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="gxets")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def main(debug: bool) -> None:
    """GX-ETS compliance rules engine: which credits count, the firm's position, and what is left to buy."""
    warnings.showwarning = _show_warning


def limit_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """How large an input may be: its bytes, and a workbook's rows per sheet (every command that reads inputs)."""
    func = click.option(
        "--max-rows",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_ROWS,
        show_default=True,
        help="Most rows a sheet of an input workbook may hold.",
    )(func)
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_BYTES,
        show_default=True,
        help="Largest input file.",
    )(func)


def evaluation_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that evaluates a submission takes (check, explain)."""
    options = [
        click.argument("submission", type=click.Path(path_type=Path, dir_okay=False)),
        click.option(
            "--ruleset", "ruleset_ref", metavar="ID|PATH", help="Rule set id or folder (default: the submission's)."
        ),
        click.option(
            "--as-of",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="Evaluation date (default: the submission's, else today in Japan).",
        ),
        click.option(
            "--ownership",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Ownership graph (gxets.ownership.v1); default: the submission's `ownership:` file.",
        ),
        limit_options,
        click.option(
            "--market",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Market snapshot (gxets.market.v1) to plan the purchases with.",
        ),
    ]
    for option in reversed(options):
        func = option(func)  # type: ignore[operator]
    return func


def checked(
    submission: Path,
    ruleset_ref: str | None,
    as_of: Any,
    ownership: Path | None,
    max_bytes: int,
    max_rows: int,
    market: Path | None,
    lang: str = DEFAULT_LANG,
) -> Result:
    """The result of the check the options ask for, after printing the warnings and notes its inputs gave."""
    from gxets_rules.app.pipeline import CheckRequest, run_evaluation, today_in_japan
    from gxets_rules.evaluate.result import build_result

    when = as_of.date() if as_of else None
    request = CheckRequest(submission, ruleset_ref, when, max_bytes, ownership, market, max_rows)
    evaluation = run_evaluation(request, today=today_in_japan())
    report_warnings([w for w in evaluation.loaded.warnings if not w.code.startswith("note.")], lang)
    return build_result(evaluation)


@main.command()
@evaluation_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Folder to write result.json into.")
@click.option("--report", "reports", cls=LaterHelp, help_later=report_help, callback=report_kinds, metavar="html,xlsx")
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True, help="Language of text and reports.")
@guarded
def check(fmt: str, out: Path | None, reports: list[str], lang: str, **request: Any) -> None:
    """Check a submission: eligibility of every lot and the firm's position.

    Writes the result JSON (gxets.result.v2) to OUT/result.json when --out is given, and the review reports asked for
    with --report (OUT/report.html, OUT/report.xlsx); prints a summary (text) or the result itself (json). With
    --market, the result also holds a purchase plan: what to buy where, at what cost, and the last order session.
    """
    from gxets_rules.io.writers import atomic_write_bytes, result_bytes
    from gxets_rules.render.text import render_text

    if reports and out is None:
        raise click.UsageError("--report needs --out: the folder to write the reports into")
    result = checked(**request, lang=lang)
    encoded = result_bytes(result) if out is not None or fmt == "json" else b""  # encoded once, if anyone reads it
    written = []
    if out is not None:
        from gxets_rules.app.outputs import output_set
        from gxets_rules.render.reports import write_reports  # the report writers only if reports may be written

        with output_set(out) as staging:
            atomic_write_bytes(staging / "result.json", encoded)
            staged = [staging / "result.json", *write_reports(result, reports, lang, staging)]
        written = [out / path.name for path in staged]
    if fmt == "json":
        say(encoded.decode("utf-8"), nl=False, json_text=True)
    else:
        say(render_text(result, lang), nl=False)
        for path in written:
            say(f"→ {path}")


@main.command()
@click.argument("result_file", metavar="RESULT.json", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--report",
    "reports",
    cls=LaterHelp,
    help_later=report_help,
    callback=report_kinds,
    default="html,xlsx",
    show_default=True,
)
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True, help="Language of the reports.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder for the reports.")
@click.option(
    "--max-bytes", type=int, default=DEFAULT_MAX_RESULT_BYTES, show_default=True, help="Largest result file accepted."
)
@guarded
def render(result_file: Path, reports: list[str], lang: str, out: Path, max_bytes: int) -> None:
    """Write the review reports of a saved result (gxets.result.v2) — a view of it; nothing is evaluated again.

    The result is checked completely first — its JSON, its format, its model and the consistency of its figures — and
    one that fails is refused with the place of the problem (exit code 2), nothing written. A gxets.result.v1 file
    (from earlier gxets-rules) is refused too: run `gxets check` on the submission again.
    """
    from gxets_rules.app.outputs import output_set
    from gxets_rules.io.result_reader import load_result
    from gxets_rules.render.reports import write_reports
    from gxets_rules.render.text import render_text

    result = load_result(result_file, max_bytes)
    with output_set(out) as staging:
        written = [out / path.name for path in write_reports(result, reports, lang, staging)]
    say(render_text(result, lang), nl=False)
    for path in written:
        say(f"→ {path}")


@main.command()
@evaluation_options
@click.argument("lot_id")
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True)
@guarded
def explain(lot_id: str, lang: str, **request: Any) -> None:
    """Explain one lot: every criterion with its outcome, citation, the inputs and parameters it read, and the
    ownership paths behind it."""
    from gxets_rules.render.text import render_lot

    result = checked(**request, lang=lang)
    known = [lot.id for lot in result.lots]
    if lot_id not in known:
        raise click.BadParameter(f"no lot {lot_id!r}; the submission has: {', '.join(known)}", param_hint="LOT_ID")
    say(render_lot(result, lot_id, lang), nl=False)


def review_exit_code(summary: ReviewSummary) -> int:
    """0 clean; 4 an invalid submission; 5 a double claim or allowances claimed beyond creation; 6 both."""
    invalid = summary.totals.invalid > 0
    totals = summary.totals
    claimed_twice = totals.double_claims > 0 or totals.era_excess_sellers > 0 or totals.registry_mismatches > 0
    if invalid and claimed_twice:
        return EXIT_REVIEW_BOTH
    if claimed_twice:
        return EXIT_REVIEW_DOUBLE_CLAIMS
    return EXIT_REVIEW_INVALID if invalid else 0


LEDGER_OPTION = click.option(
    "--ledger",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar=LEDGER_ENV,
    required=True,
    help=f"The ledger (SQLite) that keeps every evaluated submission, claimed range and decision across rounds "
    f"(or ${LEDGER_ENV}).",
)


def _default_jobs() -> int:
    """``review --jobs`` by default: worked out when the command runs, not when the CLI is imported."""
    from gxets_rules.app.review.jobs import default_jobs

    return default_jobs()


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...", type=click.Path(path_type=Path))
@click.option(
    "--ownership",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Ownership graph for every submission (read once); default: each submission's own `ownership:` file.",
)
@click.option(
    "--market", type=click.Path(path_type=Path, dir_okay=False), help="Market snapshot to plan every firm's purchases."
)
@LEDGER_OPTION
@click.option("--new-ledger", is_flag=True, help="Start the ledger at --ledger if there is none yet.")
@click.option("--round", "round_name", metavar="NAME", help="The review round (required once the ledger has rounds).")
@click.option(
    "--registry-cancellations",
    "cancellations",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The registry's cancellation records (CSV) to check every claimed cancellation against.",
)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder for the outputs.")
@click.option("--report", "reports", callback=report_kinds, metavar="html,xlsx", help="Per-firm reports to write too.")
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True, help="Language of the reports.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Evaluation date (default: each submission's, else today in Japan).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=_default_jobs,
    show_default="one per CPU, as many as the available memory holds at 512 MB each",
    help="Worker processes that evaluate submissions (the same results with any number).",
)
@limit_options
@guarded
def review(
    paths: tuple[Path, ...],
    ownership: Path | None,
    market: Path | None,
    ledger: Path,
    new_ledger: bool,
    round_name: str | None,
    cancellations: Path | None,
    out: Path,
    reports: list[str],
    lang: str,
    as_of: Any,
    jobs: int,
    max_bytes: int,
    max_rows: int,
) -> None:
    """Review a batch of submissions (files, or folders of *.yaml, *.yml, *.xlsx) for the secretariat.

    Evaluates each submission as `gxets check` does and writes its result to OUT/firms/NNNN-FIRM/result.json (and the
    reports asked for with --report); a file that cannot be evaluated is reported with its problems and skipped.
    Then finds serial ranges claimed twice — within a submission, across submissions, or against a range claimed in
    an earlier round (the ledger) — and excess reduction allowances claimed beyond what their creators may create,
    and writes OUT/summary.json (gxets.review.v1), OUT/summary.xlsx, OUT/summary.html and OUT/summary.csv. Each
    evaluated submission is recorded in the ledger under --round; a firm's later submission supersedes its earlier
    one. With --registry-cancellations, every claimed cancellation is checked against the registry's records.
    Exit code: 0 clean, 4 an invalid submission, 5 a double claim or a cancellation the records contradict, 6 both.
    """
    from gxets_rules.app.outputs import writable_folder
    from gxets_rules.app.pipeline import SharedInputs, today_in_japan
    from gxets_rules.app.review.batch import Batch, collect, run_batch
    from gxets_rules.app.review.firm import ReviewOptions
    from gxets_rules.io.cancellations_csv import read_cancellations
    from gxets_rules.io.xlsx.guard import XlsxLimits
    from gxets_rules.model.problems import InputError, Location, Problem
    from gxets_rules.render.reports import write_summary
    from gxets_rules.render.review_text import render_review_text

    if not ledger.is_file() and not new_ledger:
        raise InputError([Problem(Location(str(ledger)), "no ledger here; --new-ledger starts one")])
    files, passed_over = collect(list(paths), XlsxLimits(max_bytes, max_rows))
    for file, why in passed_over:
        say(f"note: {file} passed over ({why})", err=True)
    shared = SharedInputs(max_bytes, max_rows)
    inputs = {}
    for role, path, load in (("ownership", ownership, shared.ownership), ("market", market, shared.market)):
        if path is not None:
            found = load(path)
            inputs[f"{role}:{found.name}"] = found.sha256
    options = ReviewOptions(
        out,
        today_in_japan(),
        as_of.date() if as_of else None,
        ownership,
        market,
        max_bytes,
        max_rows,
        tuple(reports),
        lang,
    )
    records = None
    if cancellations is not None:
        records = read_cancellations(cancellations, max_bytes)
        inputs[f"registry_cancellations:{cancellations.name}"] = records.sha256
    writable_folder(out)  # last: an input refused above leaves nothing behind
    batch = Batch(files, options, shared, ledger, jobs, inputs, round_name, records)
    if not ledger.is_file():
        say(f"note: new ledger at {ledger.resolve()}", err=True)
    with click.progressbar(length=len(files), label="gxets review", file=sys.stderr, show_pos=True) as bar:
        summary = run_batch(batch, progress=lambda _: bar.update(1))
    written = write_summary(summary, lang, out)
    say(render_review_text(summary, lang), nl=False)
    for path in written:
        say(f"→ {path}")
    sys.exit(review_exit_code(summary))


@main.group("ledger")
def ledger_group() -> None:
    """The review ledger: recorded submissions, claimed ranges and decisions; its audit trail; diffs between rounds."""


@ledger_group.command("list")
@LEDGER_OPTION
@click.option("--round", "round_name", metavar="NAME", help="Only this round's submissions.")
@click.option("--firm", "firm_id", metavar="FIRM", help="Only this firm's submissions.")
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True)
@guarded
def ledger_list(ledger: Path, round_name: str | None, firm_id: str | None, lang: str) -> None:
    """One line per recorded submission: #number, time (Japan), round, firm, status, latest decision, content hash,
    claimed ranges, file."""
    from gxets_rules.app.review.ledger import open_ledger
    from gxets_rules.render.desk_text import ledger_line

    with open_ledger(ledger) as book:
        if round_name is not None:
            book.round(round_name)
        decisions = book.latest_decisions()
        for submission in book.submissions(firm_id=firm_id, round_name=round_name):
            say(ledger_line(submission, decisions.get(submission.firm_id), lang))


@ledger_group.command("show")
@click.argument("ref", metavar="[#N|FIRM|sha256:PREFIX]", required=False)
@click.option("--round", "round_name", metavar="NAME", help="Only submissions of this round.")
@LEDGER_OPTION
@guarded
def ledger_show(ref: str | None, round_name: str | None, ledger: Path) -> None:
    """Recorded submissions with their claimed ranges and decisions, as JSON: '#N' the submission numbered N (as
    `ledger list` shows it), FIRM every submission of that firm, sha256:PREFIX the one whose content hash starts so;
    --round narrows to a round (alone: the whole round)."""
    from gxets_rules.app.review.ledger import open_ledger, submission_query
    from gxets_rules.io.writers import canonical_json
    from gxets_rules.model.problems import InputError, Location, Problem

    if ref is None and round_name is None:
        raise click.UsageError("name a submission ('#N', a firm id or sha256:PREFIX) or a --round")
    with open_ledger(ledger) as book:
        if round_name is not None:
            book.round(round_name)
        found = book.submissions(**submission_query(ref), round_name=round_name, with_claims=True)
        if not found:
            raise InputError([Problem(Location(str(ledger)), f"no recorded submission matches {ref or round_name!r}")])
        decided = [d for d in book.decisions() if d.submission_id in {s.id for s in found}]
    say(canonical_json({"submissions": found, "decisions": decided}), nl=False, json_text=True)


@ledger_group.command("export")
@LEDGER_OPTION
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--table",
    type=LaterChoice(lambda: list(Later("gxets_rules.app.review.export", "CSV_TABLES").value())),
    default="submissions",
    show_default=True,
    help="The table a CSV export holds.",
)
@click.option(
    "--out", "target", type=click.Path(path_type=Path, dir_okay=False), help="File to write (default: stdout)."
)
@guarded
def ledger_export(ledger: Path, fmt: str, table: str, target: Path | None) -> None:
    """The whole ledger as JSON (gxets.ledger.v2, `gxets schema ledger`), or one table as CSV (UTF-8 with BOM, as
    Excel opens it)."""
    from gxets_rules.app.review.export import csv_text
    from gxets_rules.app.review.ledger import open_ledger
    from gxets_rules.io.writers import atomic_write_bytes, canonical_json

    with open_ledger(ledger) as book:
        data = book.export()
    text = canonical_json(data) if fmt == "json" else csv_text(data, table)
    if target is None:
        say(text, nl=False, json_text=fmt == "json")
    else:
        atomic_write_bytes(target, text.encode("utf-8-sig" if fmt == "csv" else "utf-8"))


@ledger_group.command("verify")
@LEDGER_OPTION
@guarded
def ledger_verify(ledger: Path) -> None:
    """Recompute the audit trail's hash chain over every ledger row. Exit 0 intact (prints the head hash: keep it to
    check against later), 7 altered (names the first altered, deleted or added row)."""
    from gxets_rules.app.review.ledger import open_ledger

    with open_ledger(ledger) as book:
        found = book.verify()
    if not found.ok:
        say(f"ledger altered: {found.broken}", err=True)
        sys.exit(EXIT_LEDGER_ALTERED)
    say(f"ledger intact: {found.rows} rows chained; head {found.head}")


@ledger_group.command("diff")
@click.argument("firm_id", metavar="FIRM")
@click.option("--from", "from_round", metavar="ROUND", required=True, help="The earlier round.")
@click.option("--to", "to_round", metavar="ROUND", required=True, help="The later round.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True)
@LEDGER_OPTION
@guarded
def ledger_diff(firm_id: str, from_round: str, to_round: str, fmt: str, lang: str, ledger: Path) -> None:
    """What changed for a firm between two rounds: lots added, removed and changed, verdicts changed, position
    figures changed (gxets.diff.v1 as JSON)."""
    from gxets_rules.app.review.diff import firm_diff
    from gxets_rules.app.review.ledger import open_ledger
    from gxets_rules.io.writers import canonical_json
    from gxets_rules.render.desk_text import render_diff_text

    with open_ledger(ledger) as book:
        found = firm_diff(book, firm_id, from_round, to_round)
    say(canonical_json(found) if fmt == "json" else render_diff_text(found, lang), nl=False, json_text=fmt == "json")


@main.command()
@click.argument("firm_id", metavar="FIRM")
@click.option("--round", "round_name", metavar="NAME", required=True, help="The round of the submission decided on.")
@click.option(
    "--decision",
    type=LaterChoice(Later("gxets_rules.model.desk", "DECISIONS").value),
    required=True,
    help="accepted, returned or query.",
)
@click.option("--by", "reviewer", metavar="REVIEWER", required=True, help="Who decides.")
@click.option("--note", metavar="TEXT", required=True, help="What the firm is told (the letter quotes it).")
@click.option("--lot", "lot_id", metavar="ID", help="The lot the decision is about (default: the whole submission).")
@click.option("--deadline", type=click.DateTime(formats=["%Y-%m-%d"]), help="By when the firm must answer.")
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True)
@LEDGER_OPTION
@guarded
def decide(
    firm_id: str,
    round_name: str,
    decision: str,
    reviewer: str,
    note: str,
    lot_id: str | None,
    deadline: Any,
    lang: str,
    ledger: Path,
) -> None:
    """Record a reviewer's decision on a firm's submission of a round, in the ledger (chained like every row). The
    decision names the exact result it was made on (its SHA-256)."""
    from gxets_rules.app.review.ledger import open_ledger
    from gxets_rules.render.desk_text import render_decision

    with open_ledger(ledger) as book:
        made = book.decide(firm_id, round_name, decision, reviewer, note, lot_id, deadline.date() if deadline else None)
    say(render_decision(made, lang))


@main.command()
@click.argument("firm_id", metavar="FIRM")
@click.option("--round", "round_name", metavar="NAME", required=True, help="The round of the decision.")
@click.option("--deadline", type=click.DateTime(formats=["%Y-%m-%d"]), help="Overrides the decision's deadline.")
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True)
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder for the letter.")
@LEDGER_OPTION
@guarded
def letter(firm_id: str, round_name: str, deadline: Any, lang: str, out: Path, ledger: Path) -> None:
    """Write the feedback letter for a firm's decision of a round (差戻し / 確認依頼 / 受理): what must be corrected,
    lot by lot, with the clause behind each point and the deadline — as OUT/letter-FIRM-ROUND-LANG.docx (the
    document a secretariat sends) and .html (to read and print)."""
    from gxets_rules.app.review.ledger import open_ledger
    from gxets_rules.app.review.letter import build_letter
    from gxets_rules.render.letter import write_letter

    with open_ledger(ledger) as book:
        made = build_letter(book, firm_id, round_name, deadline.date() if deadline else None)
    for path in write_letter(made, lang, out):
        say(f"→ {path}")


@main.command()
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True, help="Language of the headers.")
@click.option("--ruleset", "ruleset_ref", metavar="ID|PATH", default=DEFAULT_RULESET, show_default=True)
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="The .xlsx to write.")
@guarded
def template(lang: str, ruleset_ref: str, out: Path) -> None:
    """Write the Excel submission template: a sheet per part, drop-downs from the rule set's code lists, and the
    ownership sheets. `gxets check` reads it filled in, with headers in Japanese or English."""
    from gxets_rules.app.pipeline import ruleset_for
    from gxets_rules.io.writers import atomic_write_bytes
    from gxets_rules.io.xlsx.guard import XLSX_SUFFIX
    from gxets_rules.io.xlsx.template import template_bytes

    if out.suffix.lower() != XLSX_SUFFIX:
        raise click.BadParameter("the template is an .xlsx workbook", param_hint="--out")
    atomic_write_bytes(out, template_bytes(ruleset_for(ruleset_ref), lang))
    say(f"→ {out}")


@main.command()
@click.argument("source", metavar="IN", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("target", metavar="OUT", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lang", type=LANG_CHOICE, default=DEFAULT_LANG, show_default=True, help="Language of a workbook.")
@click.option(
    "--ruleset", "ruleset_ref", metavar="ID|PATH", help="Rule set of the drop-downs (default: the submission's)."
)
@click.option(
    "--ownership", "ownership_part", is_flag=True, help="Convert the ownership sheets of a submission workbook."
)
@limit_options
@guarded
def convert(
    source: Path, target: Path, lang: str, ruleset_ref: str | None, ownership_part: bool, max_bytes: int, max_rows: int
) -> None:
    """Convert a submission or an ownership graph between YAML and xlsx (either way; OUT's suffix decides)."""
    from gxets_rules.app.convert import convert_file
    from gxets_rules.io.xlsx.guard import XlsxLimits

    limits = XlsxLimits(max_bytes, max_rows)
    part = "ownership" if ownership_part else None
    report_warnings(convert_file(source, target, lang, limits, ruleset_ref, part), lang)
    say(f"→ {target}")


@main.command()
@click.argument("what", type=LaterChoice(lambda: sorted(Later("gxets_rules.model.schemas", "FORMATS").value())))
def schema(what: str) -> None:
    """Print the JSON Schema of an input or output format."""
    from gxets_rules.model.schemas import json_schema

    say(json.dumps(json_schema(what), ensure_ascii=False, indent=2, sort_keys=True), json_text=True)


@main.group()
def rules() -> None:
    """Work on rule sets: lint them, run their YAML tests."""


def _folders(ruleset: str | None) -> list[Path]:
    """The folder of the named rule set, or of every bundled one when none is named."""
    from gxets_rules.resources import bundled_rulesets, resolve_ruleset

    try:
        return [resolve_ruleset(ref) for ref in ([ruleset] if ruleset else bundled_rulesets())]
    except FileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None


@rules.command("lint")
@click.argument("ruleset", metavar="[ID|PATH]", required=False)
@guarded
def rules_lint(ruleset: str | None) -> None:
    """Lint a rule set (default: every bundled one): citations, parameters and their windows, interpretations."""
    from gxets_rules.evaluate.rulesets import load_ruleset
    from gxets_rules.model.problems import InputError

    found = False
    for folder in _folders(ruleset):
        try:
            compiled = load_ruleset(folder)
        except InputError as exc:
            report_problems(exc.problems, f"rule set {folder}")
            found = True
            continue
        say(_lint_summary(compiled))
    if found:
        sys.exit(EXIT_FINDINGS)


def _lint_summary(compiled: RuleSet) -> str:
    counts = {
        "rules": len(compiled.rules),
        "criteria": len(compiled.criteria),
        "checks": len(compiled.checks),
        "quantities": len(compiled.quantities),
        "parameters": len(compiled.params.specs),
        "interpretations": len(compiled.interpretations),
        "codelists": len(compiled.codelists),
    }
    return f"{compiled.id} {compiled.version}: clean (" + ", ".join(f"{n} {k}" for k, n in counts.items()) + ")"


@rules.command("test")
@click.argument("ruleset", metavar="[ID|PATH]", required=False)
@click.option("-k", "pattern", help="Only cases whose id contains this text.")
@guarded
def rules_test(ruleset: str | None, pattern: str | None) -> None:
    """Run the YAML test cases kept beside a rule set (default: every bundled one) (tests/*.yaml)."""
    from gxets_rules.app.cases import collect_cases, run_case
    from gxets_rules.app.pipeline import ruleset_for

    failures = total = 0
    for folder in _folders(ruleset):
        compiled = ruleset_for(str(folder))
        cases = [c for c in collect_cases(folder) if not pattern or pattern in c.case.id]
        for item in cases:
            errors = run_case(compiled, item)
            mark = "ok  " if not errors else "FAIL"
            say(f"{mark} {compiled.id} {item.file.name}::{item.case.id}  {item.case.title}")
            for error in errors:
                say(f"       {error}")
            failures += bool(errors)
        total += len(cases)
    say(f"{total - failures} passed, {failures} failed")
    if failures:
        sys.exit(EXIT_FINDINGS)


main.add_command(serve)  # the web application (gxets_rules/app/web/), with the `web` extra
main.add_command(users_group)


if __name__ == "__main__":
    main()
