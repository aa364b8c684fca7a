"""Find English words in a Japanese report: every ASCII word that is not a code, an id, a number or the inputs' own.

A token is left alone when it is a code or a number — it has a digit, an underscore, a dot, a slash or an at sign
(``t-CO2``, ``INT-P1-04``, ``lot.status``, a URL), or it is in capitals (``GX-ETS``, ``JCM``, ``NDC``) — or when it is
the data's own: part of a string the result holds as data, found whole in the text (a firm's name, a lot or entity id,
an input value, a formula, a document's title), which excludes every text the result holds in two languages (titles,
messages, labels) and every citation (``source``): those a Japanese report must show in Japanese. In the page, text
inside ``<code>``, ``<style>`` and ``<script>`` is code. Anything else made of letters — ``for``, ``look-through``,
``Scope`` — is an untranslated English word.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any

import openpyxl

from gxets_rules.model.result import Result

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-./:@%+#?=&~'’]*")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
CODE_SPAN = re.compile(r"`[^`]*`")
ENGINE = "gxets-rules"
"""The engine's name, as the run record gives it beside its version."""
CITATION_KEYS = frozenset({"source"})
"""Keys whose strings are citations (document id and clause): shown to the reader, so worded in Japanese."""


def _is_word(token: str) -> bool:
    """An English word, not a code: letters (with hyphens or apostrophes inside), a small letter among them."""
    token = token.rstrip(".,:;!?'’-")
    if not WORD.fullmatch(token) or token.isupper():
        return False
    return not any(ch.isupper() for ch in token[1:])  # PwC, CarbonPlan: a name, not a word


def words_of(text: str) -> Iterator[str]:
    """The English words of a text; a span in backquotes (```rounding.yen = floor```) is code."""
    for token in TOKEN.findall(CODE_SPAN.sub(" ", text)):
        if _is_word(token):
            yield token.rstrip(".,:;!?'’-")


def _strings(value: Any, key: str = "") -> Iterator[str]:
    """Every string the result holds as data: not a text in two languages, not a citation."""
    if isinstance(value, dict):
        if set(value) <= {"ja", "en"} and value:
            return  # a localized text: the report must show its Japanese
        for k, v in value.items():
            if any(mark in k for mark in ":./"):  # a key that is data: an input named by role and file
                yield k
            if not (k in CITATION_KEYS and isinstance(v, str)):
                yield from _strings(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str):
        yield value


def known_phrases(result: Result) -> re.Pattern[str]:
    """The result's own data (names, ids, input values, formulas, document titles) as one pattern: where a text holds
    one of these strings whole, it is the data's, and the rest of the text is scanned."""
    data = {text for text in _strings(result.model_dump(mode="json")) if len(text) > 1}
    phrases = sorted(data | {ENGINE}, key=len, reverse=True)
    return re.compile("(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, phrases)) + ")(?![A-Za-z0-9])")


class _PageText(HTMLParser):
    """The page's text outside code, style and script."""

    SKIPPED = frozenset({"code", "style", "script"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"br", "meta", "link", "img", "input", "hr", "wbr", "col"}:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if not self.SKIPPED.intersection(self.open) and data.strip():
            self.texts.append(" ".join(data.split()))


def _english(texts: Iterable[str], known: re.Pattern[str]) -> list[tuple[str, str]]:
    return [(word, text[:160]) for text in texts for word in words_of(known.sub(" ", text))]


def english_in_html(html: str, result: Result) -> list[tuple[str, str]]:
    """(word, the text it is in) for each untranslated English word of a page."""
    parser = _PageText()
    parser.feed(html)
    return _english(parser.texts, known_phrases(result))


def english_in_xlsx(data: bytes, result: Result) -> list[tuple[str, str]]:
    """(word, sheet: the cell's text) for each untranslated English word of a workbook (sheet names included)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    texts = list(workbook.sheetnames)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            texts.extend(f"{sheet.title}: {v}" for v in row if isinstance(v, str))
    return _english(texts, known_phrases(result))
