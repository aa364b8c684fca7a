"""Canonical keys of what a submitter spells: registries, certification numbers, lot ids.

A double claim must not slip through because the second firm wrote ``ｊｃｌ－ｒ－００４２`` where the first wrote
``JCL-R-0042``, or put a zero-width space in it, or called the registry "J-Credit Registry" instead of
``j_credit_registry``. So serial ranges are compared on canonical keys, and lot ids that differ only in such ways are
duplicates:

- text keys (certification numbers, lot ids): NFKC (full-width and compatibility forms become plain), invisible
  format characters removed (zero-width spaces and joiners, soft hyphens, direction marks, byte-order marks,
  variation selectors), every dash and minus variant written ``-`` (a katakana prolonged sound mark too, where it
  follows no kana: an IME's way of typing a hyphen), runs of white space made one space, trimmed, case-folded;
- registries: the code of the registry code list (``registries.yaml``) whose code or alias folds to the same letters
  (spaces, hyphens, underscores and dots dropped too); a registry not on the list keys as its folded name.

Nothing here changes what is stored or shown: the submitter's spelling stays in the result; only comparison uses keys.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\u02d7\u2e3a\u2e3b\ufe58\ufe63\uff0d"
_DASH = re.compile(f"[{_DASHES}]|(?<![\u3041-\u30fa])\u30fc")
_SPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s\-_.・･]+")


def _visible(char: str) -> bool:
    return unicodedata.category(char) != "Cf" and not "\ufe00" <= char <= "\ufe0f"


def canonical_text(text: str) -> str:
    """The comparison form of an identifier a person typed (certification number, lot id)."""
    if text.isascii():  # most ids: NFKC leaves ASCII as it is, and no invisible character or dash variant is ASCII
        return _SPACE.sub(" ", text).strip().casefold()
    folded = "".join(char for char in unicodedata.normalize("NFKC", text) if _visible(char))
    return _SPACE.sub(" ", _DASH.sub("-", folded)).strip().casefold()


def _letters(text: str) -> str:
    return _SEPARATORS.sub("", canonical_text(text))


@cache
def registry_codes() -> dict[str, str]:
    """Folded code or alias → the registry's code, from the code list kept beside this module."""
    path = Path(__file__).with_name("registries.yaml")
    entries = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["registries"]
    codes: dict[str, str] = {}
    for entry in entries:
        for spelling in (entry["code"], *entry.get("aliases", ())):
            codes[_letters(spelling)] = entry["code"]
    return codes


def canonical_registry(name: str) -> str:
    """The registry's code if the code list knows the name in any spelling, else the name's folded letters."""
    letters = _letters(name)
    return registry_codes().get(letters, letters)
