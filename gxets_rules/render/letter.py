"""The feedback letter to a firm, as the secretariat sends it: a Word document (``.docx``) — what a Japanese
secretariat attaches to its mail and files, opened by Word or LibreOffice, editable before it goes out — and the same
letter as one self-contained HTML page to read and print.

Both lay out one :class:`LetterView`: the subject by decision (受理 / 差戻し / 確認依頼), the firm (御中), the date
of the decision in Japan, the opening with the round and the deadline, the reviewer's note, then lot by lot each
point with the clause behind it, the data issues, the position at review and the exact result (SHA-256) the letter
rests on.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from gxets_rules.io.writers import atomic_write_bytes, fixed_zip_times
from gxets_rules.model.desk import Letter, LetterLot
from gxets_rules.render.catalogue import Text
from gxets_rules.render.html import environment, stylesheet

DOCX_FONT = "MS Mincho"
"""The East Asian font a Japanese office letter is set in (Word on Windows has it; LibreOffice substitutes a CJK
font installed, e.g. Noto CJK)."""


@dataclass(frozen=True)
class PointRow:
    criterion: str
    point: str
    clause: str


@dataclass(frozen=True)
class LotBlock:
    heading: str
    rows: tuple[PointRow, ...]
    notes: tuple[str, ...]


class LetterView:
    """A letter in one language, as both the document and the page lay it out."""

    def __init__(self, letter: Letter, lang: str) -> None:
        self.letter = letter
        self.lang = lang
        self.t = Text(lang)

    def day(self, value: date) -> str:
        return self.t("letter.date_format").format(year=value.year, month=value.month, day=value.day)

    @property
    def subject(self) -> str:
        return self.t("letter.subject." + self.letter.decision.decision)

    @property
    def addressee(self) -> str:
        return self.t("letter.to").format(name=self.letter.firm_name)

    @property
    def opening(self) -> str:
        deadline = self.day(self.letter.deadline) if self.letter.deadline else ""
        return self.t("letter.opening." + self.letter.decision.decision).format(
            round=self.letter.round, deadline=deadline
        )

    def lot_block(self, lot: LetterLot) -> LotBlock:
        t = self.t
        heading = (
            f"{t('desk.lot')} {lot.lot_id} — {t.kind(lot.kind)} {t.value(lot.quantity_t, 't')}, "
            f"{t.lot_status(lot.status)}: {t.verdict(lot.verdict)}"
        )
        rows = tuple(
            PointRow(
                criterion=f"{p.criterion} ({t.outcome(p.outcome)})",
                point=f"{t.localized(p.title)}: {t.localized(p.message)}",
                clause=p.source or "–",
            )
            for p in lot.points
        )
        return LotBlock(heading, rows, tuple(lot.notes))

    def lots(self) -> list[LotBlock]:
        return [self.lot_block(lot) for lot in self.letter.lots]

    def issues(self) -> list[str]:
        return [f"{i.location} [{i.check}]: {self.t.localized(i.message)}" for i in self.letter.issues]

    def position(self) -> list[tuple[str, str]]:
        t, letter = self.t, self.letter
        rows = [(t("status"), t.localized(letter.status) if letter.status else "–")]
        rows += [
            (t("review.need_t"), t.value(letter.need_t, "t")),
            (t("review.usable_t"), t.value(letter.usable_t, "t")),
        ]
        rows.append((t("offsets_to_buy"), t.value(letter.offsets_to_buy_t, "t")))
        return rows

    def basis(self) -> list[tuple[str, str]]:
        t, letter = self.t, self.letter
        decision = letter.decision
        return [
            (t("desk.round"), letter.round),
            (t("desk.decision"), t("desk.decision." + decision.decision)),
            (t("desk.by"), decision.reviewer),
            (t("ruleset"), letter.ruleset),
            (t("desk.result_sha256"), letter.result_sha256),
        ]


def render_letter_html(letter: Letter, lang: str) -> str:
    view = LetterView(letter, lang)
    return environment().get_template("letter.html.j2").render(v=view, t=view.t, css=stylesheet())


def _font(document: Document) -> None:  # type: ignore[valid-type]
    style = document.styles["Normal"]  # type: ignore[attr-defined]
    style.font.size = Pt(10.5)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), DOCX_FONT)


def _table(document: Document, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:  # type: ignore[valid-type]
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: str) -> str:
    """Text a Word document can hold (XML forbids most control characters)."""
    return CONTROL.sub("\ufffd", text)


def render_letter_docx(letter: Letter, lang: str) -> bytes:
    """The letter as a Word document; the same letter gives the same bytes (dated by the decision)."""
    view, t = LetterView(letter, lang), Text(lang)
    document = Document()
    _font(document)
    right = document.add_paragraph(view.day(letter.written_on))
    right.alignment = 2  # type: ignore[assignment]  # right
    document.add_paragraph(_clean(view.addressee))
    sender = document.add_paragraph(t("letter.from"))
    sender.alignment = 2  # type: ignore[assignment]
    document.add_heading(view.subject, level=1)
    document.add_paragraph(_clean(view.opening))
    if letter.deadline:
        document.add_paragraph(f"{t('letter.deadline')}: {view.day(letter.deadline)}")
    if letter.decision.note:
        document.add_heading(t("letter.reviewer_note"), level=2)
        document.add_paragraph(_clean(letter.decision.note))
    document.add_heading(t("letter.lots"), level=2)
    if not letter.lots:
        document.add_paragraph(t("letter.lots_none"))
    for block in view.lots():
        document.add_heading(_clean(block.heading), level=3)
        for note in block.notes:
            document.add_paragraph(_clean(f"{t('desk.note')}: {note}"))
        if block.rows:
            header = (t("letter.criterion"), t("letter.point"), t("letter.clause"))
            _table(document, header, [(_clean(r.criterion), _clean(r.point), _clean(r.clause)) for r in block.rows])
    if letter.issues:
        document.add_heading(t("letter.issues"), level=2)
        for issue in view.issues():
            document.add_paragraph(_clean(issue), style="List Bullet")
    document.add_heading(t("letter.position"), level=2)
    _table(document, (t("report.item"), t("unit.t")), view.position())  # type: ignore[arg-type]
    document.add_heading(t("letter.basis"), level=2)
    _table(document, (t("report.item"), ""), [(k, _clean(v)) for k, v in view.basis()])
    document.add_paragraph(t("letter.contact"))
    stamp = datetime(letter.written_on.year, letter.written_on.month, letter.written_on.day)
    document.core_properties.title = view.subject
    document.core_properties.created = stamp
    document.core_properties.modified = stamp
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip_times(buffer.getvalue(), stamp)


UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def letter_name(letter: Letter, lang: str) -> str:
    """``letter-FIRM-ROUND-ja``: the firm and round (a Japanese round name stays Japanese) without the characters a
    file system or a mail attachment refuses."""
    safe = UNSAFE_IN_NAMES.sub("_", f"{letter.firm_id}-{letter.round}").strip("._")[:80] or "letter"
    return f"letter-{safe}-{lang}"


def write_letter(letter: Letter, lang: str, out: Path) -> list[Path]:
    """Write the letter as ``.docx`` and ``.html`` into ``out``, each whole or not at all."""
    name = letter_name(letter, lang)
    docx, html = out / f"{name}.docx", out / f"{name}.html"
    atomic_write_bytes(docx, render_letter_docx(letter, lang))
    atomic_write_bytes(html, render_letter_html(letter, lang).encode("utf-8"))
    return [docx, html]
