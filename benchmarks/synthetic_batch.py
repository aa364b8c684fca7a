"""A seeded generator of a secretariat's batch: N firms × M credit lots, an ownership graph, planted double claims.

Each firm is a Phase-1 submission (YAML, a few lines) with its lots in a CSV beside it (`lots_csv:`, the fast path
for large holdings). Firms follow two profiles scaled by size: a firm short of its target (like the ACME example) and
a firm that beats its NDC-equivalent emissions with reasonable assurance and so creates excess reduction allowances
(like the Green Steel example). Lots mix J-credits of every TSE category, JCM credits (some outside the partner
countries), domestic and overseas voluntary credits — the overseas ones on projects of the ownership graph from
``synthetic_ownership.generate`` — and excess reduction allowances bought from the creating firms; some are
cancelled for another purpose, sold or of an unsettled legacy origin, so every verdict occurs.

Every serial range is drawn from a per-certification cursor, so ranges never overlap except where a double claim is
planted: a lot of one firm re-issued, in part, inside the range of a lot of another firm (``across``) or of the same
firm (``within``, which makes that submission invalid, as the rule set's integrity check demands). ``excess`` creating
firms have buyers that claim far more allowances than any firm of their size can create. ``planted.json`` lists what
was planted, for the acceptance test to compare with what a review finds.

    python benchmarks/synthetic_batch.py OUT [--firms 1000] [--lots 200] [--entities 50000] [--seed 7]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic_ownership import generate as generate_ownership  # noqa: E402
from gxets_rules.io.lots_csv import ALL_COLUMNS  # noqa: E402

AS_OF = "2026-12-07"
TSE_CATEGORIES = ["energy_saving", "renewable_electricity", "renewable_heat", "forest", "other"]
JCM_PARTNERS = ["MN", "VN", "ID", "TH", "KE"]
PROFILES = ("short", "creator")
CERTS_PER_REGISTRY = 40


class _Dumper(yaml.CSafeDumper):
    """Writes an exact share (Decimal) as the decimal text the strict loader reads back exactly."""


def _decimal(dumper: yaml.CSafeDumper, value: Decimal) -> yaml.Node:
    text = format(value, "f")
    return dumper.represent_scalar("tag:yaml.org,2002:float", text if "." in text else text + ".0")


_Dumper.add_representer(Decimal, _decimal)


@dataclass
class Lot:
    firm: str
    row: dict[str, Any]

    @property
    def id(self) -> str:
        return self.row["id"]


@dataclass
class Firm:
    id: str
    profile: str
    scale: int
    lots: list[Lot] = field(default_factory=list)


class Serials:
    """Disjoint serial ranges: a cursor per certification number, so no two drawn ranges ever overlap."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next: dict[tuple[str, str], int] = {}

    def draw(self, registry: str, prefix: str, quantity: int) -> dict[str, Any]:
        cert = f"{prefix}-{self.rng.randrange(CERTS_PER_REGISTRY):04d}"
        start = self.next.get((registry, cert), 1)
        self.next[(registry, cert)] = start + quantity + self.rng.randrange(0, 50)
        return {
            "registry": registry,
            "certification_number": cert,
            "serial_start": start,
            "serial_end": start + quantity - 1,
        }


def _submission(firm: Firm, ownership: str | None) -> dict[str, Any]:
    """The firm's submission without its lots: a short firm (ACME-like) or a creating one (Green Steel-like)."""
    k = firm.scale
    if firm.profile == "creator":
        base = {"fiscal_year": 2016, "method": "three_year_average", "direct_t": 800 * k, "indirect_t": 300 * k}
        targets = {"direct": {"phase_total_t": 1_850 * k}, "indirect": {"phase_total_t": 840 * k}}
        direct, indirect, assurance, average = (620, 590, 570), (280, 275, 270), "reasonable", 1_050
    else:
        base = {"fiscal_year": 2013, "method": "single_year", "direct_t": 1_000 * k, "indirect_t": 420 * k}
        targets = {"direct": {"phase_total_t": 2_400 * k}, "indirect": {"phase_total_t": 1_100 * k}}
        direct, indirect, assurance, average = (900, 880, 870), (360, 350, 340), "limited", 1_380
    actuals = [
        {"fiscal_year": 2023 + i, "scope": scope, "emissions_t": value * k, "assurance": assurance}
        for scope, values in (("direct", direct), ("indirect", indirect))
        for i, value in enumerate(values)
    ]
    return {
        "format": "gxets.submission.v1",
        "ruleset": "gxets-phase1",
        "as_of": AS_OF,
        "firm": {"id": firm.id, "name": f"Synthetic firm {firm.id}", "group": "G"},
        "base_year": base,
        "pre_scheme_average_t": average * k,
        "targets": targets,
        "actuals": actuals,
        "lots_csv": f"{firm.id}.lots.csv",
        **({"ownership": ownership} if ownership else {}),
    }


