"""The closed and listed values of every input column, with the words people use for them.

One table serves the template (its drop-downs and code-list sheet) and the readers (which take a code, its Japanese or
English label, or another usual name, and note what they read it as). The words come from three places, none of them
code: the model's own closed values with the labels of the alias table (``reports/template/headers.yaml`` ``values``,
kinds and statuses from the report catalogues), a rule set's code lists (each names the fields it offers its values to,
``inputs:``), and ISO 3166-1 for countries (``io/countries.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from gxets_rules.evaluate.rulesets import load_ruleset
from gxets_rules.io.countries import countries
from gxets_rules.io.xlsx.layout import ROOTS, Column, SheetSpec, layout, words
from gxets_rules.model.problems import InputError
from gxets_rules.resources import data_dir, resolve_ruleset
from gxets_rules.ruleset.compiled import RuleSet
from gxets_rules.ruleset.strict_yaml import read_yaml_file

_ROOT_OF = {"lot": "lots", "submission": ""}
_CODE_IN_BRACKETS = re.compile(r"^(.*?)\s*[(（]\s*([^()（）]+?)\s*[)）]$")


def fold(text: str) -> str:
    """The comparison form of a typed value: width- and case-blind, spaces collapsed, ``-``/``_`` alike."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("_", "-")
    return " ".join(folded.split())


@dataclass(frozen=True)
class Choice:
    """One value a column takes: its code and what it is called."""

    code: str
    ja: str
    en: str
    also: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return (self.ja if lang == "ja" else self.en) or self.code

    def names(self) -> Iterable[str]:
        return (name for name in (self.code, self.ja, self.en, *self.also) if name)


