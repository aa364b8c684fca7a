"""Evidence in words: an ownership witness path, composed from its facts in the reader's language.

The engine records evidence as data (``EvidenceItem``: a kind such as ``ownership.holding`` and its facts — entity
ids, ISO dates, exact shares as text), never as sentences, so the same result reads in Japanese and in English. The
sentences are catalogue entries (``evidence.<kind>`` and the ``evidence.status.*`` clauses in
``reports/messages/{ja,en}.yaml``) filled with the facts; shares are shown as percentages (``25%``, ``≈12.6316%``,
a range as ``10%–25%``). Names and ids are the submission's own and are shown as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import orjson

from gxets_rules.model.result import EvidenceItem
from gxets_rules.render.catalogue import Text
from gxets_rules.ruleset.values import pct_range, range_of_text


def share(text: Any) -> str:
    """An exact share or range of the evidence (``1/4``, ``1/10..1/4``) as a percentage (``25%``, ``10%–25%``)."""
    return _share_of_text(str(text))


@lru_cache(maxsize=65_536)
def _share_of_text(text: str) -> str:
    """The same share recurs across a graph's evidence (one holding behind many lots): each is worded once."""
    found = range_of_text(text)
    return pct_range(found.lo, found.hi)


def _holders(pairs: Sequence[Sequence[Any]], t: Text) -> str:
    """``kaisei 35% + nihon-energy 20%``; none as the catalogue's word."""
    return " + ".join(f"{owner} {share(part)}" for owner, part in pairs) or t("evidence.none")


def status_text(status: Mapping[str, Any], t: Text) -> str:
    """Why an entity is (or is not) a participant etc. on a day, from :meth:`Status.describe`'s facts."""
    basis, entity = status["basis"], status["entity"]
    if basis in ("representative", "boundary"):
        return t(f"evidence.status.{basis}").format(entity=entity, representative=status.get("representative"))
    holders, excluded = status.get("holders", []), status.get("excluded", [])
    words = {"entity": entity, "holders": _holders(holders, t), "total": share(status.get("total", "0"))}
    if basis != "none":
        return t(f"evidence.status.{basis}").format(**words)
    if not holders and not excluded:
        return t("evidence.status.none").format(**words)
    others = t("evidence.status.excluded").format(holders=_holders(excluded, t)) if excluded else ""
    return t("evidence.status.none_held").format(excluded=others, **words)


def evidence_text(item: EvidenceItem, t: Text) -> str:
    """One piece of evidence as a sentence in the catalogue's language; a kind without an entry is shown by its
    facts (a newer engine's evidence read by an older report)."""
    data: dict[str, Any] = dict(item.data)  # facts are JSON values; each kind knows the shape of its own
    template = t.get("evidence." + item.kind, "")
    if not template:
        return f"{item.kind}: " + ", ".join(f"{key} {value}" for key, value in sorted(data.items()))
    if "status" in data:
        data["status"] = status_text(data["status"], t)
    if item.kind == "ownership.holding":
        for key in ("held_start", "held_end", "counted"):
            data[key] = share(data[key])
        reason = data.get("break")
        data["break"] = t(f"evidence.break.{reason}").format(**data) if reason else ""
        data["not_on"] = t("evidence.not_on").format(day=data["not_on"]) if data.get("not_on") else ""
    elif item.kind == "ownership.path":
        chain, shares = data["chain"], data["shares"]
        steps = zip(chain[:-1], shares, strict=True)
        data["chain"] = "".join(f"{entity} →{share(part)}→ " for entity, part in steps) + chain[-1]
        data["effective"] = share(data["effective"])
    elif "share" in data:
        data["share"] = share(data["share"])
    return template.format(**data)


class EvidenceWords:
    """Evidence worded in one language, each distinct piece once: the same holding or path stands behind many lots
    (and both reports of a check word the same evidence), so a sentence is composed the first time its facts are seen
    and looked up by them after."""

    def __init__(self, t: Text) -> None:
        self.t = t
        self._texts: dict[tuple[str, bytes], str] = {}

    def __call__(self, item: EvidenceItem) -> str:
        try:
            key = (item.kind, orjson.dumps(item.data, option=orjson.OPT_SORT_KEYS))
        except TypeError:  # facts orjson does not encode (an integer beyond 64 bits): worded every time
            return evidence_text(item, self.t)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = evidence_text(item, self.t)
        return text
