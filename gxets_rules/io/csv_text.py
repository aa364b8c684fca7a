"""The text of a CSV file as Japanese Excel saves it: UTF-8 (with or without a BOM) or CP932 (Shift_JIS).

Excel's 「CSV UTF-8」 writes UTF-8 with a BOM, its plain 「CSV」 writes the system code page — CP932 on a Japanese
Windows. The two are told apart by a strict try-order, not by a guessing detector: valid UTF-8 is read as UTF-8 (a
CP932 file of Japanese text is practically never valid UTF-8), else the bytes must be valid CP932; a file that is
neither is refused by the caller, never read with replacement characters.
"""

from __future__ import annotations

ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp932", "CP932 (Shift_JIS)"))


def excel_csv_text(raw: bytes) -> tuple[str, str] | None:
    """The text and the name of the encoding it was read in, or None when the bytes are neither encoding."""
    for codec, name in ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return text, ("UTF-8 (BOM)" if raw.startswith(b"\xef\xbb\xbf") else name)
    return None
