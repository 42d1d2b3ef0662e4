"""Render the ranking and one page per company from the stored results of a season.

Everything is read from the stored (and possibly frozen) results, never recomputed, so a
published report always shows the numbers the bureau decided on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy.orm import Session

from scoring.annual import AssessmentResult
from storage.registry import get_season, list_annual_results

UNIT_KIND_ZH = {"heating_unit": "供热单位", "chp_source": "热电联产热源单位"}
CONSEQUENCE_COLUMNS = ("名次", "单位编号", "单位名称", "类别", "总分", "等级", "否决", "后果与措施", "排名说明")


@dataclass(frozen=True)
class ReportFiles:
    """Paths of the files one run wrote."""

    ranking_html: Path
    ranking_xlsx: Path
    company_pages: list[Path]


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("scoring.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _rows(session: Session, season_code: str) -> list[dict]:
    rows = []
    for stored in list_annual_results(session, season_code=season_code):
        result = AssessmentResult.model_validate(stored.explanation)
        placement = stored.consequences or {}
        rows.append(
            {
                "rank": stored.rank,
                "code": stored.unit.code,
                "name": stored.unit.name,
                "kind": result.unit_kind.value,
                "kind_zh": UNIT_KIND_ZH[result.unit_kind.value],
                "total": f"{result.total:.2f}",
                "grade": result.grade.value,
                "vetoed": result.vetoed,
                "frozen": stored.frozen,
                "consequences": [c["title"] for c in placement.get("consequences", [])],
                "rank_reason": placement.get("rank_reason", ""),
                "result": result,
            }
        )
    return sorted(rows, key=lambda row: (row["kind"] != "heating_unit", row["rank"] or 10**6, row["code"]))


def write_season_reports(session: Session, *, season_code: str, folder: Path) -> ReportFiles:
    """Write ranking.html, ranking.xlsx and one HTML page per company into ``folder``."""
    season = get_season(session, code=season_code)
    rows = _rows(session, season_code)
    folder.mkdir(parents=True, exist_ok=True)
    environment = _environment()
    title = f"包头市供热单位考核评价结果（{season.code} 供暖期）"

    ranking_html = folder / "ranking.html"
    ranking_html.write_text(
        environment.get_template("ranking.html").render(title=title, season=season, rows=rows), "utf-8"
    )

    pages = []
    company_template = environment.get_template("company.html")
    for row in rows:
        page = folder / f"company-{row['code']}.html"
        page.write_text(company_template.render(season=season, row=row, result=row["result"]), "utf-8")
        pages.append(page)

    ranking_xlsx = folder / "ranking.xlsx"
    _write_workbook(ranking_xlsx, title, rows)
    return ReportFiles(ranking_html=ranking_html, ranking_xlsx=ranking_xlsx, company_pages=pages)


def _write_workbook(path: Path, title: str, rows: list[dict]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "排名"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(CONSEQUENCE_COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(
            [
                row["rank"],
                row["code"],
                row["name"],
                row["kind_zh"],
                float(row["total"]),
                row["grade"],
                "是" if row["vetoed"] else "否",
                "；".join(row["consequences"]),
                row["rank_reason"],
            ]
        )
    for column, width in zip("ABCDEFGHI", (6, 12, 20, 16, 8, 8, 6, 50, 50)):
        sheet.column_dimensions[column].width = width
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    details = workbook.create_sheet("得分明细")
    details.append(["单位编号", "类型", "编码", "名称", "依据条款", "得分", "满分", "说明"])
    for row in rows:
        for line in row["result"].lines:
            details.append(
                [
                    row["code"],
                    line.kind.value,
                    line.code,
                    line.name,
                    line.rule_ref,
                    float(line.points),
                    float(line.max_points) if line.max_points is not None else None,
                    line.reason,
                ]
            )
    workbook.save(path)