class _Lots:
    """Draws one firm's lots of every kind."""

    def __init__(self, rng: random.Random, serials: Serials, projects: list[str], budgets: dict[str, int]) -> None:
        self.rng, self.serials, self.projects = rng, serials, projects
        self.budgets = budgets  # creating firm → allowances still to sell, well below what it can create

    def status(self) -> dict[str, Any]:
        roll = self.rng.random()
        if roll < 0.05:
            return {"status": "cancelled_other", "status_date": "2025-06-30", "status_note": "SHK report"}
        if roll < 0.08:
            return {"status": "sold", "status_date": "2026-03-31"}
        if roll < 0.30:
            return {"status": "cancelled_gxets", "status_date": "2026-12-03", "cancellation_purpose": "phase1_target"}
        return {"status": "held"}

    def draw(self, lot_id: str) -> dict[str, Any]:
        rng = self.rng
        quantity = rng.randrange(100, 5_000)
        roll = rng.random()
        row: dict[str, Any] = {"id": lot_id, "quantity_t": quantity, "vintage": rng.choice((2022, 2023, 2024, 2025))}
        if roll < 0.45:
            category = rng.choice(TSE_CATEGORIES)
            number = rng.randrange(1_000)
            row |= {"kind": "j_credit", "tse_category": category}
            row |= self.serials.draw("j_credit_registry", f"JCL-{category[:3].upper()}-{number:04d}", quantity)
            row |= {"project.id": f"JCL-{number:04d}", "project.country": "JP", "project.programme": "j_credit"}
            row["project.methodology_code"] = "EN-R-002"
            if rng.random() < 0.03:  # a legacy credit never migrated to the J-credit scheme (INT-P1-09: review)
                row["tse_category"] = "j_ver_unmigrated_forest"
        elif roll < 0.60:
            country = rng.choice(JCM_PARTNERS) if rng.random() < 0.95 else "BR"
            row |= {"kind": "jcm", **self.serials.draw("jcm_registry", f"{country}-JP-JCM", quantity)}
            row |= {"project.id": f"JCM-{country}-{rng.randrange(100):03d}", "project.country": country}
            row |= {"project.programme": "jcm", "project.methodology_code": "AM001"}
        elif roll < 0.95:
            overseas = roll >= 0.85 and self.projects
            project = rng.choice(self.projects) if overseas else f"iso-jp-{rng.randrange(300):03d}"
            row |= {"kind": "voluntary", **self.serials.draw("isometric", f"ISO-DAC-{project}", quantity)}
            row |= {"project.id": project, "project.country": "US" if overseas else "JP"}
            row |= {"project.programme": "isometric", "project.methodology_code": "direct-air-capture"}
            row |= {"project.registration_id": f"GX-VC-{rng.randrange(10_000):04d}"}
            row["project.registration_applied_on"] = "2024-07-16"
        else:
            sellers = [firm for firm, left in self.budgets.items() if left >= quantity]
            if not sellers:
                return self.draw(lot_id)
            seller = rng.choice(sellers)
            self.budgets[seller] -= quantity
            row |= {"kind": "era", "origin_firm_id": seller, **self.serials.draw("gx_registry", "ERA-2026", quantity)}
            row.pop("vintage")
        return row | self.status()


def _plant(rng: random.Random, target: Lot, claimer: Lot) -> dict[str, Any]:
    """Turn ``claimer`` into a partial re-claim of ``target``'s serial range; the finding it must produce."""
    src = target.row
    length = rng.randrange(1, src["quantity_t"] + 1)
    start = src["serial_start"] + rng.randrange(0, src["quantity_t"] - length + 1)
    copied = {k: v for k, v in src.items() if k not in ("id", "status", "status_date", "status_note")}
    claimer.row = {"id": claimer.id, **copied, "quantity_t": length, "status": "held"}
    claimer.row |= {"serial_start": start, "serial_end": start + length - 1}
    return {
        "registry": src["registry"],
        "certification_number": src["certification_number"],
        "overlap": [start, start + length - 1],
        "lots": sorted([[target.firm, target.id], [claimer.firm, claimer.id]]),
    }


