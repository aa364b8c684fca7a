"""Render a synthetic result of many lots to HTML and xlsx, and encode it, and print the time, memory and size of each.

The result is the bundled ACME Steel check with its five lots repeated under new ids until there are --lots of them
(default 10,000): real criteria, messages and citations, at the size of a large holding (two lots in five fail or
are undecided on some criterion, so the "in full" part of the reports is large too). Each format is rendered in a
child process forked after the result is built, so its peak memory is the renderer's own (the growth of the
child's peak resident set over what it inherited). Goals (issue 18): each format under 10 s at 10,000 lots, and at
100,000 lots time per lot no worse than at 10,000 and memory well under 1 GiB. Beside them, in the same run: both
reports from one shared view (as ``gxets check --report html,xlsx`` writes them: the evidence worded once), and the
result file's encoding (orjson, keys sorted as it encodes) against its peer, the key sort in Python and pydantic-core's
encoder that it replaced — the same bytes.

    .venv/bin/python benchmarks/render_bench.py [--lots 10000,100000] [--lang ja] [--out DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic_core import to_json  # noqa: E402

from gxets_rules.app.pipeline import CheckRequest, run_check  # noqa: E402
from gxets_rules.io.writers import _key_sorted, result_bytes  # noqa: E402
from gxets_rules.model.result import Result  # noqa: E402
from gxets_rules.render.html import html_pieces  # noqa: E402
from gxets_rules.render.view import ReportView  # noqa: E402
from gxets_rules.render.xlsx import render_xlsx, xlsx_report  # noqa: E402

GOAL_S = 10.0


def synthetic_result(lots: int) -> Result:
    """The ACME result with ``lots`` lots: its own five repeated, each copy under a new id (allocations as its own)."""
    result = run_check(CheckRequest(ROOT / "examples" / "acme-steel" / "submission.yaml"), today=date(2026, 12, 7))
    template = result.lots
    copies = [
        template[index % len(template)].model_copy(update={"id": f"LOT-{index + 1:06d}"}) for index in range(lots)
    ]
    return result.model_copy(update={"lots": copies})


def page(result: Result, lang: str) -> Iterable[bytes]:
    """The page in pieces, as ``gxets check --report html`` writes it to its file."""
    return html_pieces(ReportView(result, lang))


def both_reports(result: Result, lang: str) -> Iterable[bytes]:
    """The page and the workbook from one view, as ``gxets check --report html,xlsx`` writes them."""
    view = ReportView(result, lang)
    yield from html_pieces(view)
    yield xlsx_report(view)


def json_by_key_sort(result: Result) -> bytes:
    """The peer of the result's encoding: keys sorted in Python, then pydantic-core's encoder (the general way)."""
    return to_json(_key_sorted(result.model_dump(mode="json")), indent=None) + b"\n"


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _measure(render: Callable[[], bytes | Iterable[bytes]], out: Path | None, pipe: object) -> None:
    """In the child: render once; send back wall and CPU seconds, the peak memory growth and the size."""
    before = _peak_kib()
    started, cpu = time.perf_counter(), time.process_time()
    size, data = 0, render()
    with open(out or os.devnull, "wb") as sink:  # the pieces are written as they come, as the CLI writes them
        for piece in [data] if isinstance(data, bytes) else data:
            sink.write(piece)
            size += len(piece)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    pipe.send((elapsed, cpu, (_peak_kib() - before) / 1024, size))  # type: ignore[attr-defined]


def measure(render: Callable[[], bytes | Iterable[bytes]], out: Path | None) -> tuple[float, float, float, int]:
    """Wall s, CPU s, peak memory growth in MiB and bytes of one rendering, in a forked child."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_measure, args=(render, out, send))
    child.start()
    figures = receive.recv()
    child.join()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lots", default="10000", help="Comma-separated lot counts, e.g. 10000,100000.")
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    parser.add_argument("--out", type=Path, help="Keep the reports in this folder.")
    args = parser.parse_args()
    slowest = 0.0
    for lots in (int(n) for n in args.lots.split(",")):
        result = synthetic_result(lots)
        criteria = sum(len(lot.criteria) for lot in result.lots)
        print(f"synthetic result: {lots:,} lots, {criteria:,} criteria outcomes")
        same = result_bytes(result) == json_by_key_sort(result)
        print(f"  json: {'the same bytes as' if same else 'DIFFERENT BYTES FROM'} its peer's")
        if not same:
            return 2
        renders: tuple[tuple[str, Callable[[], bytes | Iterable[bytes]]], ...] = (
            ("html", lambda result=result: page(result, args.lang)),
            ("xlsx", lambda result=result: render_xlsx(result, args.lang)),
            ("both", lambda result=result: both_reports(result, args.lang)),
            ("json", lambda result=result: result_bytes(result)),
            ("json-py", lambda result=result: json_by_key_sort(result)),  # the peer: the same bytes
        )
        for name, render in renders:
            out = None
            if args.out and name in ("html", "xlsx", "json"):
                args.out.mkdir(parents=True, exist_ok=True)
                out = args.out / f"report-{lots}.{name}"
            elapsed, cpu, peak, size = measure(render, out)
            if name in ("html", "xlsx"):
                slowest = max(slowest, elapsed * 10_000 / lots)
            print(
                f"  {name:7} {elapsed:7.2f} s wall  {cpu:7.2f} s cpu  {1e6 * elapsed / lots:6.1f} µs/lot"
                f"  peak +{peak:7.1f} MiB  {size / 1e6:7.1f} MB"
            )
    print(f"goal: each under {GOAL_S:.0f} s per 10,000 lots — {'met' if slowest < GOAL_S else 'MISSED'}")
    return 0 if slowest < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
