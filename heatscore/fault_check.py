"""Compare what the platform found with the faults the season simulator injected."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.annual import IndicatorSnapshot
from scoring.assessment import SeasonAssessment

# 室温达标率 must match the ground truth to within 0.1 percentage point.
RATE_TOLERANCE = 0.001


@dataclass(frozen=True)
class FaultCheck:
    """One line of the check table."""

    subject: str
    expected: str
    found: str
    passed: bool


def _value(snapshots: dict[str, IndicatorSnapshot], unit: str, code: str) -> float | None:
    snapshot = snapshots.get(unit)
    return snapshot.get(code).value if snapshot else None


def _show(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "无数据"
    return f"{value * 100:.2f}%" if percent else f"{value:g}"


def check_faults(snapshots: dict[str, IndicatorSnapshot], outcome: SeasonAssessment, truth: dict) -> list[FaultCheck]:
    """Return one check per unit's 室温达标率 and per injected fault the indicators can see."""
    checks = []
    for unit, facts in truth["units"].items():
        expected = facts["room"].get("compliant_rate") if facts.get("room") else None
        if expected is None:
            continue
        found = _value(snapshots, unit, "room_compliance_rate")
        passed = found is not None and abs(found - expected) <= RATE_TOLERANCE
        checks.append(FaultCheck(f"{unit} 室温达标率", _show(expected, True), _show(found, True), passed))

    vetoed = {result.company_id for result in outcome.results if result.vetoed}
    for fault in truth["faults"]:
        check = _check_fault(fault, snapshots, vetoed, truth)
        if check is not None:
            checks.append(check)
    return checks


def _check_fault(fault: dict, snapshots: dict, vetoed: set[str], truth: dict) -> FaultCheck | None:
    kind = fault["kind"]
    unit = fault.get("unit") or (fault.get("station") or "").split("-")[0]

    if kind == "late_start":
        delay = fault["expected"]["start_delay_days"]
        found = _value(snapshots, unit, "late_station_days")
        return FaultCheck(f"{fault['station']} 晚开栓", f"{unit} 迟开栓 {delay} 站·日", _show(found), found == delay)

    if kind == "interruption" and fault["expected"]["class"] == "refund":
        station = fault["station"]
        events = [f for f in truth["faults"] if f["kind"] == "interruption" and f["station"] == station]
        expected = {
            "interruptions_4h": sum(1 for f in events if f["expected"]["hours"] >= 4),
            "interruptions_8h": sum(1 for f in events if f["expected"]["hours"] >= 8),
            "interruptions_24h": sum(1 for f in events if f["expected"]["hours"] > 24),
        }
        found = {code: _value(snapshots, unit, code) for code in expected}
        hours = "、".join(f"{f['expected']['hours']:g}" for f in events)
        return FaultCheck(
            f"{station} 停热 {hours} 小时",
            "≥4 h {interruptions_4h} 次，≥8 h {interruptions_8h} 次，>24 h {interruptions_24h} 次".format(**expected),
            "≥4 h {} 次，≥8 h {} 次，>24 h {} 次".format(*(_show(found[code]) for code in expected)),
            all(found[code] == expected[code] for code in expected),
        )

    if kind == "cold_building":
        below = truth["units"][unit]["room_compliance_below_90"]
        return FaultCheck(f"{fault['station']} 低温楼栋", f"{unit} 室温达标率 < 90%，一票否决" if below else "不触发否决",
                          "已否决" if unit in vetoed else "未否决", (unit in vetoed) == below)

    if kind == "low_temperature_period":
        found = _value(snapshots, unit, "long_low_temp")
        return FaultCheck(f"{fault['station']} 长期低温供热", f"{unit} 标记为 1", _show(found), found == 1)

    if kind == "early_extended_heating":
        found = _value(snapshots, unit, "early_or_extended_days")
        return FaultCheck(f"{unit} 提前/延长供热", "大于 0 天", _show(found), found is not None and found > 0)

    if kind == "meter_stopped":
        found = _value(snapshots, unit, "meter_online_rate")
        return FaultCheck(f"{fault['station']} 热量表停走", f"{unit} 热量表在线率 < 100%", _show(found, True),
                          found is not None and found < 1.0)

    if kind == "overheated_building":
        expected = truth["units"][unit]["room"]["high_rate"]
        found = _value(snapshots, unit, "high_temp_rate")
        passed = found is not None and abs(found - expected) <= RATE_TOLERANCE
        return FaultCheck(f"{fault['station']} 过热楼栋", f"{unit} 高温率 {_show(expected, True)}", _show(found, True), passed)
    return None


def print_checks(checks: list[FaultCheck]) -> None:
    """Print the check table in Chinese."""
    print(f"\n注入故障核对（平台计算结果 对比 模拟真值；比率允许相差 {RATE_TOLERANCE * 100:g} 个百分点）")
    print(f"{'核对项':<24}{'真值':<36}{'平台结果':<30}结论")
    for check in checks:
        print(f"{check.subject:<24}{check.expected:<36}{check.found:<30}{'一致' if check.passed else '不一致'}")
    failed = sum(1 for check in checks if not check.passed)
    print(f"共 {len(checks)} 项，{'全部一致' if not failed else f'{failed} 项不一致'}")
