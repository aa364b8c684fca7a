"""Load a market snapshot file into an immutable :class:`MarketSnapshot`, or report every problem.

Read with the strict YAML reader (no duplicate keys, aliases or tags; decimals exact, so ``1800.5`` yen is refused
by the model rather than rounded). The file's SHA-256 goes into the run record beside the submission's.
"""

from __future__ import annotations

from pathlib import Path

from gxets_rules.io.formats import validate_format
from gxets_rules.model.loaded import LoadedMarket
from gxets_rules.model.market import MARKET_FORMAT, MarketSnapshot
from gxets_rules.model.problems import InputError, Location, Problem
from gxets_rules.ruleset.files import sha256_file
from gxets_rules.ruleset.strict_yaml import DEFAULT_MAX_BYTES, read_yaml_file


def load_market(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedMarket:
    """Read and validate a ``gxets.market.v1`` YAML file."""
    doc = read_yaml_file(path, max_bytes=max_bytes)
    snapshot = validate_format(doc, MarketSnapshot, MARKET_FORMAT, "market")
    first: dict[str, Location] = {}
    problems = []
    for index, product in enumerate(snapshot.products):
        where = doc.location_of(("products", index))
        if product.id in first:
            problems.append(
                Problem.of(where, "market.duplicate_product", id=product.id, first=first[product.id].place_words)
            )
        first.setdefault(product.id, where)
    if problems:
        raise InputError(problems)
    return LoadedMarket(snapshot, path.name, sha256_file(path))
