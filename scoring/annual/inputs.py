"""Inputs of the annual assessment: indicator values, manual entries and past results."""

from __future__ import annotations

import math
from datetime import date
from enum import Enum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from scoring.rubric.indicators import INDICATORS
from scoring.rubric.points import Points
from scoring.rubric.schema import Grade


class EntrySource(str, Enum):
    """Source of a manual entry (附件第三条): the company itself, an inspection or a spot check."""

    SELF_ASSESSMENT = "self_assessment"  # 自评
    INSPECTION = "inspection"  # 检查
    SPOT_CHECK = "spot_check"  # 抽查


SOURCE_ZH = {
    EntrySource.SELF_ASSESSMENT: "自评",
    EntrySource.INSPECTION: "检查",
    EntrySource.SPOT_CHECK: "抽查",
}


class DataWindow(BaseModel):
    """The local days (Asia/Shanghai, both ends inclusive) the indicator values cover."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date

    @model_validator(mode="after")
    def _check_order(self) -> DataWindow:
        if self.end < self.start:
            raise ValueError(f"数据窗口结束日 {self.end} 早于开始日 {self.start}")
        return self

    def describe_zh(self) -> str:
        """Describe the window in Chinese, e.g. '2024-10-15 至 2025-04-15'."""
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


class IndicatorValue(BaseModel):
    """One indicator value, or None with the reason it could not be computed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float | None
    missing_reason: str | None = None

    @model_validator(mode="after")
    def _check_value(self) -> IndicatorValue:
        if self.value is None and not self.missing_reason:
            raise ValueError("指标值缺失时必须说明原因（missing_reason）")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"指标值必须是有限数值，实际为 {self.value}")
        return self


class IndicatorSnapshot(BaseModel):
    """Indicator values of one company for one season, keyed by indicator code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window: DataWindow
    values: dict[str, IndicatorValue] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_codes(self) -> IndicatorSnapshot:
        unknown = sorted(set(self.values) - set(INDICATORS))
        if unknown:
            raise ValueError(f"未知指标编码：{', '.join(unknown)}")

        for code, indicator in self.values.items():
            info = INDICATORS[code]
            value = indicator.value
            below = value is not None and info.min_value is not None and value < info.min_value
            above = value is not None and info.max_value is not None and value > info.max_value
            if below or above:
                raise ValueError(
                    f"指标 {code}（{info.name_zh}）的值 {value:g} 超出有效范围 "
                    f"{info.min_value:g} 至 {'不限' if info.max_value is None else format(info.max_value, 'g')}"
                )
        return self

    def get(self, code: str) -> IndicatorValue:
        """Return the value of a code; a code not supplied reads as missing."""
        return self.values.get(code) or IndicatorValue(value=None, missing_reason="未提供该指标")


class ManualEntry(BaseModel):
    """A score or finding entered by a person for one rubric code.

    ``points`` gives points directly, and ``value`` is read according to the target:
    - manual item with a curve: the entered rate, e.g. 满意率 0.93;
    - automatic item or kind with ``manual_override``: the replacement indicator value;
    - manual bonus or deduction kind: the number of events (none given counts as 1);
    - veto: 1 (the situation exists) or 0 (it does not).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    entry_id: str = Field(min_length=1)
    target: str = Field(min_length=1)
    source: EntrySource
    points: Points | None = Field(default=None, ge=0)
    value: float | None = None
    note: str = ""
    evidence: list[str] = Field(default_factory=list)
    entered_by: str = Field(min_length=1)
    entered_at: AwareDatetime

    @model_validator(mode="after")
    def _check_value(self) -> ManualEntry:
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"录入 {self.entry_id} 的 value 必须是有限数值")
        if self.points is not None and self.value is not None:
            raise ValueError(f"录入 {self.entry_id} 只能填写 points 或 value 之一")
        return self


class PastResult(BaseModel):
    """A stored result of an earlier season, used for the two-year takeover rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    season_start_year: int
    grade: Grade
    total: Points
    vetoed: bool = False


class AssessmentInput(BaseModel):
    """Everything the engine needs for one company and one season besides the rubric."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    company_id: str = Field(min_length=1)
    company_name: str = Field(min_length=1)
    season_start_year: int
    indicators: IndicatorSnapshot
    manual_entries: list[ManualEntry] = Field(default_factory=list)
    past_results: list[PastResult] = Field(default_factory=list)

