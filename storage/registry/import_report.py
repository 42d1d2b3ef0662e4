"""The outcome of a registry import: counts per table and every rejected row with its reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

LEVELS = ("heating_units", "stations", "households", "devices")
LEVEL_NAMES = {
    "heating_units": "供热单位",
    "stations": "热力站",
    "households": "住户",
    "devices": "设备",
}


@dataclass
class RowError:
    """One rejected row: its spreadsheet row number and the Chinese reasons."""

    row_number: int
    reasons: list[str]

    def __str__(self) -> str:
        return f"第 {self.row_number} 行：{'；'.join(self.reasons)}"


def _zero_counts() -> dict[str, int]:
    return dict.fromkeys(LEVELS, 0)


@dataclass
class ImportReport:
    """Counts of created and updated rows per table, rejected rows and file-level warnings."""

    path: str
    file_format: str
    encoding: str | None = None
    rows_read: int = 0
    rows_imported: int = 0
    created: dict[str, int] = field(default_factory=_zero_counts)
    updated: dict[str, int] = field(default_factory=_zero_counts)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every data row was imported."""
        return not self.errors

    def summary(self) -> str:
        """Render the report in Chinese, one fact per line, for the CLI and the API."""
        encoding = f"，编码 {self.encoding}" if self.encoding else ""
        lines = [
            f"导入文件：{self.path}（{self.file_format}{encoding}）",
            f"数据行 {self.rows_read} 行，成功 {self.rows_imported} 行，失败 {len(self.errors)} 行",
        ]
        for level in LEVELS:
            lines.append(f"  {LEVEL_NAMES[level]}：新增 {self.created[level]}，更新 {self.updated[level]}")
        lines.extend(f"提示：{warning}" for warning in self.warnings)
        lines.extend(f"错误：{error}" for error in self.errors)
        return "\n".join(lines)
