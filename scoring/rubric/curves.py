"""Scoring curves that turn an indicator value into points, and threshold conditions."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.rubric.points import ZERO, Points, format_points, to_points


class Comparison(str, Enum):
    """Comparison operator of a condition."""

    LT = "lt"
    LE = "le"
    GT = "gt"
    GE = "ge"
    EQ = "eq"


COMPARISON_ZH = {"lt": "低于", "le": "不高于", "gt": "高于", "ge": "不低于", "eq": "等于"}


class Condition(BaseModel):
    """A threshold test on a value, e.g. ``lt 0.90`` for 室温达标率 < 90 %."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    op: Comparison
    threshold: float

    def holds(self, value: Decimal) -> bool:
        """Return True when the value satisfies the comparison."""
        threshold = Decimal(repr(self.threshold))
        match self.op:
            case Comparison.LT:
                return value < threshold
            case Comparison.LE:
                return value <= threshold
            case Comparison.GT:
                return value > threshold
            case Comparison.GE:
                return value >= threshold
            case Comparison.EQ:
                return value == threshold

    def describe_zh(self) -> str:
        """Describe the condition in Chinese, e.g. '低于 0.9'."""
        return f"{COMPARISON_ZH[self.op.value]} {self.threshold:g}"


class LinearCurve(BaseModel):
    """Points rise linearly from 0 at ``zero_at`` to the maximum at ``full_at``.

    Either direction works: ``full_at`` below ``zero_at`` means lower values are better.
    Values beyond either end are clamped.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["linear"] = "linear"
    zero_at: float
    full_at: float

    def points(self, value: Decimal, max_points: Decimal) -> Decimal:
        """Return the interpolated points for the value."""
        zero_at = Decimal(repr(self.zero_at))
        full_at = Decimal(repr(self.full_at))
        fraction = (value - zero_at) / (full_at - zero_at)
        fraction = min(max(fraction, Decimal(0)), Decimal(1))
        return to_points(max_points * fraction)

    def describe_zh(self) -> str:
        """Describe the curve in Chinese."""
        return f"线性：指标为 {self.zero_at:g} 时计 0 分，为 {self.full_at:g} 时计满分，其间按比例"


class StepTier(BaseModel):
    """One tier of a step curve: the points given once the value reaches the threshold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: float
    points: Points


class StepCurve(BaseModel):
    """Points by tiers, checked in order; the first tier the value reaches gives the points.

    With ``higher_is_better`` a tier is reached when value ≥ threshold, and thresholds are
    listed from high to low. Without it a tier is reached when value ≤ threshold, and
    thresholds are listed from low to high. A value reaching no tier gets ``otherwise``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["step"] = "step"
    higher_is_better: bool
    tiers: list[StepTier] = Field(min_length=1)
    otherwise: Points = ZERO

    def points(self, value: Decimal, max_points: Decimal) -> Decimal:
        """Return the points of the first tier the value reaches."""
        for tier in self.tiers:
            threshold = Decimal(repr(tier.threshold))
            reached = value >= threshold if self.higher_is_better else value <= threshold
            if reached:
                return min(tier.points, max_points)
        return min(self.otherwise, max_points)

    def describe_zh(self) -> str:
        """Describe the tiers in Chinese."""
        word = "不低于" if self.higher_is_better else "不高于"
        tiers = "，".join(f"{word} {t.threshold:g} 计 {format_points(t.points)} 分" for t in self.tiers)
        return f"分档：{tiers}，其余计 {format_points(self.otherwise)} 分"


class BooleanCurve(BaseModel):
    """Fixed points when a condition holds, other fixed points when it does not."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["boolean"] = "boolean"
    when: Condition
    points_if_true: Points
    points_if_false: Points = ZERO

    def points(self, value: Decimal, max_points: Decimal) -> Decimal:
        """Return the points for whether the condition holds."""
        chosen = self.points_if_true if self.when.holds(value) else self.points_if_false
        return min(chosen, max_points)

    def describe_zh(self) -> str:
        """Describe the condition and its points in Chinese."""
        return (
            f"条件：指标{self.when.describe_zh()}时计 {format_points(self.points_if_true)} 分，"
            f"否则计 {format_points(self.points_if_false)} 分"
        )


Curve = Annotated[LinearCurve | StepCurve | BooleanCurve, Field(discriminator="type")]


def curve_problems(curve: LinearCurve | StepCurve | BooleanCurve, max_points: Decimal) -> list[str]:
    """List what is wrong with a curve's parameters, in Chinese, for a line worth max_points."""
    problems: list[str] = []

    if isinstance(curve, LinearCurve) and curve.zero_at == curve.full_at:
        problems.append(f"线性曲线的 zero_at 与 full_at 相同（{curve.zero_at:g}），无法插值")

    if isinstance(curve, StepCurve):
        thresholds = [tier.threshold for tier in curve.tiers]
        ordered = sorted(thresholds, reverse=curve.higher_is_better)
        if thresholds != ordered or len(set(thresholds)) != len(thresholds):
            order = "从高到低" if curve.higher_is_better else "从低到高"
            problems.append(f"分档曲线的门槛值必须{order}严格排列，实际为 {thresholds}")
        points = [tier.points for tier in curve.tiers] + [curve.otherwise]
        if any(later > earlier for earlier, later in zip(points, points[1:])):
            problems.append(f"分档曲线的分值必须逐档不增，实际为 {[str(p) for p in points]}")
        if any(p > max_points for p in points):
            problems.append(f"分档曲线的分值超过本项上限 {max_points} 分")

    if isinstance(curve, BooleanCurve):
        if max(curve.points_if_true, curve.points_if_false) > max_points:
            problems.append(f"条件曲线的分值超过本项上限 {max_points} 分")

    return problems
