"""Reading the admin's exports back as a French spreadsheet would (home.exports)."""

import csv
import io

from openpyxl import load_workbook

BOM = "\ufeff"


def csv_text(response) -> str:
    """The CSV export's text, after checking what makes French Excel read it as columns:
    a UTF-8 byte order mark first."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(BOM), "French Excel needs the BOM to read UTF-8"
    return text.removeprefix(BOM)


def csv_rows(export) -> list[dict[str, str]]:
    """The CSV export (a response, or the text `csv_text` read from it) as rows of
    heading -> cell, split on `;` as a French spreadsheet does."""
    text = export if isinstance(export, str) else csv_text(export)
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def xlsx_table(response) -> tuple[list, list[list]]:
    """The XLSX export's first sheet: its headings and its rows of values."""
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return header, rows


def xlsx_rows(response) -> list[dict]:
    header, rows = xlsx_table(response)
    return [dict(zip(header, row, strict=True)) for row in rows]
