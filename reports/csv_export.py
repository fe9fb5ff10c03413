"""Streamed CSV for spreadsheets: UTF-8 with a BOM, formulas neutralised.

Excel opens a UTF-8 file as Korean only when it starts with a byte-order mark.
A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be
run as a formula (OWASP's list), and so would one where the sign follows
spaces or line breaks (spreadsheets skip them) or is a full-width sign (`＝`,
`＋`, `－`, `＠`, which some read as the plain ones): such text cells get a
leading apostrophe, as OWASP advises for CSV injection. Numbers are written as numbers (a negative number is not text
to neutralise).

Rows are produced one at a time and written as they come: memory stays flat
whatever the number of rows (Django's StreamingHttpResponse "streaming large
CSV files" recipe).
"""

import csv
import datetime as dt

from django.http import StreamingHttpResponse
from django.utils import timezone

BOM = "\ufeff"
# OWASP's list (a leading tab or carriage return too), and the full-width signs.
FORMULA_STARTS = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
)
# Skipped before a spreadsheet looks for a formula sign (NUL included).
LEADING_BLANKS = " \n\x00\u3000"


class Echo:
    """A file-like object whose `write` hands back what it was given."""

    def write(self, value):
        return value


def cell(value) -> str | int | float:
    """One value as a CSV cell: text neutralised, times local, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text.lstrip(LEADING_BLANKS).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_lines(header: list[str], rows):
    """The CSV text, line by line: the BOM and the header first."""
    writer = csv.writer(Echo())
    yield BOM + writer.writerow([cell(name) for name in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def csv_response(filename: str, header, rows) -> StreamingHttpResponse:
    """A download of `rows` (an iterable, read lazily) under `header`.

    The header is read now, in the request's language: the body is written
    after the view has returned.
    """
    header = [str(name) for name in header]
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
