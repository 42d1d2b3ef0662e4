"""Registry of the automatic indicator codes a rubric may name, with Chinese names and units.

The indicator computation produces exactly these codes, and a rubric naming any other code
is rejected at load. The interruption counts are cumulative: ``interruptions_4h`` counts
every event of 4 h or more, including those also counted in ``interruptions_8h`` and
``interruptions_24h``. ``higher_is_better`` is the usual direction of a scoring curve and
is informative only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """One indicator code: its Chinese name, unit, valid range and good direction."""

    code: str
    name_zh: str
    unit: str
    min_value: float | None
    max_value: float | None
    higher_is_better: bool
    description_zh: str


def _info(
    code: str,
    name_zh: str,
    unit: str,
    bounds: tuple[float | None, float | None],
    higher_is_better: bool,
    description_zh: str,
) -> IndicatorInfo:
    return IndicatorInfo(code, name_zh, unit, bounds[0], bounds[1], higher_is_better, description_zh)


RATIO = (0.0, 1.0)
COUNT = (0.0, None)

INDICATORS: dict[str, IndicatorInfo] = {
    info.code: info
    for info in (
        _info("room_compliance_rate", "室温达标率", "比例(0–1)", RATIO, True,
              "达标户日数 ÷ 有效户日数，户日日均室温不低于达标下限即为达标"),
        _info("room_compliance_household_rate", "室温达标户比例", "比例(0–1)", RATIO, True,
              "供暖期内达标户日占比不低于设定比例的测温户 ÷ 测温户"),
        _info("low_temp_rate", "低温率", "比例(0–1)", RATIO, False,
              "日均室温低于达标下限的户日 ÷ 有效户日"),
        _info("high_temp_rate", "高温率", "比例(0–1)", RATIO, False,
              "日均室温高于高温上限的户日 ÷ 有效户日"),
        _info("comfort_rate", "舒适供热比例", "比例(0–1)", RATIO, True,
              "日均室温处于舒适区间的户日 ÷ 有效户日"),
        _info("measured_household_ratio", "测温比例", "比例(0–1)", RATIO, True,
              "本采暖期有有效测温数据的用热户 ÷ 在供用热户"),
        _info("late_station_days", "按时供热：迟开站日数", "站·日", COUNT, False,
              "官方开始供热日之后才开始供热的热力站日数之和"),
        _info("early_stop_station_days", "按时供热：提前停热站日数", "站·日", COUNT, False,
              "官方停止供热日之前停止供热的热力站日数之和"),
        _info("early_or_extended_days", "提前或延长供热天数", "天", COUNT, True,
              "早于官方开始日或晚于官方结束日供热的天数"),
        _info("interruption_index", "停热指数", "比例(0–1)", RATIO, False,
              "Σ(停热时长×影响面积) ÷ (供暖期时长×供热面积)，越小越稳定"),
        _info("interruptions_4h", "4小时以上停热次数", "次", COUNT, False,
              "持续4小时及以上的热力站停热事件数，含8小时、24小时以上的事件"),
        _info("interruptions_8h", "8小时以上停热次数", "次", COUNT, False,
              "持续8小时及以上的热力站停热事件数，含24小时以上的事件"),
        _info("interruptions_24h", "24小时以上停热次数", "次", COUNT, False,
              "持续超过24小时的热力站停热事件数"),
        _info("long_low_temp", "长期低温供热", "是/否(1/0)", RATIO, False,
              "存在连续多日低温供热时为1，否则为0"),
        _info("heat_per_m2_gj", "单位面积耗热量", "GJ/m²", COUNT, False,
              "热力站热量表计量的供暖期耗热量 ÷ 供热面积"),
        _info("heat_per_hdd_gj_m2", "度日单位面积耗热量", "GJ/(m²·℃·d)", COUNT, False,
              "单位面积耗热量 ÷ 供暖度日数（基准18 ℃）"),
        _info("meter_coverage", "热计量装置安装率", "比例(0–1)", RATIO, True,
              "安装热量表的热力站 ÷ 热力站总数"),
        _info("meter_online_rate", "热计量装置在线率", "比例(0–1)", RATIO, True,
              "按时上传数据的热量表 ÷ 已安装热量表"),
        _info("data_completeness", "运行数据完整率", "比例(0–1)", RATIO, True,
              "实际收到的热力站运行数据条数 ÷ 应收条数"),
    )
}


def indicator_name(code: str) -> str:
    """Return the Chinese name of an indicator code, or the code itself when unknown."""
    info = INDICATORS.get(code)
    return info.name_zh if info else code
