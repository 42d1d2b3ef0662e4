"""Annual engine on the shipped Baotou rubric: items, vetoes, bonuses, deductions, grades.

The baseline company below scores 90.50 with every value computed by hand:
quality 5 + 3 + 4.8 + 4 + 10.5 + 3 + 3.2 = 33.5; service 10; operation 4 + 3 + 2 + 1 = 10;
facilities 4 + 3 + 1.6 + 1 = 9.6; business 8; basic 6; complaints 6; satisfaction 6.4;
items 89.5; bonus 舒适供热 70 % → 1; deductions 0; total 90.5 (优秀).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from scoring.annual.engine import ReproducibilityError, assess, grade_for, recompute
from scoring.annual.entries import AssessmentInputError
from scoring.annual.inputs import (
    AssessmentInput,
    DataWindow,
    EntrySource,
    IndicatorSnapshot,
    IndicatorValue,
    ManualEntry,
)
from scoring.annual.result import AssessmentResult, LineKind
from scoring.rubric import Grade, load_shipped_rubric, parse_rubric

D = Decimal
RUBRIC = load_shipped_rubric("baotou-2024")
WINDOW = DataWindow(start=date(2024, 10, 15), end=date(2025, 4, 15))
ENTERED_AT = datetime(2025, 5, 10, 2, 0, tzinfo=timezone.utc)

BASE_INDICATORS = {
    "late_station_days": 0, "early_stop_station_days": 0, "interruption_index": 0.001,
    "interruptions_24h": 0, "room_compliance_rate": 0.96, "low_temp_rate": 0.04, "high_temp_rate": 0.08,
    "interruptions_4h": 1, "data_completeness": 0.98, "heat_per_m2_gj": 0.55, "meter_coverage": 0.9,
    "meter_online_rate": 0.95, "early_or_extended_days": 0, "comfort_rate": 0.7,
    "measured_household_ratio": 0.15, "long_low_temp": 0,
}
FULL_MANUAL_ITEMS = {
    "service_proactive": 2.5, "service_timely": 2.5, "service_courtesy": 2.5, "service_extended": 2.5,
    "operation_safety": 4, "facility_stations": 4, "facility_network": 3, "business_billing": 3,
    "business_energy": 3, "business_cost": 2, "basic_records": 2, "basic_information": 2,
    "basic_policies": 2, "complaint_procedure": 2, "complaint_handling": 4,
}


def entry(entry_id, target, source=EntrySource.INSPECTION, minutes=0, **fields) -> ManualEntry:
    return ManualEntry(
        entry_id=entry_id, target=target, source=source, entered_by="市住建局检查组",
        entered_at=ENTERED_AT + timedelta(minutes=minutes), **fields,
    )


def base_entries() -> list[ManualEntry]:
    entries = [entry(f"m-{code}", code, points=points) for code, points in FULL_MANUAL_ITEMS.items()]
    entries.append(entry("m-satisfaction", "satisfaction_survey", value=0.90))
    return entries


def make_inputs(indicators=None, extra_entries=(), drop=(), past_results=(), entries=None) -> AssessmentInput:
    values = {**BASE_INDICATORS, **(indicators or {})}
    snapshot = {
        code: IndicatorValue(value=v) if v is not None else IndicatorValue(value=None, missing_reason="测试：无数据")
        for code, v in values.items() if code not in drop
    }
    return AssessmentInput(
        company_id="c-jia", company_name="甲热力公司", season_start_year=2024,
        indicators=IndicatorSnapshot(window=WINDOW, values=snapshot),
        manual_entries=[*(base_entries() if entries is None else entries), *extra_entries],
        past_results=list(past_results),
    )


def line(result: AssessmentResult, code: str):
    return next(l for l in result.lines if l.code == code)


def lines_sum(result: AssessmentResult) -> Decimal:
    return sum((l.points for l in result.lines), D("0"))


# --- baseline and explanation -------------------------------------------------------------

def test_baseline_hand_computed():
    result = assess(RUBRIC, make_inputs())

    assert line(result, "quality_stability").points == D("4.80")
    assert line(result, "quality_compliance").points == D("10.50")
    assert line(result, "quality_high_temp").points == D("3.20")
    assert line(result, "operation_stability").points == D("3.00")
    assert line(result, "operation_energy_use").points == D("1.00")
    assert line(result, "facility_meter_coverage").points == D("1.60")
    assert line(result, "satisfaction_survey").points == D("6.40")
    assert line(result, "bonus_comfort").points == D("1.00")
    assert result.item_points == D("89.50")
    assert result.bonus_points == D("1.00")
    assert result.deduction_points == D("0.00")
    assert result.total == D("90.50")
    assert result.grade is Grade.EXCELLENT
    assert result.needs_review == []


def test_every_line_traced():
    result = assess(RUBRIC, make_inputs())

    for l in result.lines:
        assert l.rule_ref and l.reason
    compliance = line(result, "quality_compliance")
    assert compliance.indicator == "room_compliance_rate"
    assert compliance.indicator_value == 0.96
    assert compliance.window == WINDOW
    assert compliance.max_points == D("14.00")
    assert "室温达标率 96.00 %" in compliance.reason
    assert "2024-10-15 至 2025-04-15" in compliance.reason
    assert line(result, "service_timely").entry_ids == ["m-service_timely"]


@pytest.mark.parametrize(
    "scenario",
    [
        {},
        {"indicators": {"room_compliance_rate": 0.9537, "interruption_index": 0.00123, "meter_coverage": 0.777}},
        {"indicators": {"measured_household_ratio": 0.05}, "extra": ["deduct_group_petition", "deduct_criticised",
                                                                    "deduct_media", "deduct_summoned"]},
        {"indicators": {"comfort_rate": 0.9, "early_or_extended_days": 7},
         "extra": ["bonus_government_task", "bonus_award", "bonus_major_event", "bonus_publicity"]},
        {"entries": []},
    ],
)
def test_explanation_sums_to_total(scenario):
    extra = [entry(f"x-{code}", code, value=3) for code in scenario.get("extra", [])]
    inputs = make_inputs(scenario.get("indicators"), extra, entries=scenario.get("entries"))

    result = assess(RUBRIC, inputs)

    assert lines_sum(result) == result.total
    assert result.item_points + result.bonus_points - result.deduction_points + result.clamp_points == result.total
    for l in result.lines:
        assert l.points == l.points.quantize(D("0.01"))


# --- missing data and manual entries ------------------------------------------------------

def test_missing_indicator_scores_zero_with_reason():
    result = assess(RUBRIC, make_inputs({"room_compliance_rate": None}))

    compliance = line(result, "quality_compliance")
    assert compliance.points == D("0.00")
    assert compliance.basis.value == "missing"
    assert "测试：无数据" in compliance.reason
    assert any("quality_compliance" in note for note in result.needs_review)


def test_indicator_not_supplied_scores_zero():
    result = assess(RUBRIC, make_inputs(drop={"heat_per_m2_gj"}))

    assert line(result, "operation_energy_use").points == D("0.00")
    assert "未提供该指标" in line(result, "operation_energy_use").reason


def test_manual_item_without_entry_scores_zero():
    entries = [e for e in base_entries() if e.target != "operation_safety"]

    result = assess(RUBRIC, make_inputs(entries=entries))

    assert line(result, "operation_safety").points == D("0.00")
    assert "尚无评分录入" in line(result, "operation_safety").reason
    assert result.total == D("86.50")


def test_inspection_overrides_self_assessment():
    entries = [e for e in base_entries() if e.target != "service_timely"]
    entries += [
        entry("self-1", "service_timely", EntrySource.SELF_ASSESSMENT, minutes=30, points=2.5),
        entry("insp-1", "service_timely", EntrySource.INSPECTION, points=1.0),
    ]

    result = assess(RUBRIC, make_inputs(entries=entries))

    timely = line(result, "service_timely")
    assert timely.points == D("1.00")
    assert timely.entry_ids == ["insp-1"]
    assert timely.ignored_entry_ids == ["self-1"]
    assert "被检查结果覆盖" in timely.reason


def test_spot_check_overrides_self_assessment():
    entries = [e for e in base_entries() if e.target != "service_timely"]
    entries += [
        entry("self-1", "service_timely", EntrySource.SELF_ASSESSMENT, points=2.5),
        entry("spot-1", "service_timely", EntrySource.SPOT_CHECK, points=0.5),
    ]

    assert line(assess(RUBRIC, make_inputs(entries=entries)), "service_timely").points == D("0.50")


def test_latest_inspection_counts():
    entries = [e for e in base_entries() if e.target != "service_timely"]
    entries += [
        entry("insp-late", "service_timely", minutes=60, points=2.0),
        entry("insp-early", "service_timely", minutes=0, points=1.0),
    ]

    timely = line(assess(RUBRIC, make_inputs(entries=entries)), "service_timely")

    assert timely.points == D("2.00")
    assert timely.ignored_entry_ids == ["insp-early"]


def test_self_assessment_alone_marked_unverified():
    entries = [e for e in base_entries() if e.target != "service_timely"]
    entries.append(entry("self-1", "service_timely", EntrySource.SELF_ASSESSMENT, points=2.0))

    timely = line(assess(RUBRIC, make_inputs(entries=entries)), "service_timely")

    assert timely.points == D("2.00")
    assert "尚未经检查或抽查核实" in timely.reason


def test_self_assessment_refused_where_not_allowed():
    entries = [e for e in base_entries() if e.target != "satisfaction_survey"]
    entries.append(entry("self-sat", "satisfaction_survey", EntrySource.SELF_ASSESSMENT, value=0.99))

    satisfaction = line(assess(RUBRIC, make_inputs(entries=entries)), "satisfaction_survey")

    assert satisfaction.points == D("0.00")
    assert "不接受自评" in satisfaction.reason


@pytest.mark.parametrize(
    ("bad_entry", "message"),
    [
        (entry("bad-1", "no_such_code", points=1), "不是本评分细则中的编码"),
        (entry("bad-2", "service_timely", points=3), "超过上限 2.50 分"),
        (entry("bad-3", "quality_compliance", points=10), "不接受人工录入"),
        (entry("bad-4", "veto_falsified", value=2), "value=1"),
        (entry("bad-5", "satisfaction_survey", points=5), "必须录入 value"),
        (entry("bad-6", "bonus_other", value=1), "必须录入 points"),
        (entry("m-service_timely", "service_courtesy", points=1), "录入编号 m-service_timely 重复"),
    ],
)
def test_rejects_invalid_entries(bad_entry, message):
    with pytest.raises(AssessmentInputError, match=message):
        assess(RUBRIC, make_inputs(extra_entries=[bad_entry]))


def test_rejects_season_mismatch():
    inputs = make_inputs().model_copy(update={"season_start_year": 2025})

    with pytest.raises(AssessmentInputError, match="考核年度 2025"):
        assess(RUBRIC, inputs)


def test_rejects_missing_value_without_reason():
    with pytest.raises(ValueError, match="必须说明原因"):
        IndicatorValue(value=None)


@pytest.mark.parametrize(("code", "value"), [("room_compliance_rate", 1.2), ("late_station_days", -1)])
def test_rejects_indicator_out_of_range(code, value):
    with pytest.raises(ValueError, match=f"指标 {code}"):
        IndicatorSnapshot(window=WINDOW, values={code: IndicatorValue(value=value)})


def test_rejects_unknown_indicator_code_in_snapshot():
    with pytest.raises(ValueError, match="未知指标编码"):
        IndicatorSnapshot(window=WINDOW, values={"室温": IndicatorValue(value=1.0)})


# --- vetoes (附件第七条) --------------------------------------------------------------------

MANUAL_VETOES = [
    "veto_major_accident", "veto_safety_standard", "veto_mass_petition", "veto_interconnection",
    "veto_dual_source", "veto_falsified", "veto_other",
]


@pytest.mark.parametrize("veto_code", MANUAL_VETOES)
def test_manual_veto_forces_fail_keeps_points(veto_code):
    result = assess(RUBRIC, make_inputs(extra_entries=[entry("v-1", veto_code, value=1, note="经核实")]))

    assert result.vetoed is True
    assert result.vetoes_triggered == [veto_code]
    assert result.grade is Grade.FAIL
    assert result.total == D("90.50")
    assert "按分数本应为「优秀」" in result.grade_reason
    assert line(result, veto_code).triggered is True
    assert line(result, veto_code).points == D("0.00")


def test_manual_veto_value_zero_not_triggered():
    result = assess(RUBRIC, make_inputs(extra_entries=[entry("v-0", "veto_falsified", value=0)]))

    assert result.vetoed is False
    assert "认定不存在该情形" in line(result, "veto_falsified").reason


def test_veto_self_assessment_ignored():
    inputs = make_inputs(extra_entries=[entry("v-self", "veto_other", EntrySource.SELF_ASSESSMENT, value=1)])

    result = assess(RUBRIC, inputs)

    assert result.vetoed is False
    assert line(result, "veto_other").ignored_entry_ids == ["v-self"]


@pytest.mark.parametrize(
    ("rate", "vetoed"), [(0.8999, True), (0.90, False), (0.9 - 1e-12, False), (0.5, True), (0.97, False)]
)
def test_room_compliance_veto_threshold(rate, vetoed):
    result = assess(RUBRIC, make_inputs({"room_compliance_rate": rate}))

    assert result.vetoed is vetoed
    assert line(result, "veto_room_compliance").triggered is vetoed
    assert (result.grade is Grade.FAIL) is vetoed


def test_long_low_temp_veto():
    result = assess(RUBRIC, make_inputs({"long_low_temp": 1}))

    assert result.vetoes_triggered == ["veto_long_low_temp"]
    assert result.grade is Grade.FAIL


def test_automatic_veto_missing_data_flagged():
    result = assess(RUBRIC, make_inputs({"room_compliance_rate": None}))

    veto = line(result, "veto_room_compliance")
    assert veto.triggered is False
    assert "无法自动判定" in veto.reason
    assert any("veto_room_compliance" in note for note in result.needs_review)


def test_inspection_overrides_automatic_veto():
    inputs = make_inputs(
        {"room_compliance_rate": 0.85},
        [entry("v-insp", "veto_room_compliance", value=0, note="传感器批次故障，复测达标")],
    )

    result = assess(RUBRIC, inputs)

    veto = line(result, "veto_room_compliance")
    assert veto.triggered is False
    assert "室温达标率 85.00 %" in veto.reason
    assert "复测达标" in veto.reason


def test_several_vetoes_listed():
    inputs = make_inputs({"room_compliance_rate": 0.8}, [entry("v-1", "veto_falsified", value=1)])

    result = assess(RUBRIC, inputs)

    assert result.vetoes_triggered == ["veto_room_compliance", "veto_falsified"]


# --- bonuses (附件第五条) -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "points"),
    [("bonus_government_task", "1.00"), ("bonus_major_event", "0.50"), ("bonus_award", "1.00"),
     ("bonus_publicity", "0.50")],
)
def test_manual_bonus_one_event(code, points):
    result = assess(RUBRIC, make_inputs(extra_entries=[entry("b-1", code)]))

    assert line(result, code).points == D(points)
    assert result.total == D("90.50") + D(points)


def test_other_bonus_entered_points():
    result = assess(RUBRIC, make_inputs(extra_entries=[entry("b-1", "bonus_other", points=0.8, note="抢修表彰")]))

    assert line(result, "bonus_other").points == D("0.80")


@pytest.mark.parametrize(("days", "points"), [(0, "0.00"), (5, "1.00"), (7, "1.40"), (10, "2.00"), (30, "2.00")])
def test_early_extended_bonus(days, points):
    result = assess(RUBRIC, make_inputs({"early_or_extended_days": days}))

    assert line(result, "bonus_early_extended").points == D(points)


@pytest.mark.parametrize(("rate", "points"), [(0.85, "2.00"), (0.80, "2.00"), (0.6, "1.00"), (0.59, "0.00")])
def test_comfort_bonus_tiers(rate, points):
    result = assess(RUBRIC, make_inputs({"comfort_rate": rate}))

    assert line(result, "bonus_comfort").points == D(points)


def test_comfort_bonus_spot_check_overrides():
    inputs = make_inputs({"comfort_rate": 0.9}, [entry("spot-c", "bonus_comfort", EntrySource.SPOT_CHECK, value=0.65)])

    comfort = line(assess(RUBRIC, inputs), "bonus_comfort")

    assert comfort.points == D("1.00")
    assert comfort.entry_ids == ["spot-c"]
    assert "舒适供热比例 90.00 %" in comfort.reason


def test_bonus_kind_cap():
    result = assess(RUBRIC, make_inputs(extra_entries=[entry("b-1", "bonus_award", value=3)]))

    award = line(result, "bonus_award")
    assert award.points == D("2.00")
    assert "超过本项上限" in award.reason


def test_bonus_total_cap():
    extra = [
        entry("b-1", "bonus_government_task", value=2), entry("b-2", "bonus_award", value=2),
        entry("b-3", "bonus_major_event", value=2),
    ]
    result = assess(RUBRIC, make_inputs({"comfort_rate": 0.9, "early_or_extended_days": 10}, extra))

    # kinds: 2 + 2 + 1 + 2 (days) + 2 (comfort) = 9, capped at 5 → cap line −4.
    cap = line(result, "bonus_cap")
    assert cap.kind is LineKind.BONUS_CAP
    assert cap.points == D("-4.00")
    assert result.bonus_points == D("5.00")
    assert lines_sum(result) == result.total


# --- deductions (附件第六条) ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("code", "points"),
    [("deduct_group_petition", "2.00"), ("deduct_summoned", "1.00"), ("deduct_criticised", "2.00"),
     ("deduct_media", "2.00")],
)
def test_manual_deduction_one_event(code, points):
    result = assess(RUBRIC, make_inputs(extra_entries=[entry("d-1", code)]))

    assert line(result, code).points == -D(points)
    assert result.total == D("90.50") - D(points)


def test_other_deduction_entered_points():
    result = assess(RUBRIC, make_inputs(extra_entries=[entry("d-1", "deduct_other", points=1.25)]))

    assert line(result, "deduct_other").points == D("-1.25")
    assert result.total == D("89.25")
    assert result.grade is Grade.GOOD


@pytest.mark.parametrize(("ratio", "points"), [(0.0999, "-3.00"), (0.10, "0.00"), (0.02, "-3.00"), (0.3, "0.00")])
def test_measurement_ratio_deduction(ratio, points):
    result = assess(RUBRIC, make_inputs({"measured_household_ratio": ratio}))

    assert line(result, "deduct_measurement_ratio").points == D(points)


def test_measurement_ratio_missing_not_deducted():
    result = assess(RUBRIC, make_inputs({"measured_household_ratio": None}))

    assert line(result, "deduct_measurement_ratio").points == D("0.00")
    assert "暂不扣分" in line(result, "deduct_measurement_ratio").reason
    assert any("deduct_measurement_ratio" in note for note in result.needs_review)


def test_self_reported_deduction_ignored():
    extra = [entry("d-self", "deduct_summoned", EntrySource.SELF_ASSESSMENT)]

    result = assess(RUBRIC, make_inputs(extra_entries=extra))

    assert line(result, "deduct_summoned").points == D("0.00")


def test_deduction_kind_cap():
    result = assess(RUBRIC, make_inputs(extra_entries=[entry("d-1", "deduct_group_petition", value=5)]))

    assert line(result, "deduct_group_petition").points == D("-6.00")


def test_deduction_total_cap():
    extra = [
        entry("d-1", "deduct_group_petition", value=3), entry("d-2", "deduct_summoned", value=3),
        entry("d-3", "deduct_criticised", value=2), entry("d-4", "deduct_media", value=2),
        entry("d-5", "deduct_other", points=5),
    ]
    result = assess(RUBRIC, make_inputs({"measured_household_ratio": 0.01}, extra))

    # 6 + 3 + 4 + 4 + 3 + 5 = 25, capped at 20 → cap line +5.
    assert line(result, "deduction_cap").points == D("5.00")
    assert result.deduction_points == D("20.00")
    assert result.total == D("70.50")
    assert result.grade is Grade.PASS
    assert lines_sum(result) == result.total


def item_targeted_rubric():
    data = RUBRIC.model_dump(mode="json")
    data["deductions"][1]["target"] = "service_timely"
    return parse_rubric(data)


def test_item_targeted_deduction_stops_at_item_zero():
    rubric = item_targeted_rubric()
    entries = [e for e in base_entries() if e.target != "service_timely"]
    entries += [entry("t-1", "service_timely", points=1.5), entry("d-1", "deduct_summoned", value=3)]

    result = assess(rubric, make_inputs(entries=entries))

    summoned = line(result, "deduct_summoned")
    assert summoned.points == D("-1.50")
    assert "扣至 0 分为止" in summoned.reason
    assert result.total == D("90.50") - D("1.00") - D("1.50")
    assert lines_sum(result) == result.total


def test_item_targeted_deduction_within_item():
    rubric = item_targeted_rubric()

    result = assess(rubric, make_inputs(extra_entries=[entry("d-1", "deduct_summoned", value=2)]))

    assert line(result, "deduct_summoned").points == D("-2.00")
    assert "扣至 0 分为止" not in line(result, "deduct_summoned").reason


# --- clamp and grades ---------------------------------------------------------------------

def one_item_rubric(bands=(90, 80, 60)):
    return parse_rubric({
        "rubric_id": "test-one-item", "version": "t1", "title": "测试细则", "unit_kind": "heating_unit",
        "season_start_year": 2024,
        "areas": [{"code": "all", "name": "全部", "rule_ref": "测试", "items": [
            {"code": "whole", "name": "整体评分", "rule_ref": "测试", "mode": "manual", "max_points": 100}]}],
        "bonuses": [{"code": "bonus_other", "name": "其它加分", "rule_ref": "附件第五条第（七）项",
                     "mode": "manual", "cap": 10}],
        "bonus_total_cap": 10,
        "deductions": [{"code": "deduct_other", "name": "其它扣分", "rule_ref": "附件第六条第（六）项",
                        "mode": "manual", "cap": 30}],
        "deduction_total_cap": 30,
        "grade_bands": [{"grade": "优秀", "min_total": bands[0]}, {"grade": "良好", "min_total": bands[1]},
                        {"grade": "达标", "min_total": bands[2]}, {"grade": "不达标", "min_total": 0}],
    })


def one_item_inputs(points, bonus=None, deduction=None) -> AssessmentInput:
    entries = [entry("w", "whole", points=points)]
    if bonus is not None:
        entries.append(entry("b", "bonus_other", points=bonus))
    if deduction is not None:
        entries.append(entry("d", "deduct_other", points=deduction))
    return AssessmentInput(
        company_id="c", company_name="测试公司", season_start_year=2024,
        indicators=IndicatorSnapshot(window=WINDOW), manual_entries=entries,
    )


@pytest.mark.parametrize(
    ("points", "grade"),
    [(100, Grade.EXCELLENT), (90, Grade.EXCELLENT), (89.99, Grade.GOOD), (80, Grade.GOOD), (79.99, Grade.PASS),
     (60, Grade.PASS), (59.99, Grade.FAIL), (0, Grade.FAIL)],
)
def test_grade_boundaries_inclusive(points, grade):
    result = assess(one_item_rubric(), one_item_inputs(points))

    assert result.total == D(str(points)).quantize(D("0.01"))
    assert result.grade is grade


def test_grade_boundary_after_rounding():
    # 89.995 rounds half-up to 90.00 and is 优秀; 89.994 rounds to 89.99 and is 良好.
    assert assess(one_item_rubric(), one_item_inputs(89.995)).grade is Grade.EXCELLENT
    assert assess(one_item_rubric(), one_item_inputs(89.994)).grade is Grade.GOOD


def test_grade_for_custom_bands():
    rubric = one_item_rubric((85, 75, 55))
    assert grade_for(D("85.00"), rubric.grade_bands) is Grade.EXCELLENT
    assert grade_for(D("84.99"), rubric.grade_bands) is Grade.GOOD
    assert grade_for(D("55.00"), rubric.grade_bands) is Grade.PASS


def test_total_clamped_at_100():
    result = assess(one_item_rubric(), one_item_inputs(98, bonus=5))

    clamp = line(result, "clamp")
    assert clamp.points == D("-3.00")
    assert result.total == D("100.00")
    assert lines_sum(result) == result.total


def test_total_clamped_at_zero():
    result = assess(one_item_rubric(), one_item_inputs(10, deduction=25))

    assert line(result, "clamp").points == D("15.00")
    assert result.total == D("0.00")
    assert lines_sum(result) == result.total


# --- reproducibility ----------------------------------------------------------------------

def test_recompute_from_json_record_identical():
    extra = [entry("b-1", "bonus_award"), entry("d-1", "deduct_other", points=0.37)]
    original = assess(RUBRIC, make_inputs({"room_compliance_rate": 0.9537, "interruption_index": 0.00123}, extra))

    stored = original.model_dump_json()
    restored = AssessmentResult.model_validate_json(stored)
    recomputed = recompute(restored, load_shipped_rubric("baotou-2024"))

    assert restored == original
    assert recomputed == original
    assert recomputed.model_dump_json() == stored
    assert original.rubric_version == "2024.1"
    assert original.rubric_hash == RUBRIC.content_hash()


def test_recompute_rejects_changed_rubric():
    original = assess(RUBRIC, make_inputs())
    data = RUBRIC.model_dump(mode="json")
    data["bonus_total_cap"] = 4

    with pytest.raises(ReproducibilityError, match="无法复算"):
        recompute(original, parse_rubric(data))


def test_json_points_are_numbers():
    data = assess(RUBRIC, make_inputs()).model_dump(mode="json")

    assert data["total"] == 90.5
    assert data["grade"] == "优秀"
    assert isinstance(data["lines"][0]["points"], float)
