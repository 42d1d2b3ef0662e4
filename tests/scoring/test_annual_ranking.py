"""Ranking, ties, 约谈 for the bottom three, two-year 接管 and incentives."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from scoring.annual.consequences import ConsequenceKind
from scoring.annual.engine import assess
from scoring.annual.explanation import explain_ranking, explain_result
from scoring.annual.inputs import (
    AssessmentInput,
    DataWindow,
    IndicatorSnapshot,
    IndicatorValue,
    ManualEntry,
    PastResult,
)
from scoring.annual.ranking import RankingError, rank_group, rank_season
from scoring.rubric import Grade, UnitKind, parse_rubric

D = Decimal
WINDOW = DataWindow(start=date(2024, 10, 15), end=date(2025, 4, 15))
ENTERED_AT = datetime(2025, 5, 10, tzinfo=timezone.utc)


def small_rubric(unit_kind="heating_unit", tie_breakers=(), bottom_scope="all", rubric_id="test-rank"):
    """Return a rubric with one manual 100-point item and one manual veto, so totals are set directly."""
    return parse_rubric({
        "rubric_id": rubric_id, "version": "t1", "title": "测试细则", "unit_kind": unit_kind,
        "season_start_year": 2024,
        "areas": [{"code": "all", "name": "全部", "rule_ref": "测试", "items": [
            {"code": "whole", "name": "整体评分", "rule_ref": "测试", "mode": "manual", "max_points": 100}]}],
        "bonus_total_cap": 5, "deduction_total_cap": 20,
        "vetoes": [{"code": "veto_falsified", "name": "评价材料弄虚作假", "rule_ref": "附件第七条第（八）项",
                    "mode": "manual"}],
        "grade_bands": [{"grade": "优秀", "min_total": 90}, {"grade": "良好", "min_total": 80},
                        {"grade": "达标", "min_total": 60}, {"grade": "不达标", "min_total": 0}],
        "ranking": {"tie_breakers": list(tie_breakers), "bottom_scope": bottom_scope},
    })


RUBRIC = small_rubric()


def company(company_id, points, vetoed=False, past=(), rubric=RUBRIC, compliance=None):
    entries = [ManualEntry(entry_id=f"{company_id}-w", target="whole", source="inspection", points=points,
                           entered_by="检查组", entered_at=ENTERED_AT)]
    if vetoed:
        entries.append(ManualEntry(entry_id=f"{company_id}-v", target="veto_falsified", source="inspection",
                                   value=1, entered_by="检查组", entered_at=ENTERED_AT))
    values = {} if compliance is None else {"room_compliance_rate": IndicatorValue(value=compliance)}
    inputs = AssessmentInput(
        company_id=company_id, company_name=f"{company_id}热力", season_start_year=2024,
        indicators=IndicatorSnapshot(window=WINDOW, values=values), manual_entries=entries,
        past_results=[PastResult(season_start_year=year, grade=grade, total=total) for year, grade, total in past],
    )
    return assess(rubric, inputs)


def by_id(ranking):
    return {c.company_id: c for c in ranking.companies}


def kinds(ranked):
    return [c.kind for c in ranked.consequences]


def test_ties_share_rank_and_skip():
    ranking = rank_group([company("a", 95), company("b", 92), company("c", 92), company("d", 85)], RUBRIC)

    assert [(c.company_id, c.rank) for c in ranking.companies] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]
    assert by_id(ranking)["b"].tied_with == ["c"]
    assert "与c热力总分相同，并列第 2 名" in by_id(ranking)["b"].rank_reason


def test_ties_at_top_one_one_three():
    ranking = rank_group([company("a", 88), company("b", 88), company("c", 70)], RUBRIC)

    assert [c.rank for c in ranking.companies] == [1, 1, 3]


def test_vetoed_rank_after_non_vetoed():
    ranking = rank_group([company("a", 98, vetoed=True), company("b", 61), company("c", 70)], RUBRIC)

    assert [(c.company_id, c.rank) for c in ranking.companies] == [("c", 1), ("b", 2), ("a", 3)]
    assert by_id(ranking)["a"].grade is Grade.FAIL
    assert by_id(ranking)["a"].total == D("98.00")
    assert "排在所有未触发否决项的单位之后" in by_id(ranking)["a"].rank_reason


def test_tie_breaker_indicator():
    rubric = small_rubric(tie_breakers=[{"indicator": "room_compliance_rate", "higher_is_better": True}])
    results = [company("a", 90, rubric=rubric, compliance=0.95), company("b", 90, rubric=rubric, compliance=0.97),
               company("c", 90, rubric=rubric, compliance=None)]

    ranking = rank_group(results, rubric)

    assert [(c.company_id, c.rank) for c in ranking.companies] == [("b", 1), ("a", 2), ("c", 3)]
    assert "按室温达标率区分先后" in by_id(ranking)["a"].rank_reason


def test_bottom_three_pass_summoned():
    results = [company(cid, pts) for cid, pts in
               [("a", 95), ("b", 85), ("c", 75), ("d", 70), ("e", 65), ("f", 62)]]

    ranking = by_id(rank_group(results, RUBRIC))

    assert ConsequenceKind.SUMMONS not in kinds(ranking["c"])
    for cid in ["d", "e", "f"]:
        assert ConsequenceKind.SUMMONS in kinds(ranking[cid])
        assert ConsequenceKind.SUPERVISION in kinds(ranking[cid])
    summons = next(c for c in ranking["d"].consequences if c.kind is ConsequenceKind.SUMMONS)
    assert summons.rule_ref == "附件第八条第（一）项"
    assert "后 3 位" in summons.reason


def test_bottom_three_counts_failing_companies():
    results = [company(cid, pts) for cid, pts in [("a", 95), ("b", 75), ("c", 70), ("d", 50), ("e", 40)]]

    ranking = by_id(rank_group(results, RUBRIC))

    assert ConsequenceKind.SUMMONS not in kinds(ranking["b"])
    assert ConsequenceKind.SUMMONS in kinds(ranking["c"])  # third from the bottom
    assert ConsequenceKind.SUMMONS in kinds(ranking["d"])  # 不达标
    assert ConsequenceKind.SUMMONS in kinds(ranking["e"])


def test_bottom_three_passing_scope():
    rubric = small_rubric(bottom_scope="passing")
    results = [company(cid, pts, rubric=rubric) for cid, pts in
               [("a", 75), ("b", 72), ("c", 70), ("d", 68), ("e", 50)]]

    ranking = by_id(rank_group(results, rubric))

    assert ConsequenceKind.SUMMONS not in kinds(ranking["a"])
    assert all(ConsequenceKind.SUMMONS in kinds(ranking[cid]) for cid in ["b", "c", "d"])


def test_bottom_three_tie_at_boundary():
    results = [company(cid, pts) for cid, pts in [("a", 95), ("b", 70), ("c", 70), ("d", 65), ("e", 62)]]

    ranking = by_id(rank_group(results, RUBRIC))

    # b and c share rank 2; places 3–5 are the bottom three, so both tied companies are summoned.
    assert ConsequenceKind.SUMMONS in kinds(ranking["b"])
    assert ConsequenceKind.SUMMONS in kinds(ranking["c"])


def test_good_grade_in_bottom_not_summoned():
    ranking = by_id(rank_group([company("a", 99), company("b", 95), company("c", 85)], RUBRIC))

    assert all(ConsequenceKind.SUMMONS not in kinds(r) for r in ranking.values())
    assert kinds(ranking["c"]) == [ConsequenceKind.INCENTIVE]
    assert "绿色审批通道" in ranking["a"].consequences[0].reason


def test_fail_summoned_and_scale_reduced():
    ranked = by_id(rank_group([company("a", 90), company("b", 55)], RUBRIC))["b"]

    assert kinds(ranked) == [ConsequenceKind.SUMMONS, ConsequenceKind.SCALE_REDUCTION]


def test_takeover_after_two_failing_years():
    failing_before = company("b", 55, past=[(2023, Grade.FAIL, D("52"))])
    passing_before = company("c", 50, past=[(2023, Grade.PASS, D("65"))])
    no_history = company("d", 45)
    vetoed_twice = company("e", 95, vetoed=True, past=[(2023, Grade.FAIL, D("91"))])
    gap_year = company("f", 40, past=[(2022, Grade.FAIL, D("40"))])

    ranking = by_id(rank_group([company("a", 90), failing_before, passing_before, no_history, vetoed_twice,
                                gap_year], RUBRIC))

    assert ConsequenceKind.TAKEOVER in kinds(ranking["b"])
    assert ConsequenceKind.TAKEOVER in kinds(ranking["e"])
    for cid in ["c", "d", "f"]:
        assert ConsequenceKind.TAKEOVER not in kinds(ranking[cid])
    takeover = next(c for c in ranking["b"].consequences if c.kind is ConsequenceKind.TAKEOVER)
    assert "连续 2 年考核不达标（2023—2024、2024—2025 供暖期）" in takeover.reason


def test_passing_after_failing_year_no_takeover():
    ranked = by_id(rank_group([company("a", 70, past=[(2023, Grade.FAIL, D("50"))])], RUBRIC))["a"]

    assert ConsequenceKind.TAKEOVER not in kinds(ranked)


def test_chp_ranked_separately():
    chp_rubric = small_rubric(unit_kind="chp_source", rubric_id="test-rank-chp")
    heating = [company("h1", 80), company("h2", 70)]
    chp = [company("p1", 60, rubric=chp_rubric), company("p2", 95, rubric=chp_rubric)]

    rankings = rank_season([*chp, *heating], [RUBRIC, chp_rubric])

    assert [r.unit_kind for r in rankings] == [UnitKind.HEATING_UNIT, UnitKind.CHP_SOURCE]
    assert [(c.company_id, c.rank) for c in rankings[0].companies] == [("h1", 1), ("h2", 2)]
    assert [(c.company_id, c.rank) for c in rankings[1].companies] == [("p2", 1), ("p1", 2)]
    assert "热电联产热源单位中排第 1 名" in rankings[1].companies[0].rank_reason


def test_rank_group_rejects_mixed_rubrics():
    chp_rubric = small_rubric(unit_kind="chp_source", rubric_id="test-rank-chp")

    with pytest.raises(RankingError, match="不能与"):
        rank_group([company("h1", 80), company("p1", 60, rubric=chp_rubric)], RUBRIC)


def test_rank_season_requires_rubric():
    with pytest.raises(RankingError, match="未提供供热单位结果所用的评分细则"):
        rank_season([company("h1", 80)], [])


def test_rank_group_rejects_duplicate_company():
    with pytest.raises(RankingError, match="重复"):
        rank_group([company("a", 80), company("a", 70)], RUBRIC)


def test_ranking_json_round_trip():
    ranking = rank_group([company("a", 95), company("b", 55)], RUBRIC)

    restored = type(ranking).model_validate_json(ranking.model_dump_json())

    assert restored == ranking


def test_explanations_render_in_chinese():
    results = [company("a", 95), company("b", 55, past=[(2023, Grade.FAIL, D("50"))])]
    ranking = rank_group(results, RUBRIC)

    ranking_text = explain_ranking(ranking)
    result_text = explain_result(results[1])

    assert "第 1 名  a热力  95 分  优秀" in ranking_text
    assert "建议由属地政府供热行政主管部门接管" in ranking_text
    assert "总分：55 分；等级：不达标" in result_text
    assert "= 55 分" in result_text