@dataclass(frozen=True)
class ChoiceList:
    """The values of one column; ``closed``: no other value is valid (the model or the rule set says so)."""

    choices: tuple[Choice, ...]
    closed: bool
    _index: dict[str, set[str]] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        for choice in self.choices:
            for name in choice.names():
                self._index.setdefault(fold(name), set()).add(choice.code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(choice.code for choice in self.choices)

    def find(self, typed: str) -> tuple[str | None, tuple[str, ...]]:
        """The code ``typed`` names, or None with the codes it could mean (two or more: ambiguous; none: unknown).

        ``保有（held）`` — a label with its code in brackets, as the drop-down shows a shared label — is read too.
        """
        codes = self._index.get(fold(typed), set())
        if len(codes) == 1:
            return next(iter(codes)), ()
        bracketed = _CODE_IN_BRACKETS.match(unicodedata.normalize("NFKC", typed).strip())
        if bracketed:
            code = self._index.get(fold(bracketed.group(2)), set())
            named = self._index.get(fold(bracketed.group(1)), set())
            if len(code) == 1 and code <= named:
                return next(iter(code)), ()
        return None, tuple(sorted(codes))

    def shown(self, lang: str) -> list[tuple[str, str]]:
        """``(what the drop-down shows, code)`` for each choice: the label, with the code beside a shared label."""
        labels = [choice.label(lang) for choice in self.choices]
        return [
            (label if labels.count(label) == 1 else f"{label}（{choice.code}）", choice.code)
            for label, choice in zip(labels, self.choices, strict=True)
        ]


Vocabulary = dict[str, ChoiceList]
"""Column data path (``lots.status``, ``lots.project.country``) → its values."""
VocabularyFor = Callable[[str | None], Vocabulary]
"""The vocabulary for the rule set a submission names (None: it names none)."""


def column_path(spec: SheetSpec, column: Column) -> str:
    """A column's place in the data without list indices, e.g. ``lots.project.country``."""
    return ".".join((*spec.at, *column.path))


@cache
def _report_words(lang: str) -> dict[str, str]:
    data = read_yaml_file(data_dir("reports") / "messages" / f"{lang}.yaml").data
    return {str(k): str(v) for k, v in data.items()}


def _model_choices(column: Column) -> ChoiceList:
    """A closed model field's values with the alias table's words for them."""
    spec: dict[str, Any] = words().get("values", {}).get(column.keys[-1], {})
    if "same_as" in spec:
        spec = words()["values"][spec["same_as"]]
    labels: dict[str, dict[str, str]] = spec.get("labels", {})
    prefix = spec.get("catalogue")
    also: dict[str, list[str]] = spec.get("also", {})
    found = []
    for code in column.choices:
        if prefix:
            named = {lang: _report_words(lang).get(f"{prefix}.{code}", "") for lang in ("ja", "en")}
        else:
            named = labels.get(code, {})
        found.append(Choice(code, named.get("ja", ""), named.get("en", ""), tuple(also.get(code, ()))))
    return ChoiceList(tuple(found), closed=True)


def _country_choices(extra: dict[str, Choice]) -> ChoiceList:
    """Every ISO country; a rule set's own names for a country (its code list's labels) are read as well."""
    found = []
    for country in countries():
        listed = extra.get(country.code)
        more = (listed.ja, listed.en) if listed else ()
        found.append(Choice(country.code, country.ja, country.en, (*country.also, *more)))
    return ChoiceList(tuple(found), closed=False)


def _data_path(field: str) -> str:
    """A field as the rule language names it (``lot.project.country``) as a data path (``lots.project.country``)."""
    root, _, rest = field.partition(".")
    prefix = _ROOT_OF[root]
    return f"{prefix}.{rest}" if prefix else rest


def _ruleset_lists(ruleset: RuleSet) -> dict[str, ChoiceList]:
    """The values each of the rule set's code lists offers to a field (``inputs:``)."""
    found: dict[str, ChoiceList] = {}
    for codelist in ruleset.codelists.values():
        spec = codelist.spec
        for offered in spec.inputs:
            if offered.table is not None:
                rows: Iterable[tuple[Any, dict[str, Any]]] = spec.tables[offered.table].items()
            else:
                rows = ((entry[spec.key[0]], entry) for entry in spec.entries)
            choices = tuple(Choice(str(code), str(row.get("ja") or ""), str(row.get("en") or "")) for code, row in rows)
            found[_data_path(offered.field)] = ChoiceList(choices, offered.closed)
    return found


_BUILT: dict[str | None, Vocabulary] = {}
_BUILT_AT_MOST = 16  # rule set contents kept; a process sees one or two


def vocabulary(ruleset: RuleSet | None) -> Vocabulary:
    """Every listed column's values: the model's closed values, the rule set's lists, and the countries.

    Built once per rule set content (its SHA-256): a review reads hundreds of submissions against one rule set, and
    building the table (every country's names folded and indexed) was most of reading a small submission. The
    lists are frozen and shared; the table is a copy, since a caller may narrow a column (``offered``).
    """
    key = ruleset.sha256 if ruleset is not None else None
    built = _BUILT.get(key)
    if built is None:
        if len(_BUILT) >= _BUILT_AT_MOST:
            _BUILT.clear()
        built = _BUILT[key] = _build(ruleset)
    return dict(built)


def _build(ruleset: RuleSet | None) -> Vocabulary:
    listed = _ruleset_lists(ruleset) if ruleset is not None else {}
    found: Vocabulary = {}
    for root in ROOTS:
        for spec in layout(root):
            for column in spec.columns:
                path = column_path(spec, column)
                if column.kind == "country":
                    extra = {c.code: c for c in listed[path].choices} if path in listed else {}
                    found[path] = _country_choices(extra)
                elif path in listed:
                    found[path] = listed[path]
                elif column.choices:
                    found[path] = _model_choices(column)
    return found


def offered(ruleset: RuleSet | None) -> Vocabulary:
    """What the template's drop-downs offer: the vocabulary, with the kinds narrowed to those of the rule set.

    A reader takes every kind the model knows (the engine then says that a kind is not part of the rule set).
    """
    found = vocabulary(ruleset)
    if ruleset is not None:
        kinds = set(ruleset.manifest.kinds)
        found["lots.kind"] = ChoiceList(tuple(c for c in found["lots.kind"].choices if c.code in kinds), closed=True)
    return found


def _bundled(ref: str) -> RuleSet:
    try:
        return load_ruleset(resolve_ruleset(ref))
    except FileNotFoundError:
        raise InputError([]) from None


def words_of(load: Callable[[str], RuleSet] = _bundled, chosen: str | None = None) -> VocabularyFor:
    """The vocabulary of the rule set ``chosen`` (``--ruleset``), else of the one the submission names.

    A rule set that cannot be loaded leaves the model's words and the countries: what the rule set's lists would
    have read is then taken as typed, and the rule set's problem is reported where it is loaded for the check.
    """

    def pick(named: str | None) -> Vocabulary:
        ref = chosen or named
        if ref is None:
            return vocabulary(None)
        try:
            return vocabulary(load(ref))
        except InputError:
            return vocabulary(None)

    return pick
