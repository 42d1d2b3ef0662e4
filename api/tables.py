"""CSV and Excel (xlsx) downloads of simple tables, safe to open in spreadsheet programs."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Return ``value`` with a leading apostrophe when a text cell would be read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    # The byte-order mark makes Excel read the file as UTF-8 instead of the local code page.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_bytes(sheet_title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_response(
    file_stem: str, sheet_title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], file_format: str
) -> Response:
    """Return the table as a CSV or xlsx attachment named ``<file_stem>.<format>``."""
    if file_format == "xlsx":
        content, media_type = _xlsx_bytes(sheet_title, header, rows), XLSX_TYPE
    else:
        content, media_type = _csv_bytes(header, rows), CSV_TYPE
    filename = f"{file_stem}.{file_format}"
    disposition = f"attachment; filename=\"{quote(filename)}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content=content, media_type=media_type, headers={"Content-Disposition": disposition})