def _plant_double_claims(rng: random.Random, firms: list[Firm], across: int, within: int) -> list[dict[str, Any]]:
    """Plant ``across`` claims between two firms and ``within`` inside one firm.

    Targets are distinct lots that are not allowances (so no seller's balance moves) and never claimers; a claimer is
    used once. So each plant adds exactly one overlapping pair.
    """
    candidates = [
        lot for firm in firms for lot in firm.lots if lot.row["kind"] != "era" and lot.row["status"] != "sold"
    ]
    targets = rng.sample(candidates, across + within)
    taken = {(lot.firm, lot.id) for lot in targets}
    by_firm = {firm.id: firm for firm in firms}
    planted = []
    for index, target in enumerate(targets):
        firm = by_firm[target.firm] if index >= across else rng.choice([f for f in firms if f.id != target.firm])
        claimer = rng.choice([lot for lot in firm.lots if (lot.firm, lot.id) not in taken])
        taken.add((claimer.firm, claimer.id))
        planted.append(_plant(rng, target, claimer))
    return planted


def generate_batch(
    folder: Path,
    firms: int = 1_000,
    lots: int = 200,
    entities: int = 50_000,
    seed: int = 7,
    across: int = 20,
    within: int = 2,
    excess: int = 2,
    link_ownership: bool = False,
) -> dict[str, Any]:
    """Write the batch into ``folder`` (submissions/, ownership.yaml, planted.json); return what was planted.

    With ``link_ownership`` the graph sits beside the submissions and each names it (``ownership: ownership.yaml``: a
    submission may name only files in its own folder); otherwise it is ``folder/ownership.yaml``, which a review is
    given once (``--ownership``).
    """
    rng = random.Random(seed)
    submissions = folder / "submissions"
    submissions.mkdir(parents=True, exist_ok=True)
    projects: list[str] = []
    if entities:
        graph = generate_ownership(entities, holdings=3 * entities, projects=entities // 10, seed=seed)
        projects = [p["entity"] for p in graph["projects"]]
        graph_file = (submissions if link_ownership else folder) / "ownership.yaml"
        with graph_file.open("w", encoding="utf-8") as out:
            yaml.dump(graph, out, Dumper=_Dumper, default_flow_style=None, sort_keys=False, width=200)
    roster = [Firm(f"firm-{i:05d}", PROFILES[i % 4 == 3], rng.randrange(50, 2_000)) for i in range(firms)]
    creators = [firm for firm in roster if firm.profile == "creator"]
    excess_sellers = [firm.id for firm in creators[:excess]]
    budgets = {firm.id: 10 * firm.scale for firm in creators[excess:]}  # a creator of scale k creates ≈ 55 k t
    draw = _Lots(rng, Serials(rng), projects, budgets)
    for firm in roster:
        firm.lots = [Lot(firm.id, draw.draw(f"{firm.id}-L{n:04d}")) for n in range(lots)]
    planted = _plant_double_claims(rng, roster, across, within)
    for seller in excess_sellers:  # three buyers claim ten times the seller's whole direct target
        scale = next(firm.scale for firm in creators if firm.id == seller)
        for buyer in rng.sample([firm for firm in roster if firm.id != seller], 3):
            quantity = 10 * 1_850 * scale // 3
            row = {"id": f"{buyer.id}-ERA-{seller}", "kind": "era", "quantity_t": quantity, "origin_firm_id": seller}
            buyer.lots.append(
                Lot(buyer.id, row | draw.serials.draw("gx_registry", "ERA-2026", quantity) | {"status": "held"})
            )
    for firm in roster:
        submission = _submission(firm, "ownership.yaml" if link_ownership and entities else None)
        (submissions / f"{firm.id}.yaml").write_text(yaml.safe_dump(submission, sort_keys=False), "utf-8")
        with (submissions / f"{firm.id}.lots.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=ALL_COLUMNS)
            writer.writeheader()
            writer.writerows(lot.row for lot in firm.lots)
    manifest = {
        "firms": firms,
        "lots_per_firm": lots,
        "double_claims": sorted(planted, key=lambda p: p["lots"]),
        "within_firms": sorted({p["lots"][0][0] for p in planted if p["lots"][0][0] == p["lots"][1][0]}),
        "excess_sellers": sorted(excess_sellers),
    }
    (folder / "planted.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--firms", type=int, default=1_000)
    parser.add_argument("--lots", type=int, default=200)
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    manifest = generate_batch(args.out, args.firms, args.lots, args.entities, args.seed)
    print(f"{args.firms:,} firms × {args.lots:,} lots in {args.out}; planted {len(manifest['double_claims'])} claims")


if __name__ == "__main__":
    main()
