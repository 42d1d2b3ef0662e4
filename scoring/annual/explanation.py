"""Plain-text Chinese explanations of a result and of a group ranking, for reports and the CLI."""

from __future__ import annotations

from scoring.annual.ranking import GroupRanking
from scoring.annual.result import AssessmentResult, ExplanationLine, LineKind
from scoring.rubric.points import format_points
from scoring.rubric.schema import UNIT_KIND_ZH

SECTION_TITLES = {
    LineKind.ITEM: "考核项",
    LineKind.BONUS: "加分",
    LineKind.BONUS_CAP: "加分",
    LineKind.DEDUCTION: "扣分",
    LineKind.DEDUCTION_CAP: "扣分",
    LineKind.CLAMP: "总分限定",
}


def explain_result(result: AssessmentResult) -> str:
    """Render a result as Chinese text: vetoes, every scored line, the total and the grade."""
    season = f"{result.season_start_year}—{result.season_start_year + 1}"
    lines = [
        f"{result.company_name}（{UNIT_KIND_ZH[result.unit_kind]}）{season} 供暖期考核结果",
        f"评分细则：{result.rubric_id} 版本 {result.rubric_version}（{result.rubric_hash}）",
        f"总分：{format_points(result.total)} 分；等级：{result.grade.value}",
        f"等级依据：{result.grade_reason}",
        "",
        "否决项：",
    ]
    lines += [f"  {'■ 触发' if v.triggered else '□ 未触发'} {v.name}（{v.rule_ref}）：{v.reason}"
              for v in result.lines if v.kind is LineKind.VETO]

    section = None
    for line in result.lines:
        if line.kind is LineKind.VETO:
            continue
        title = SECTION_TITLES[line.kind]
        if title != section:
            lines += ["", f"{title}："]
            section = title
        lines.append("  " + _scored_line(line))

    lines += [
        "",
        f"合计：考核项 {format_points(result.item_points)} 分 + 加分 {format_points(result.bonus_points)} 分 "
        f"− 扣分 {format_points(result.deduction_points)} 分"
        + (f" + 总分限定 {format_points(result.clamp_points)} 分" if result.clamp_points else "")
        + f" = {format_points(result.total)} 分",
    ]
    if result.needs_review:
        lines += ["", "待核实事项："] + [f"  - {note}" for note in result.needs_review]
    return "\n".join(lines)


def explain_ranking(ranking: GroupRanking) -> str:
    """Render a group ranking as Chinese text with each company's consequences."""
    season = f"{ranking.season_start_year}—{ranking.season_start_year + 1}"
    lines = [f"{UNIT_KIND_ZH[ranking.unit_kind]} {season} 供暖期考核排名（评分细则 {ranking.rubric_version}）"]
    for company in ranking.companies:
        lines.append(
            f"第 {company.rank} 名  {company.company_name}  {format_points(company.total)} 分  {company.grade.value}"
        )
        lines.append(f"    {company.rank_reason}")
        lines += [f"    {c.title}（{c.rule_ref}）：{c.reason}" for c in company.consequences]
    return "\n".join(lines)


def _scored_line(line: ExplanationLine) -> str:
    limit = f" / {format_points(line.max_points)}" if line.max_points is not None else ""
    sign = "+" if line.kind is not LineKind.ITEM and line.points > 0 else ""
    area = f"[{line.area}] " if line.area else ""
    return f"{area}{line.name}（{line.rule_ref}）：{sign}{format_points(line.points)}{limit} 分。{line.reason}"
