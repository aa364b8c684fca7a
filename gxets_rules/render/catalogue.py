"""Message catalogues (``reports/messages/<lang>.yaml``) and the formatting of result values.

Rule-specific text travels in the result JSON (already in both languages); the fixed
words of a report — headings, column names, verdict names — come from these catalogues,
so a report designer can change them without touching code. Reports default to Japanese.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from gxets_rules.model.base import LocalizedText
from gxets_rules.resources import data_dir
from gxets_rules.ruleset.strict_yaml import read_yaml_file

LANGUAGES = ("ja", "en")


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    data = read_yaml_file(data_dir("reports") / "messages" / f"{lang}.yaml").data
    return {str(key): str(value) for key, value in data.items()}


class Text:
    """``t('verdict.eligible')`` in one language; an unknown key is a bug and raises."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages = catalogue(lang)

    def __call__(self, key: str) -> str:
        return self.messages[key]

    def get(self, key: str, default: str) -> str:
        return self.messages.get(key, default)

    # the words of a lot, the same in the terminal, the reports and the review summary
    def kind(self, kind: str) -> str:
        """A kind's name; one the catalogue does not name (a rule set's cap class, say) shows as its id."""
        return self.get("kind." + kind, kind)

    def lot_status(self, status: str) -> str:
        return self.get("status." + status, status)

    def verdict(self, verdict: str) -> str:
        return self("verdict." + verdict)

    def outcome(self, outcome: str) -> str:
        return self("outcome." + outcome)

    def localized(self, value: LocalizedText | None) -> str:
        """A text of the result in this language (English where this language's is empty); none: empty."""
        if value is None:
            return ""
        return value.get(self.lang) or value.en

    def value(self, value: Any, unit: str | None = None) -> str:
        """A result value for people: grouped digits, yes/no, dash for not defined."""
        if value is None:
            return "–"
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return ", ".join(self.value(item) for item in value)
        if isinstance(value, bool):
            return self("bool.true") if value else self("bool.false")
        if isinstance(value, int) and unit == "fy":
            return f"FY{value}"
        if isinstance(value, int):
            text = f"{value:,}"
            return f"{text} {self('unit.' + unit)}" if unit in {"t", "jpy"} else text
        return str(value)
