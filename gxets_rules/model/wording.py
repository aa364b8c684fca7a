"""The words of input problems and intake notes, in Japanese and English, from the problem catalogues.

A problem is made with a catalogue key and its arguments (``Problem.of``) and told in the reader's language when it is
shown, so the code that finds a problem never writes its sentence. The catalogues are
``reports/messages/problems.ja.yaml`` and ``problems.en.yaml``: the same keys, ``{name}`` placeholders. An argument is
either text the person typed or a name (a file, a lot id), shown as it is in every language, or words of its own in
both languages (a column's heading, the kind of value expected), given as a ``(ja, en)`` pair.
"""

from __future__ import annotations

from functools import cache

import yaml

from gxets_rules.resources import data_dir

Words = tuple[str, str]
"""Words in Japanese and English: a heading, a value kind, a message a rule set wrote in both languages."""
Args = tuple[tuple[str, str | Words], ...]
LANGUAGES = ("ja", "en")


@cache
def problem_catalogue(lang: str) -> dict[str, str]:
    """Catalogue key → message template in ``lang`` (the project's own file, read once)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    path = data_dir("reports") / "messages" / f"problems.{lang}.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return {str(key): str(value) for key, value in data.items()}


def phrase(value: object) -> str | Words:
    """An argument as kept in a problem: a pair of words as it is, anything else as text."""
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return (value[0], value[1])
    return str(value)


def word(lang: str, key: str) -> str:
    """A catalogue entry in one language."""
    return problem_catalogue(lang)[key]


def words(key: str) -> Words:
    """A catalogue entry in both languages, as an argument for another message."""
    return (word("ja", key), word("en", key))


def wording(lang: str, code: str, args: Args) -> str:
    """The message ``code`` in ``lang`` with its arguments put in (an unknown key is a bug and raises)."""
    index = LANGUAGES.index(lang)
    values = {name: value if isinstance(value, str) else value[index] for name, value in args}
    return problem_catalogue(lang)[code].format(**values)
