"""The hostile-input corpora: every named input with its ``.expect`` file, and how each kind is fed to ``gxets``.

Each corpus is a folder of inputs, one ``NAME.expect`` per input, written so that a wording change is a mechanical
edit (i15 translates messages; a script can rewrite every ``message:`` line)::

    # why the input is hostile (optional comment lines)
    exit: 2                         # the exit code (default 2)
    where: bad-date.yaml:17         # the location as printed: file[:line[:column]] or file:Sheet!Cell
    message: cannot read value      # a fragment of the message printed at that location
    args: --ruleset gxets-phase2    # more arguments for the command (optional)
    lang: en                        # the language of the messages (default en; the command gets --lang)

The location and the message must be on one line of the output, the location first. Kinds:

- ``bad_submissions/NAME.yaml``: ``gxets check NAME.yaml`` (side files such as a lots CSV sit beside it);
- ``bad_lots_csv/NAME.csv``: a small valid submission naming the CSV as its ``lots_csv``;
- ``bad_workbooks/NAME.xlsx``: ``gxets check NAME.xlsx`` (made by ``bad_workbooks/make.py``);
- ``bad_ownership/NAME.yaml``: the overseas-DACCS example checked with ``--ownership NAME.yaml``;
- ``bad_market/NAME.yaml``: ACME checked with ``--market NAME.yaml``;
- ``bad_rulesets/NAME.edit.yaml``: a copy of the Phase-1 rule set with one edit, linted (``gxets rules lint``);
- ``bad_cli/NAME.expect``: a command line (``args:``) after a ``setup:`` that makes what no file can hold (a named
  pipe, a link, a file in the way of a folder); paths in ``args`` are relative to a scratch folder.

Inputs too large to commit (a 200 kB cell, a workbook with a huge shared-strings part) are made by ``generated.py``
when the corpus runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
KINDS = {
    "bad_submissions": (".yaml",),
    "bad_lots_csv": (".csv",),
    "bad_workbooks": (".xlsx", ".xlsm"),
    "bad_ownership": (".yaml",),
    "bad_market": (".yaml",),
    "bad_rulesets": (".edit.yaml",),
    "bad_cli": (),
}
"""Corpus folder → the suffixes of its inputs (``bad_cli`` cases are their ``.expect`` alone)."""
COUNTED_ONLY = ("bad_results",)
"""Corpora run by their own tests (``gxets render`` of tampered results: i13b) and counted here."""


@dataclass(frozen=True)
class Expect:
    """What one hostile input must produce."""

    exit: int
    where: str
    message: str
    lang: str = "en"
    args: tuple[str, ...] = ()
    setup: tuple[str, ...] = ()
    comment: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def read_expect(path: Path) -> Expect:
    """Parse an ``.expect`` file (``key: value`` lines; ``#`` comments)."""
    values: dict[str, str] = {}
    setup: list[str] = []
    comment = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comment.append(line[1:].strip())
            continue
        if not line.strip():
            continue
        key, _, value = line.partition(":")
        if key.strip() == "setup":
            setup.append(value.strip())
        else:
            values[key.strip()] = value.strip()
    return Expect(
        exit=int(values.pop("exit", "2")),
        where=values.pop("where"),
        message=values.pop("message"),
        lang=values.pop("lang", "en"),
        args=tuple(values.pop("args", "").split()),
        setup=tuple(setup),
        comment=" ".join(comment),
        extra=values,
    )


@dataclass(frozen=True)
class Case:
    """One named hostile input: its corpus, its file (None: made by ``generated.py``) and its expectation."""

    kind: str
    expect_file: Path
    input: Path | None

    @property
    def name(self) -> str:
        return self.expect_file.name.removesuffix(".expect")

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.name}"


def cases(kind: str | None = None) -> list[Case]:
    """Every named hostile input of one corpus (or of all that this runner runs), sorted."""
    found = []
    for folder, suffixes in KINDS.items():
        if kind is not None and folder != kind:
            continue
        for expect in sorted((TESTS / folder).glob("*.expect")):
            stem = expect.name.removesuffix(".expect")
            inputs = [expect.with_name(stem + suffix) for suffix in suffixes]
            present = [path for path in inputs if path.exists() or path.is_symlink()]
            found.append(Case(folder, expect, present[0] if present else None))
    return sorted(found, key=lambda c: c.id)


def counts() -> dict[str, int]:
    """Named hostile inputs per corpus, the corpora of other tests included."""
    totals = {kind: len(cases(kind)) for kind in KINDS}
    for kind in COUNTED_ONLY:
        totals[kind] = len(list((TESTS / kind).glob("*.expect")))
    return totals


LANG_COMMANDS = {"check", "explain", "render", "review", "convert", "template"}
"""Commands that take --lang (a rule set's problems are in English, the rule language's, whatever the language)."""


def with_lang(command: list[str], lang: str) -> list[str]:
    """``command`` with ``--lang`` for the expectation's language, where the command takes one and was given none."""
    if command and command[0] in LANG_COMMANDS and "--lang" not in command:
        return [*command, "--lang", lang]
    return command


def located(output: str, where: str, message: str) -> bool:
    """Whether one line of ``output`` holds the location and, after it, the message fragment."""
    place = re.compile(re.escape(where) + r"(?=[:\s'\"]|$)")
    for line in output.splitlines():
        found = place.search(line)
        if found and message in line[found.end() :]:
            return True
    return False
