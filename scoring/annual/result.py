"""Result of the annual assessment: the total, the grade and one explanation line per rule."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from scoring.annual.inputs import AssessmentInput, DataWindow
from scoring.rubric.points import Points
from scoring.rubric.schema import Grade, UnitKind

ENGINE_VERSION = "annual-1"


class LineKind(str, Enum):
    """Kind of contribution an explanation line accounts for."""

    ITEM = "item"
    BONUS = "bonus"
    BONUS_CAP = "bonus_cap"  # bonuses above the total bonus cap, taken back
    DEDUCTION = "deduction"
    DEDUCTION_CAP = "deduction_cap"  # deductions above the total deduction cap, given back
    CLAMP = "clamp"  # total brought back into [0, 100]
    VETO = "veto"  # always 0 points, and ``triggered`` records whether it applies


class Basis(str, Enum):
    """Origin of a line's value."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"
    MISSING = "missing"  # no data and no entry: the line scores 0
    RULE = "rule"  # a cap or clamp


class ExplanationLine(BaseModel):
    """One traced contribution to the total; the ``points`` of all lines add up to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: LineKind
    code: str
    name: str
    area: str | None = None
    rule_ref: str
    basis: Basis
    indicator: str | None = None
    indicator_value: float | None = None
    window: DataWindow | None = None
    entry_ids: list[str] = Field(default_factory=list)
    ignored_entry_ids: list[str] = Field(default_factory=list)
    points: Points
    max_points: Points | None = None
    triggered: bool | None = None
    reason: str


class AssessmentResult(BaseModel):
    """Frozen, JSON-serialisable result of one company's annual assessment.

    ``inputs`` and the rubric hash are kept so that ``recompute`` reproduces every number.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine_version: str = ENGINE_VERSION
    rubric_id: str
    rubric_version: str
    rubric_hash: str
    unit_kind: UnitKind
    company_id: str
    company_name: str
    season_start_year: int
    item_points: Points
    bonus_points: Points
    deduction_points: Points
    clamp_points: Points
    total: Points
    grade: Grade
    grade_reason: str
    vetoed: bool
    vetoes_triggered: list[str]
    lines: list[ExplanationLine]
    needs_review: list[str]
    inputs: AssessmentInput
