"""CSV files the product writes: every one through `csv_response`, safe to open in a spreadsheet.

Text a user typed (a break-glass reason, a name) can reach a CSV file. A spreadsheet reads a cell
that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula, and
a formula can fetch a web address or run a command ("CSV injection"). Following OWASP, such text
gets a leading single quote, so the spreadsheet shows it as text; numbers are left as numbers.
Every text cell is also put in double quotes, so that a spreadsheet splitting on a different
separator (`;` in many locales) cannot start a new cell inside one.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header

Cell = str | int | float | Decimal | None

# What a spreadsheet takes as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Excel reads a CSV file as UTF-8 (names with accents intact) only when it starts with this.
BYTE_ORDER_MARK = "\ufeff"


def neutralise(value: Cell) -> Cell:
    """The cell as a spreadsheet should show it: text that could start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> HttpResponse:
    """A CSV file to download: UTF-8 with a byte-order mark, every text cell neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response.write(BYTE_ORDER_MARK)
    writer = csv.writer(response, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([neutralise(cell) for cell in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return response
