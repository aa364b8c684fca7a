"""Strict, located YAML reading for submissions and rule sets.

Submissions come from outside and rule sets decide money, so data is built here straight
from the C parser's events (fast), which lets us refuse
what a plain ``safe_load`` silently accepts: duplicate keys (the second value would win
without a word), anchors and aliases (the "billion laughs" bomb, and copy-by-reference
that a reviewer cannot see), and explicit tags. Floats are read as :class:`Decimal`
from their source text, so ``0.51`` is exactly 51/100 and never 0.51000000000000001.

Every value's place in the file can be found again (:meth:`Document.location_of`) so that
schema errors found later can still be reported as ``file:line:column``.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from gxets_rules.model.problems import InputError, Location, Problem, display_path
from gxets_rules.ruleset.files import read_limited

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Largest YAML input accepted; a submission with more lots belongs in a lots CSV."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted. The formats nest a few levels; a file nested a thousand levels
deep is an attack on the reader (and on every later walk over the data), so it is refused with its line."""
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
"""How a whole number is written: decimal digits (``_`` groups them). YAML 1.1 also reads ``0x7530`` as hex, ``0755``
as octal and ``8:20`` as 500 (base 60): a reviewer would read those differently, so they are refused."""

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_FLOAT_TAG = "tag:yaml.org,2002:float"
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"

YamlPath = tuple[str | int, ...]


@dataclass
class Document:
    """Parsed data and the place in its file of every value (a YAML line and column, or a workbook cell).

    A reader that knows the places as it reads (the workbook reader) gives ``locations``. For YAML they are needed
    only for the few values a problem is reported on, so they are not worked out while reading (a 50,000-entity
    ownership file has about two million values): the first question re-reads the text's events and indexes every
    value's place.
    """

    data: Any
    file: str
    locations: dict[YamlPath, Location] | None = None
    text: str = field(default="", repr=False)
    names: dict[YamlPath, tuple[str, str]] | None = None  # a workbook's column headings (ja, en) by value path

    def name_of(self, path: YamlPath) -> tuple[str, str] | None:
        """What the person calls the field at ``path`` (a workbook column's heading), or None (YAML: its path)."""
        return None if self.names is None else self.names.get(tuple(path))

    def location_of(self, path: YamlPath) -> Location:
        """The location of ``path`` or of its nearest ancestor that has one."""
        if self.locations is None:  # data made in code (a rule test's inline submission) has no text to locate in
            self.locations = _Reader(self.text, self.file, locate=True).read()[1] if self.text else {}
        probe = tuple(path)
        while probe:
            found = self.locations.get(probe)
            if found is not None:
                return found
            probe = probe[:-1]
        return self.locations.get((), Location(self.file))


