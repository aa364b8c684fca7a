"""How wide a text shows: in a terminal's columns, and in a spreadsheet's character widths.

Japanese (wide) characters take two columns, combining marks none. The widths come from ``wcwidth``, which follows
the Unicode standard's East Asian Width and zero-width tables (a maintained library, so a new Unicode version is an
upgrade, not our code); a control character, which has no width, counts as none.
"""

from __future__ import annotations

from functools import cache

from wcwidth import wcwidth


@cache
def _char_width(ch: str) -> int:
    return max(0, wcwidth(ch))


def display_width(text: str) -> int:
    """Columns a text takes in a terminal, and character widths in a spreadsheet column: 名 is 2, A is 1.

    Printable ASCII is one column a character (the width of most ids and figures, counted at once); other characters
    are looked up once each (a workbook measures the wrapped text of every row of 100,000)."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(map(_char_width, text))


def pad(text: str, width: int, right: bool = False) -> str:
    """The text padded with spaces to ``width`` columns (on the left for ``right``-aligned figures)."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap
