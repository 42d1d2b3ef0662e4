"""Rubric (考核评分细则) models: areas, items, bonus and deduction kinds, vetoes, grades, ranking.

A rubric is plain configuration loaded from one YAML file per season and version. These
models check shapes and types only; ``scoring.rubric.checks`` checks the content (points
summing to 100, known indicator codes, unique codes, curve parameters).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.rubric.curves import Condition, Curve
from scoring.rubric.points import Points

CODE_PATTERN = r"^[a-z][a-z0-9_]*$"


class Grade(str, Enum):
    """The four grades of 附件第二条."""

    EXCELLENT = "优秀"
    GOOD = "良好"
    PASS = "达标"
    FAIL = "不达标"


class UnitKind(str, Enum):
    """Kind of assessed unit; each kind is ranked separately."""

    HEATING_UNIT = "heating_unit"  # 供热单位
    CHP_SOURCE = "chp_source"  # 热电联产热源单位


UNIT_KIND_ZH = {UnitKind.HEATING_UNIT: "供热单位", UnitKind.CHP_SOURCE: "热电联产热源单位"}


class Mode(str, Enum):
    """Scoring mode of a rubric line."""

    AUTOMATIC = "automatic"  # from an indicator code and a curve or condition
    MANUAL = "manual"  # from entries made by inspectors or by the company itself


class _Rule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)
    rule_ref: str = Field(min_length=1)
    mode: Mode
    description: str = ""


class Item(_Rule):
    """A scored item worth up to ``max_points``.

    Automatic items name an indicator and a curve. Manual items take points entered by
    inspectors; with a ``curve`` they take an entered value (e.g. a survey rate) instead.
    ``manual_override`` lets an inspection or spot-check entry replace an automatic result.
    """

    max_points: Points = Field(ge=0)
    indicator: str | None = None
    curve: Curve | None = None
    self_assessment: bool = True
    manual_override: bool = False


class Area(BaseModel):
    """An assessment area (考评内容) such as 供热质量, holding its items."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=CODE_PATTERN)
    name: str = Field(min_length=1)
    rule_ref: str = Field(min_length=1)
    items: list[Item] = Field(min_length=1)

    def max_points(self) -> Decimal:
        """Return the sum of the area's item maxima."""
        return sum((item.max_points for item in self.items), Decimal("0.00"))


class AdjustmentKind(_Rule):
    """A bonus or deduction kind with its own cap.

    Automatic kinds turn an indicator into points with a curve. Manual kinds add up entries,
    each worth its entered points or ``points_per_event`` times its entered count.
    """

    cap: Points = Field(gt=0)
    indicator: str | None = None
    curve: Curve | None = None
    points_per_event: Points | None = Field(default=None, gt=0)
    self_assessment: bool = True
    manual_override: bool = False


class BonusKind(AdjustmentKind):
    """A bonus kind of 附件第五条."""


class DeductionKind(AdjustmentKind):
    """A deduction kind of 附件第六条.

    ``target`` is ``total`` (the deduction lowers the total, which stops at 0) or an item
    code (the deduction lowers that item and stops at the item's zero).
    """

    target: str = "total"
    self_assessment: bool = False


class Veto(_Rule):
    """A veto item of 附件第七条: when triggered the grade is 不达标 whatever the points."""

    indicator: str | None = None
    condition: Condition | None = None
    self_assessment: bool = False
    manual_override: bool = True


class GradeBand(BaseModel):
    """A grade reached by totals at or above ``min_total`` (inclusive)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    grade: Grade
    min_total: Points = Field(ge=0, le=100)


class TieBreaker(BaseModel):
    """An indicator that orders companies with equal totals."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    indicator: str
    higher_is_better: bool


class RankingRules(BaseModel):
    """Ranking rules, and the ranks and grades that lead to 约谈 and 接管 (附件第八条)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tie_breakers: list[TieBreaker] = Field(default_factory=list)
    bottom_count: int = Field(3, ge=0)
    # "all": the bottom places of the whole ranking; "passing": the bottom places among 达标 units.
    bottom_scope: Literal["all", "passing"] = "all"
    takeover_consecutive_fail_years: int = Field(2, ge=1)


class Rubric(BaseModel):
    """One versioned rubric for one kind of unit and one heating season."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rubric_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    unit_kind: UnitKind
    season_start_year: int = Field(ge=2000, le=2100)
    areas: list[Area] = Field(min_length=1)
    bonuses: list[BonusKind] = Field(default_factory=list)
    bonus_total_cap: Points = Field(ge=0)
    deductions: list[DeductionKind] = Field(default_factory=list)
    deduction_total_cap: Points = Field(ge=0)
    vetoes: list[Veto] = Field(default_factory=list)
    grade_bands: list[GradeBand]
    ranking: RankingRules = Field(default_factory=RankingRules)

    def items(self) -> list[tuple[Area, Item]]:
        """Return every item with its area, in rubric order."""
        return [(area, item) for area in self.areas for item in area.items]

    def item(self, code: str) -> Item | None:
        """Return the item with this code, or None."""
        return next((item for _, item in self.items() if item.code == code), None)

    def items_max_total(self) -> Decimal:
        """Return the sum of all item maxima (100 in a valid rubric)."""
        return sum((area.max_points() for area in self.areas), Decimal("0.00"))

    def content_hash(self) -> str:
        """Return 'sha256:<hex>' of the canonical JSON of the rubric's content."""
        canonical = json.dumps(
            self.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
