"""How wide a text shows: in a terminal's columns, and in a spreadsheet's character widths.

Japanese (wide) characters take two columns, combining marks none. The widths come from ``wcwidth``, which follows
the Unicode standard's East Asian Width and zero-width tables (a maintained library, so a new Unicode version is an
upgrade, not our code); a control character, which has no width, counts as none.
"""

from __future__ import annotations

from wcwidth import wcwidth


def display_width(text: str) -> int:
    """Columns a text takes in a terminal, and character widths in a spreadsheet column: 名 is 2, A is 1."""
    return sum(max(0, wcwidth(ch)) for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """The text padded with spaces to ``width`` columns (on the left for ``right``-aligned figures)."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap
