"""ISO 3166-1 countries with their Japanese and English names, from pycountry (the ISO list and its translations).

A person writes a project's host country as ``JP``, ``日本`` or ``Japan``; the model holds the alpha-2 code. pycountry
keeps the ISO 3166-1 list and the Debian iso-codes translations current, so neither the list nor the Japanese names are
maintained here. The template's country drop-down lists every country, Japan first.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache

import pycountry

FIRST = "JP"
_BRACKETED = re.compile(r"\s*[（(]([^)）]*)[)）]\s*")


@dataclass(frozen=True)
class Country:
    code: str
    ja: str
    en: str
    also: tuple[str, ...]  # other names: official, common, and the short Japanese name in brackets


@cache
def countries() -> tuple[Country, ...]:
    """Every ISO 3166-1 country, Japan first, then by code."""
    japanese = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"], fallback=True)
    found = []
    for entry in pycountry.countries:
        english = str(entry.name)
        full = japanese.gettext(english)
        short = _BRACKETED.sub("", full).strip() or full
        names = [full, *_BRACKETED.findall(full)]
        for attr in ("common_name", "official_name"):
            other = getattr(entry, attr, None)
            if other:
                names += [str(other), japanese.gettext(str(other))]
        en = str(getattr(entry, "common_name", None) or english)
        found.append(Country(str(entry.alpha_2), short, en, tuple(dict.fromkeys([*names, english]))))
    return tuple(sorted(found, key=lambda c: (c.code != FIRST, c.code)))
