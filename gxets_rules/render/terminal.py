"""Text made safe for a terminal: what a submission wrote is shown, never obeyed.

A firm's name, a lot id or a file name comes from outside and is printed on a reviewer's terminal. An escape sequence
in it (``ESC [2J`` clears the screen, ``ESC ]0;…`` retitles the window, a C1 ``CSI`` does the same in one byte) or a
bidirectional override (U+202E makes the rest of a line read backwards) would act on the terminal instead of being read.
So every such character is shown as its escape, ``\\x1b`` or ``\\u202e``; line breaks and tabs stay. JSON printed for
a program gets the same characters as JSON escapes (``\\u001b``), which decode to the same text.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_JSON = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control and direction-override character written as its escape (line breaks kept)."""
    return _UNSAFE.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON text with the same characters escaped as JSON escapes (JSON itself escapes only C0 controls)."""
    return _UNSAFE_IN_JSON.sub(lambda found: f"\\u{ord(found.group()):04x}", text)
