"""Strict, located YAML reading for submissions and rule sets.

Submissions come from outside and rule sets decide money, so YAML is read with the
C loader's composer (fast: DESIGN.md §8) and then walked here, which lets us refuse
what a plain ``safe_load`` silently accepts: duplicate keys (the second value would win
without a word), anchors and aliases (the "billion laughs" bomb, and copy-by-reference
that a reviewer cannot see), and explicit tags. Floats are read as :class:`Decimal`
from their source text, so ``0.51`` is exactly 51/100 and never 0.51000000000000001.

Every value's place in the file can be found again (:meth:`Document.location_of`) so that
schema errors found later can still be reported as ``file:line:column``.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from gxets_rules.errors import InputError, Location, Problem, display_path

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""Largest YAML input accepted; a submission with more lots belongs in a lots CSV."""

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
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"

YamlPath = tuple[str | int, ...]


@dataclass
class Document:
    """Parsed YAML data, and the place in the file of every value, found on demand from the composed node tree.

    Locations are needed only for the few values a problem is reported on, so none is worked out while reading:
    a 50,000-entity ownership file has about two million values.
    """

    data: Any
    file: str
    root: yaml.Node | None = field(default=None, repr=False)

    def location_of(self, path: YamlPath) -> Location:
        """The location of ``path`` or of its nearest ancestor that has one."""
        if self.root is None:
            return Location(self.file)
        node = self.root
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
        mark = node.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    """The node at one step of a path: a mapping's value under a key, or a sequence's item."""
    if isinstance(node, yaml.MappingNode):
        text = str(part)
        return next((value for key, value in node.value if key.value in (part, text)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part]
    return None


class _Walker:
    """Turns a composed node tree into plain Python data, recording problems."""

    def __init__(self, loader: yaml.CSafeLoader, file: str, may_alias: bool) -> None:
        self.loader = loader
        self.file = file
        self.problems: list[Problem] = []
        self.seen: set[int] | None = set() if may_alias else None  # an alias is the same node met twice
        self.alias_found = False
        self.first_chars = loader.yaml_implicit_resolvers  # a plain scalar starting otherwise can only be text

    def location(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.file, mark.line + 1, mark.column + 1)

    def problem(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.location(node), message))

    def walk(self, node: yaml.Node) -> Any:
        if self.seen is not None:
            if id(node) in self.seen:
                self.alias_found = True
                return None
            self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if node.tag != _SEQ_TAG:
            self.problem(node, f"YAML tags are not allowed (found {node.tag})")
        return [self.walk(item) for item in node.value]

    def _mapping(self, node: yaml.MappingNode) -> dict[Hashable, Any]:
        if node.tag != _MAP_TAG:
            self.problem(node, f"YAML tags are not allowed (found {node.tag})")
        result: dict[Hashable, Any] = {}
        first_seen: dict[Hashable, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problem(key_node, "merge keys (<<) are not allowed; write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, "a mapping key must be a plain scalar")
                continue
            key = self._scalar(key_node)
            if not isinstance(key, str | int) or isinstance(key, bool):
                key = key_node.value
            if key in first_seen:
                line = first_seen[key].start_mark.line + 1
                self.problem(key_node, f"duplicate key {key!r} (first at line {line})")
                continue
            first_seen[key] = key_node
            result[key] = self.walk(value_node)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        value = node.value
        if node.tag == _STR_TAG and (node.style or (value and value[0] not in self.first_chars)):
            return value  # quoted, or plain text that no implicit type could claim: no tag was written
        if node.tag not in _STANDARD_TAGS:
            self.problem(node, f"YAML tags are not allowed (found {node.tag})")
            return value
        implicit = self.loader.resolve(yaml.ScalarNode, value, (True, False))
        if not node.style and implicit != node.tag:
            self.problem(node, f"YAML tags are not allowed (found {node.tag})")
        if node.tag == _FLOAT_TAG:
            return self._decimal(node)
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            self.problem(node, f"cannot read value {value!r}: {exc}")
            return None

    def _decimal(self, node: yaml.ScalarNode) -> Decimal | None:
        text = node.value.replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            self.problem(node, f"{node.value!r} is not a finite number")
            return None
        return value


def _alias_problems(text: str, file: str) -> list[Problem]:
    """Locate every alias by scanning events; only run once an alias is known to exist."""
    loader = yaml.CSafeLoader(text)
    found = []
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                found.append(
                    Problem(
                        Location(file, mark.line + 1, mark.column + 1),
                        "anchors and aliases (&, *) are not allowed; write the value out",
                    )
                )
    finally:
        loader.dispose()
    return found


def read_yaml_text(text: str, file: str) -> Document:
    """Parse YAML text strictly; raise :class:`InputError` listing every problem."""
    loader = yaml.CSafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
            raise InputError([Problem(loc, f"malformed YAML: {exc.problem or exc}")]) from None
        except yaml.YAMLError as exc:
            raise InputError([Problem(Location(file), f"malformed YAML: {exc}")]) from None
        if root is None:
            raise InputError([Problem(Location(file), "the file is empty")])
        walker = _Walker(loader, file, may_alias="&" in text or "*" in text)
        data = walker.walk(root)
    finally:
        loader.dispose()
    if walker.alias_found:
        walker.problems.extend(_alias_problems(text, file))
    if walker.problems:
        raise InputError(walker.problems)
    return Document(data=data, file=file, root=root)


def read_yaml_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read a YAML file with a size limit, strict rules and locations."""
    shown = display_path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError([Problem(Location(shown), f"cannot read file: {exc.strerror}")]) from None
    if size > max_bytes:
        raise InputError(
            [
                Problem(
                    Location(shown),
                    f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes "
                    "(put bulk credit lots in a lots CSV, or raise --max-bytes)",
                )
            ]
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(Location(shown), f"not UTF-8 text: {exc.reason} at byte {exc.start}")]) from None
    except OSError as exc:
        raise InputError([Problem(Location(shown), f"cannot read file: {exc.strerror}")]) from None
    return read_yaml_text(text, shown)
