"""The SHA-256 of the result JSON of every example and of every benchmark input, as ``gxets check`` writes it.

``tests/test_result_hashes.py`` compares them with ``tests/result_hashes.json``: a change that is meant to be a pure
speed-up (compiled rules, lazy imports, a faster encoder) must leave every byte of every result as it was. When the
result is *meant* to change (a new format, a rule set revision), regenerate the file in the same commit and say why:

    .venv/bin/python scripts/result_hashes.py --write

The benchmark inputs are the seeded generators of ``benchmarks/`` at a size the suite can afford: a batch of firms
with their lots in CSV and an ownership graph (synthetic_batch.py), and a submission of many lots in CSV and in YAML.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_batch import generate_batch  # noqa: E402
from benchmarks.synthetic_check import generate_check  # noqa: E402
from gxets_rules.app.pipeline import CheckRequest, SharedInputs, run_check  # noqa: E402
from gxets_rules.io.writers import canonical_json  # noqa: E402
from gxets_rules.model.problems import InputError  # noqa: E402

HASHES = ROOT / "tests" / "result_hashes.json"
TODAY = date(2026, 12, 7)


def _digest(request: CheckRequest, shared: SharedInputs, folder: Path = ROOT) -> str:
    try:
        text = canonical_json(run_check(request, today=TODAY, shared=shared))
    except InputError as exc:  # a planted invalid submission: its problems (located under ``folder``) are its result
        text = "\n".join(str(problem) for problem in exc.problems).replace(str(folder), "<folder>")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def result_hashes() -> dict[str, str]:
    """Input name → SHA-256 of its result, for every example and a small run of every benchmark generator."""
    shared = SharedInputs()
    found = {
        f"examples/{path.parent.name}": _digest(CheckRequest(path), shared)
        for path in sorted(ROOT.glob("examples/*/submission.yaml"))
    }
    with tempfile.TemporaryDirectory(prefix="gxets-result-hashes-") as scratch:
        folder = Path(scratch)
        generate_batch(folder / "batch", firms=24, lots=40, entities=1_500)
        ownership = folder / "batch" / "ownership.yaml"
        for path in sorted((folder / "batch" / "submissions").glob("*.yaml")):
            found[f"batch/{path.stem}"] = _digest(CheckRequest(path, ownership=ownership), shared, folder)
        for form in ("csv", "yaml"):
            path = generate_check(folder / form, lots=400, form=form)
            found[f"check-{form}"] = _digest(CheckRequest(path), shared, folder)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"Write {HASHES.relative_to(ROOT)}.")
    args = parser.parse_args()
    found = result_hashes()
    if args.write:
        HASHES.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {len(found)} hashes to {HASHES.relative_to(ROOT)}")
        return 0
    expected = json.loads(HASHES.read_text(encoding="utf-8"))
    differ = sorted(name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name))
    for name in differ:
        print(f"differs: {name}")
    print(f"{len(found) - len(differ)} of {len(found)} results as recorded")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
