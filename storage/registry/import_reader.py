"""Reading registry import files: CSV in UTF-8 (with or without BOM) or GBK, and Excel .xlsx."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from storage.registry.errors import ImportFileError

logger = logging.getLogger(__name__)

CSV_SUFFIXES = frozenset({".csv", ".txt"})
EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
CSV_DELIMITERS = (",", "\t", ";")


@dataclass
class Sheet:
    """Header and data rows of an import file, numbered as a spreadsheet shows them."""

    header: list[Any]
    header_row_number: int
    rows: list[tuple[int, list[Any]]]
    file_format: str
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes and name the encoding: UTF-8 BOM, then UTF-8, then GB18030 (a GBK superset)."""
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError:
        raise ImportFileError("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码") from None


def _guess_delimiter(first_line: str) -> str:
    return max(CSV_DELIMITERS, key=first_line.count)


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _split_header(records: list[tuple[int, list[Any]]], file_format: str, encoding: str | None) -> Sheet:
    """Take the first non-blank record as the header and keep the non-blank rows after it."""
    for index, (row_number, cells) in enumerate(records):
        if _is_blank(cells):
            continue
        rows = [(number, values) for number, values in records[index + 1:] if not _is_blank(values)]
        return Sheet(
            header=cells,
            header_row_number=row_number,
            rows=rows,
            file_format=file_format,
            encoding=encoding,
        )
    raise ImportFileError("文件是空的：没有找到表头行")


def read_csv(path: Path) -> Sheet:
    """Read a CSV file, detecting the encoding and the delimiter (comma, tab or semicolon)."""
    text, encoding = decode_csv_bytes(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_guess_delimiter(first_line))

    records = []
    try:
        start_line = 1
        for cells in reader:
            # A cell spanning lines means an unclosed quote swallowed the rows after it;
            # importing the rest would silently drop those rows, so the file is rejected.
            if any("\n" in cell for cell in cells):
                raise ImportFileError(
                    f"CSV 文件第 {start_line} 行的引号没有闭合，第 {start_line} 至 {reader.line_num} 行被读成了一行；"
                    "请检查该行的双引号后重新导入"
                )
            records.append((start_line, list(cells)))
            start_line = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(f"CSV 文件格式错误（第 {reader.line_num} 行附近）：{error}") from None
    return _split_header(records, "csv", encoding)


def read_xlsx(path: Path) -> Sheet:
    """Read the first worksheet of an .xlsx file, with formulas as their cached values."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise ImportFileError(f"无法读取 Excel 文件 '{path.name}'：文件内容不是 .xlsx 格式（可能是 .xls 或改了扩展名的其他文件），请在 Excel 中另存为 .xlsx") from None
    except (KeyError, OSError, ValueError) as error:
        raise ImportFileError(f"无法读取 Excel 文件 '{path.name}'（{error}）。请确认文件是 .xlsx 格式") from None

    try:
        sheet = workbook.worksheets[0]
        records = [(number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
        sheet_names = workbook.sheetnames
    finally:
        workbook.close()

    result = _split_header(records, "xlsx", None)
    if len(sheet_names) > 1:
        result.warnings.append(f"工作簿有 {len(sheet_names)} 个工作表，只导入了第一个工作表“{sheet_names[0]}”")
    return result


def read_sheet(path: Path) -> Sheet:
    """Read a CSV or .xlsx import file, raising ImportFileError with a Chinese reason."""
    if not path.is_file():
        raise ImportFileError(f"文件 '{path}' 不存在")

    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(path)
    if suffix in EXCEL_SUFFIXES:
        return read_xlsx(path)
    if suffix == ".xls":
        raise ImportFileError("不支持旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
    raise ImportFileError(f"不支持的文件类型 '{suffix}'：请使用 .csv 或 .xlsx 文件")