class _Reader:
    """Builds plain Python data straight from the C parser's events, recording problems.

    Composing a node tree first (what ``yaml.safe_load`` does) costs several times the parse itself; the data is
    built here in one pass instead. Nothing an alias points at is ever expanded: an alias is a problem.
    """

    def __init__(self, text: str, file: str, locate: bool = False) -> None:
        self.text = text
        self.loader: Any = yaml.CSafeLoader(text)  # its stubs call every event optional; a parse always has one
        self.file = file
        self.problems: list[Problem] = []
        self.locations: dict[YamlPath, Location] | None = {} if locate else None
        self.first_chars = self.loader.yaml_implicit_resolvers  # a plain scalar starting otherwise can only be text
        self.tags: dict[str, str] = {}  # plain scalar → its implicit tag: keys and many values recur thousands of times

    def read(self) -> tuple[Any, dict[YamlPath, Location]]:
        loader = self.loader
        try:
            loader.get_event()  # stream start
            if loader.check_event(yaml.StreamEndEvent):
                raise InputError([Problem.of(Location(self.file), "yaml.empty")])
            loader.get_event()  # document start
            data = self.value(loader.get_event(), ())
            loader.get_event()  # document end
            if not loader.check_event(yaml.StreamEndEvent):
                event = loader.get_event()
                self.problem(event, "yaml.one_document")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            loc = Location(self.file, mark.line + 1, mark.column + 1) if mark else Location(self.file)
            raise InputError([Problem.of(loc, "yaml.malformed", detail=exc.problem or exc)]) from None
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow, found before any token
            where = self.position(exc.position)
            raise InputError([Problem.of(where, "yaml.bad_character", char=f"U+{exc.character:04X}")]) from None
        except yaml.YAMLError as exc:
            raise InputError([Problem.of(Location(self.file), "yaml.malformed", detail=exc)]) from None
        finally:
            loader.dispose()
        if self.problems:
            raise InputError(self.problems)
        return data, self.locations or {}

    def position(self, index: int) -> Location:
        """The line and column of the ``index``-th character of the text."""
        before = self.text[:index]
        line = before.count("\n")
        return Location(self.file, line + 1, index - (before.rfind("\n") + 1) + 1)

    def location(self, event: yaml.Event) -> Location:
        mark = event.start_mark
        assert mark is not None  # the parser marks every event it emits
        return Location(self.file, mark.line + 1, mark.column + 1)

    def problem(self, event: yaml.Event, code: str, **args: Any) -> None:
        """A problem at ``event``, worded by the problem catalogues (``code``)."""
        self.problems.append(Problem.of(self.location(event), code, **args))

    def value(self, event: yaml.Event, path: YamlPath) -> Any:
        if self.locations is not None:
            self.locations[path] = self.location(event)
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event)
        if len(path) >= MAX_DEPTH and isinstance(event, yaml.CollectionStartEvent):
            self.problem(event, "yaml.too_deep", limit=MAX_DEPTH)
            self.skip(event)
            return None
        if isinstance(event, yaml.MappingStartEvent):
            return self.mapping(event, path)
        if isinstance(event, yaml.SequenceStartEvent):
            self.untagged(event, _SEQ_TAG)
            items: list[Any] = []
            while not self.loader.check_event(yaml.SequenceEndEvent):
                items.append(self.value(self.loader.get_event(), (*path, len(items))))
            self.loader.get_event()
            return items
        self.problem(event, "yaml.alias")
        return None

    def untagged(self, event: yaml.CollectionStartEvent, tag: str) -> None:
        if event.tag is not None and event.tag not in ("!", tag):
            self.problem(event, "yaml.tag", tag=event.tag)

    def mapping(self, event: yaml.MappingStartEvent, path: YamlPath) -> dict[Hashable, Any]:
        self.untagged(event, _MAP_TAG)
        result: dict[Hashable, Any] = {}
        first_seen: dict[Hashable, int | None] = {}
        while not self.loader.check_event(yaml.MappingEndEvent):
            key_event = self.loader.get_event()
            if not isinstance(key_event, yaml.ScalarEvent):
                self.problem(key_event, "yaml.complex_key")
                self.skip(key_event)
                self.skip(self.loader.get_event())
                continue
            if key_event.value == "<<" and not key_event.style and key_event.tag is None:  # what resolves to merge
                self.problem(key_event, "yaml.merge_key")
                self.skip(self.loader.get_event())
                continue
            key = self.scalar(key_event)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = key_event.value
            if key in first_seen:
                self.problem(key_event, "yaml.duplicate_key", key=key, line=str(first_seen[key]))
                self.skip(self.loader.get_event())
                continue
            first_seen[key] = key_event.start_mark.line + 1  # type: ignore[union-attr]  # the parser marks every event
            result[key] = self.value(self.loader.get_event(), (*path, key))
        self.loader.get_event()
        return result

    def skip(self, event: yaml.Event) -> None:
        """Consume the rest of a value whose first event was ``event`` (a value reported and left out)."""
        depth = 1 if isinstance(event, yaml.CollectionStartEvent) else 0
        while depth:
            event = self.loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                self.problem(event, "yaml.alias")
            depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)

    def _resolve(self, value: str) -> str:
        if value and value[0] not in self.first_chars:
            return _STR_TAG  # plain text that no implicit type (number, date, bool, null) could claim
        tag = self.tags.get(value)
        if tag is None:
            tag = self.tags[value] = self.loader.resolve(yaml.ScalarNode, value, (True, False))
        return tag

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        value, plain, tag = event.value, not event.style, event.tag
        if tag is None or tag == "!":
            tag = self._resolve(value) if plain else _STR_TAG
        elif tag not in _STANDARD_TAGS or (plain and self._resolve(value) != tag):
            self.problem(event, "yaml.tag", tag=tag)
            return value
        if tag == _STR_TAG:
            return value
        if tag == _FLOAT_TAG:
            return self._decimal(event)
        if tag == _INT_TAG and not _DECIMAL_INT.fullmatch(value):
            self.problem(event, "yaml.not_decimal", typed=_cut(value))
            return None
        try:
            return self.loader.yaml_constructors[tag](self.loader, yaml.ScalarNode(tag, value))
        except (yaml.YAMLError, ValueError, KeyError) as exc:
            self.problem(event, "yaml.unreadable_value", typed=_cut(value), detail=_cut(str(exc), 120))
            return None

    def _decimal(self, event: yaml.ScalarEvent) -> Decimal | None:
        try:
            value = Decimal(event.value.replace("_", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.problem(event, "yaml.not_finite", typed=_cut(event.value))
            return None
        return value


def _cut(text: str, limit: int = 60) -> str:
    """A value quoted in a message, cut short: a message must stay readable whatever was typed."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_yaml_text(text: str, file: str) -> Document:
    """Parse YAML text strictly; raise :class:`InputError` listing every problem."""
    data, _ = _Reader(text, file).read()
    return Document(data=data, file=file, text=text)


def read_yaml_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a YAML file with a size limit, strict rules and locations."""
    shown = display_path(path)
    data = read_limited(path, shown, max_bytes, "advice.lots_csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        where = Location(shown, line, exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1)
        raise InputError([Problem.of(where, "yaml.not_utf8", byte=exc.start)]) from None
    return read_yaml_text(text, shown)
