"""Every named hostile input of the corpora (tests/hostile/corpus.py) exits with its code and a located message.

Never an internal error, never a traceback, never a control character from the input on the terminal, and nothing
written to --out when the input is refused. The inputs and their expectations are the `.expect` files of
tests/bad_*/; this module only knows how each kind of input is fed to `gxets`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ACME, EXAMPLES, PHASE1, ROOT, run_cli
from tests.hostile import generated
from tests.hostile.corpus import COUNTED_ONLY, KINDS, Case, Expect, cases, counts, located, read_expect, with_lang

CASES = cases()
DACCS = EXAMPLES / "overseas-daccs" / "submission.yaml"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _submission_with_csv(case: Case, source: Path, folder: Path) -> Path:
    """A small valid submission beside the CSV, naming it as its lots CSV."""
    folder.mkdir(parents=True)
    shutil.copy(source, folder / source.name)
    template = (ROOT / "tests" / "bad_lots_csv" / "_submission.yaml").read_text(encoding="utf-8")
    path = folder / "submission.yaml"
    path.write_text(template.replace("LOTS_CSV", source.name), encoding="utf-8")
    return path


def _edited_ruleset(source: Path, folder: Path) -> Path:
    """A copy of the Phase-1 rule set with the edit ``source`` describes (replace a text, write or delete a file)."""
    shutil.copytree(PHASE1, folder)
    edit = yaml.safe_load(source.read_text(encoding="utf-8"))
    target = folder / edit["file"]
    if edit.get("delete"):
        target.unlink()
        return folder
    if "write" in edit:
        target.write_text(edit["write"], encoding="utf-8")
        return folder
    text = target.read_text(encoding="utf-8")
    replacement = edit["with"].replace("{many}", edit.get("unit", "") * edit.get("repeat", 0))
    assert edit["replace"] in text, f"{source.name}: {edit['replace']!r} is not in {edit['file']}"
    target.write_text(text.replace(edit["replace"], replacement, 1), encoding="utf-8")
    return folder


def _setup(steps: tuple[str, ...], folder: Path) -> None:
    """The scratch folder of a command-line case: what no committed file can be (pipes, links, a file in the way)."""
    for step in steps:
        verb, *rest = step.split()
        target = folder / rest[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        if verb == "fifo":
            os.mkfifo(target)
        elif verb == "symlink":
            target.symlink_to(rest[1] if rest[1].startswith("/") else folder / rest[1])
        elif verb == "file":
            target.write_text(" ".join(rest[1:]) or "x", encoding="utf-8")
        elif verb == "copy":
            shutil.copy(ROOT / rest[1], target)
        elif verb == "dir":
            target.mkdir()
        elif verb == "result":
            target.write_text(run_cli("check", ACME, "--format", "json").stdout, encoding="utf-8")
        else:
            raise ValueError(f"unknown setup step {step!r}")


def _command(case: Case, expect: Expect, source: Path | None, scratch: Path) -> list[str]:
    out = str(scratch / "out")
    extra = [arg.format(root=ROOT, acme=ACME, daccs=DACCS, scratch=scratch) for arg in expect.args]
    if case.kind == "bad_cli":
        return extra
    assert source is not None
    if case.kind in ("bad_submissions", "bad_workbooks"):
        return ["check", str(source), "--out", out, *extra]
    if case.kind == "bad_lots_csv":
        return ["check", str(_submission_with_csv(case, source, scratch / "submission")), "--out", out, *extra]
    if case.kind == "bad_ownership":
        return ["check", str(DACCS), "--ownership", str(source), "--out", out, *extra]
    if case.kind == "bad_market":
        return ["check", str(ACME), "--market", str(source), "--out", out, *extra]
    if case.kind == "bad_rulesets":
        return ["rules", "lint", str(_edited_ruleset(source, scratch / case.name)), *extra]
    raise ValueError(case.kind)


def _run_in_process(command: list[str]) -> tuple[int, str]:
    result = run_cli(*command)
    return result.exit_code, result.stderr + "\n" + result.stdout


def _run_in_a_process(command: list[str], stdout: str) -> tuple[int, str]:
    """A real process, for what only a real file descriptor shows: a closed pipe, a full disk."""
    argv = [sys.executable, "-m", "gxets_rules.app.cli", *command]
    if stdout == "closed-pipe":
        reader, writer = os.pipe()
        os.close(reader)
        try:
            proc = subprocess.run(argv, stdout=writer, stderr=subprocess.PIPE, text=True, timeout=120, check=False)
        finally:
            os.close(writer)
        return proc.returncode, proc.stderr
    with open(os.devnull if stdout == "null" else "/dev/full", "w", encoding="utf-8") as sink:
        proc = subprocess.run(argv, stdout=sink, stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    return proc.returncode, proc.stderr


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input_exits_with_its_code_and_a_located_message(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expect = read_expect(case.expect_file)
    source = case.input or (generated.make(case.id, tmp_path / "generated") if case.kind != "bad_cli" else None)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    _setup(expect.setup, scratch)
    monkeypatch.chdir(scratch)
    command = with_lang(_command(case, expect, source, scratch), expect.lang)
    stdout = expect.extra.get("stdout")
    code, output = _run_in_a_process(command, stdout) if stdout else _run_in_process(command)
    assert code == expect.exit, output
    if expect.where != "-":
        assert located(output, expect.where, expect.message), f"{expect.where} … {expect.message}\n{output}"
    assert "internal error" not in output and "Traceback" not in output, output
    assert not RAW_CONTROL.search(output), f"a raw control character reached the terminal: {output!r}"
    if code != 0 and case.kind != "bad_cli":
        assert not (scratch / "out").exists(), "nothing may be written for a refused input"


def test_there_are_at_least_200_named_hostile_inputs() -> None:
    found = counts()
    assert sum(found.values()) >= 200, found
    assert all(found[kind] >= 3 for kind in KINDS), found


def test_every_input_of_a_corpus_has_its_expectation() -> None:
    """An input without an .expect file would silently not run."""
    for kind, suffixes in KINDS.items():
        for suffix in suffixes:
            for path in (ROOT / "tests" / kind).glob(f"*{suffix}"):
                if path.name.startswith("_"):
                    continue
                stem = path.name.removesuffix(suffix)
                assert path.with_name(stem + ".expect").exists(), path
    assert set(COUNTED_ONLY).isdisjoint(KINDS)
