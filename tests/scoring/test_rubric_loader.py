"""Rubric loading: the shipped Baotou rubrics and rejection of invalid files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from scoring.rubric import (
    INDICATORS,
    Grade,
    RubricError,
    UnitKind,
    load_rubric,
    load_shipped_rubric,
    parse_rubric,
    shipped_rubric_ids,
)
from scoring.rubric.loader import SHIPPED_DIR

EXPECTED_CODES = {
    "room_compliance_rate", "room_compliance_household_rate", "low_temp_rate", "high_temp_rate",
    "comfort_rate", "measured_household_ratio", "late_station_days", "early_stop_station_days",
    "early_or_extended_days", "interruption_index", "interruptions_4h", "interruptions_8h",
    "interruptions_24h", "long_low_temp", "heat_per_m2_gj", "heat_per_hdd_gj_m2", "meter_coverage",
    "meter_online_rate", "data_completeness",
}
AREA_NAMES = ["供热质量", "供热服务", "供热运行", "供热设施", "经营管理", "基础管理", "投诉管理", "群众满意度"]
CHINESE_ITEMS = ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）", "（八）", "（九）"]


def shipped_data(rubric_id: str = "baotou-2024") -> dict:
    return yaml.safe_load((SHIPPED_DIR / f"{rubric_id}.yaml").read_text(encoding="utf-8"))


def rejection(data: dict) -> RubricError:
    with pytest.raises(RubricError) as caught:
        parse_rubric(data, source="test.yaml")
    return caught.value


def test_indicator_registry_codes_exact():
    assert set(INDICATORS) == EXPECTED_CODES
    for info in INDICATORS.values():
        assert info.name_zh and info.unit


def test_shipped_rubric_ids():
    assert shipped_rubric_ids() == ["baotou-2024", "baotou-chp-2024"]


@pytest.mark.parametrize("rubric_id", ["baotou-2024", "baotou-chp-2024"])
def test_shipped_rubric_structure(rubric_id):
    rubric = load_shipped_rubric(rubric_id)

    assert rubric.items_max_total() == Decimal("100.00")
    assert [area.name for area in rubric.areas] == AREA_NAMES
    assert [b.rule_ref for b in rubric.bonuses] == [f"附件第五条第{n}项" for n in CHINESE_ITEMS[:7]]
    assert [d.rule_ref for d in rubric.deductions] == [f"附件第六条第{n}项" for n in CHINESE_ITEMS[:6]]
    assert [v.rule_ref for v in rubric.vetoes] == [f"附件第七条第{n}项" for n in CHINESE_ITEMS]
    assert [(b.grade, b.min_total) for b in rubric.grade_bands] == [
        (Grade.EXCELLENT, 90), (Grade.GOOD, 80), (Grade.PASS, 60), (Grade.FAIL, 0)
    ]
    assert rubric.ranking.bottom_count == 3
    assert rubric.ranking.takeover_consecutive_fail_years == 2


def test_shipped_quality_subitems_present():
    rubric = load_shipped_rubric("baotou-2024")
    quality = rubric.areas[0]
    refs = " ".join(item.rule_ref for item in quality.items)
    for name in ["按时供热", "稳定供热", "达标供热", "保低控高"]:
        assert name in refs
    assert rubric.unit_kind is UnitKind.HEATING_UNIT
    assert load_shipped_rubric("baotou-chp-2024").unit_kind is UnitKind.CHP_SOURCE


def test_published_thresholds_in_shipped_rubric():
    rubric = load_shipped_rubric("baotou-2024")
    measured = next(d for d in rubric.deductions if d.code == "deduct_measurement_ratio")
    compliance = next(v for v in rubric.vetoes if v.code == "veto_room_compliance")

    assert measured.indicator == "measured_household_ratio"
    assert measured.curve.when.op.value == "lt"
    assert measured.curve.when.threshold == 0.10
    assert compliance.condition.op.value == "lt"
    assert compliance.condition.threshold == 0.90


def test_content_hash_stable_and_sensitive():
    first = load_shipped_rubric("baotou-2024")
    second = load_shipped_rubric("baotou-2024")
    assert first.content_hash() == second.content_hash()
    assert first.content_hash().startswith("sha256:")

    data = shipped_data()
    data["bonus_total_cap"] = 6
    assert parse_rubric(data).content_hash() != first.content_hash()


def test_hash_ignores_yaml_formatting(tmp_path: Path):
    data = shipped_data()
    path = tmp_path / "reformatted.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True), encoding="utf-8")
    assert load_rubric(path).content_hash() == load_shipped_rubric("baotou-2024").content_hash()


def test_rejects_total_not_100():
    data = shipped_data()
    data["areas"][1]["items"][0]["max_points"] = 3.5

    error = rejection(data)

    assert "应为 100 分" in str(error)
    assert "101.00" in str(error)
    assert "供热服务 11.00 分" in str(error)


def test_rejects_unknown_indicator_naming_item():
    data = shipped_data()
    data["areas"][0]["items"][4]["indicator"] = "room_temp_ok"

    error = rejection(data)

    assert "考核项「达标供热（室温达标率）」(quality_compliance)" in str(error)
    assert "未知指标编码 room_temp_ok" in str(error)


def test_rejects_unknown_indicator_in_veto():
    data = shipped_data()
    data["vetoes"][5]["indicator"] = "compliance"

    assert "否决项「供暖期室温达标率低于90%」(veto_room_compliance) 引用了未知指标编码 compliance" in str(
        rejection(data)
    )


def test_rejects_duplicate_codes():
    data = shipped_data()
    data["bonuses"][1]["code"] = "bonus_government_task"

    assert "编码 bonus_government_task 重复" in str(rejection(data))


def test_rejects_linear_curve_without_span():
    data = shipped_data()
    data["areas"][0]["items"][4]["curve"] = {"type": "linear", "zero_at": 0.9, "full_at": 0.9}

    error = rejection(data)

    assert "quality_compliance" in str(error)
    assert "zero_at 与 full_at 相同" in str(error)


def test_rejects_unordered_step_tiers():
    data = shipped_data()
    data["areas"][0]["items"][3]["curve"]["tiers"] = [
        {"threshold": 1, "points": 2}, {"threshold": 0, "points": 4}
    ]

    error = rejection(data)

    assert "quality_long_interruptions" in str(error)
    assert "从低到高" in str(error)


def test_rejects_step_points_above_item_max():
    data = shipped_data()
    data["areas"][0]["items"][3]["curve"]["tiers"][0]["points"] = 5

    assert "分值超过本项上限 4.00 分" in str(rejection(data))


def test_rejects_automatic_item_without_curve():
    data = shipped_data()
    del data["areas"][0]["items"][0]["curve"]

    assert "quality_on_time_start) 为自动评分，必须指定 indicator 和 curve" in str(rejection(data))


def test_rejects_unknown_deduction_target():
    data = shipped_data()
    data["deductions"][4]["target"] = "no_such_item"

    assert "扣分对象 no_such_item" in str(rejection(data))


def test_rejects_bad_grade_bands():
    data = shipped_data()
    data["grade_bands"][1]["min_total"] = 95

    assert "等级下限必须严格递减" in str(rejection(data))

    data = shipped_data()
    data["grade_bands"] = data["grade_bands"][:3]
    assert "优秀、良好、达标、不达标" in str(rejection(data))


def test_structural_error_names_code():
    data = shipped_data()
    data["areas"][2]["items"][0]["max_points"] = "四分"

    error = rejection(data)

    assert "operation_safety" in str(error)
    assert "max_points" in str(error)


def test_collects_several_problems():
    data = shipped_data()
    data["areas"][0]["items"][0]["indicator"] = "x_unknown"
    data["bonuses"][1]["code"] = "bonus_government_task"

    error = rejection(data)

    assert len(error.problems) == 2


def test_unknown_shipped_id_message():
    with pytest.raises(RubricError, match="未找到内置评分细则 baotou-1999"):
        load_shipped_rubric("baotou-1999")


def test_invalid_yaml_file(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("areas: [\n", encoding="utf-8")

    with pytest.raises(RubricError, match="无法读取或解析 YAML"):
        load_rubric(path)

