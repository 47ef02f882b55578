"""CSV files: text a spreadsheet would run as a formula is neutralised; numbers stay numbers."""

import csv
import io
from decimal import Decimal

import pytest

from thurrock_care.spreadsheets import csv_response, neutralise


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://x","y")',
        "+44 1375 000000",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_text_that_could_start_a_formula_gets_a_leading_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["Ada Lovelace", "", "Zoë O'Brien", "a=b", "1+1", " =1+1", 42, -7, 3.5, -0.25,
     Decimal("-1.50"), None],
)  # fmt: skip
def test_everything_else_is_left_alone(value):
    assert neutralise(value) == value


def test_csv_response_is_a_utf8_attachment_excel_reads_with_accents():
    response = csv_response(
        filename="access-report-TC-1.csv",
        header=["Who", "Reason", "Count"],
        rows=[["Zoë", "=1+1", -3], ["@admin", "fine", 2.5]],
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="access-report-TC-1.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # the byte-order mark
    text = response.content.decode("utf-8-sig")
    # Text is quoted (a spreadsheet splitting on ";" cannot start a cell inside it); numbers not.
    assert text.splitlines()[1] == '"Zoë","\'=1+1",-3'
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Who", "Reason", "Count"], ["Zoë", "'=1+1", "-3"], ["'@admin", "fine", "2.5"]]


def test_a_filename_with_other_characters_is_encoded_not_broken():
    response = csv_response(filename='report "Zoë".csv', header=["A"], rows=[])
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''report%20%22Zo%C3%AB%22.csv"
    )
