"""Hostile inputs too large (or too odd) to commit, made when the corpus runs: ``make(case, folder)``.

Each maker writes the input of one named case (its ``.expect`` file is committed in the corpus folder) and returns
its path. They are deterministic, so a failure names an input anyone can make again.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.bad_workbooks.make import acme_bytes, rezip
from tests.conftest import ACME

CSV_HEADER = "id,kind,quantity_t,registry,certification_number,serial_start,serial_end,vintage,status,project.id,"
CSV_HEADER += "project.country,project.programme,project.methodology_code\n"
CSV_ROW = "C1,j_credit,10,j_credit_registry,CERT-9,1,10,2023,held,P1,JP,j_credit,EN-R-002\n"


def _field_200k(folder: Path) -> Path:
    path = folder / "field-200k.csv"
    path.write_text(CSV_HEADER + CSV_ROW.replace("CERT-9", "C" * 200_000), encoding="utf-8")
    return path


def _deep_yaml(folder: Path) -> Path:
    path = folder / "nesting-3000-mappings.yaml"
    text = ACME.read_text(encoding="utf-8").replace(
        "firm:\n", "deep: " + "{a: " * 3000 + "1" + "}" * 3000 + "\nfirm:\n"
    )
    path.write_text(text, encoding="utf-8")
    return path


def _over_max_bytes(folder: Path) -> Path:
    path = folder / "over-max-bytes.yaml"
    with path.open("w", encoding="utf-8") as out:
        out.write(ACME.read_text(encoding="utf-8"))
        line = "# " + "x" * 1022 + "\n"
        for _ in range(21 * 1024):
            out.write(line)
    return path


def _huge_shared_strings(folder: Path) -> Path:
    """An 11.8 MB workbook whose shared-strings part unpacks to 99 MB (under the unzip limit of 5 × --max-bytes)."""
    acme = acme_bytes()
    with zipfile.ZipFile(io.BytesIO(acme)) as archive:
        names = archive.namelist()
    strings = b"".join(b"<si><t>%07d</t></si>" % n for n in range(4_500_000))
    sst = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    sst += strings + b"</sst>"
    types = (
        b'<Override PartName="/xl/sharedStrings.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    with zipfile.ZipFile(io.BytesIO(acme)) as archive:
        content_types = archive.read("[Content_Types].xml").replace(b"</Types>", types)
        rels = archive.read("xl/_rels/workbook.xml.rels").replace(
            b"</Relationships>",
            b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
    assert "xl/sharedStrings.xml" not in names
    data = rezip(acme, {"[Content_Types].xml": content_types, "xl/_rels/workbook.xml.rels": rels})
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", sst)
    path = folder / "shared-strings-95mb.xlsx"
    path.write_bytes(out.getvalue())
    return path


MAKERS: dict[str, Callable[[Path], Path]] = {
    "bad_lots_csv/field-200k": _field_200k,
    "bad_submissions/nesting-3000-mappings": _deep_yaml,
    "bad_submissions/over-max-bytes": _over_max_bytes,
    "bad_workbooks/shared-strings-95mb": _huge_shared_strings,
}


def make(case_id: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return MAKERS[case_id](folder)
