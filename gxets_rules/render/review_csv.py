"""The firms table of a review summary as CSV (``summary.csv``), beside the workbook and the page, for a reviewer who
filters and sorts in a spreadsheet or feeds another tool. Written with a BOM so that Excel reads its Japanese right.

The same columns as the workbook's firms sheet, in the summary's language; a link is its path, a coloured cell its
text; text that a spreadsheet would run as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from gxets_rules.io.writers import csv_cell
from gxets_rules.model.review import ReviewSummary
from gxets_rules.render.review_view import ReviewView


def render_review_csv(summary: ReviewSummary, lang: str = "ja") -> str:
    grid = ReviewView(summary, lang).firms()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(grid.headings)
    for row in grid.rows:
        writer.writerow([csv_cell("" if value is None else str(value)) for value in row])
    return out.getvalue()
