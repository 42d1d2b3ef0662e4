"""Versioned assessment rubrics (考核评分细则): schema, indicator registry and YAML loader."""

from scoring.rubric.checks import rubric_problems
from scoring.rubric.curves import BooleanCurve, Comparison, Condition, LinearCurve, StepCurve, StepTier
from scoring.rubric.indicators import INDICATORS, IndicatorInfo, indicator_name
from scoring.rubric.loader import (
    RubricError,
    load_rubric,
    load_shipped_rubric,
    parse_rubric,
    shipped_rubric_ids,
)
from scoring.rubric.points import Points, format_points, to_points
from scoring.rubric.schema import (
    UNIT_KIND_ZH,
    AdjustmentKind,
    Area,
    BonusKind,
    DeductionKind,
    Grade,
    GradeBand,
    Item,
    Mode,
    RankingRules,
    Rubric,
    TieBreaker,
    UnitKind,
    Veto,
)

__all__ = [
    "INDICATORS",
    "UNIT_KIND_ZH",
    "AdjustmentKind",
    "Area",
    "BonusKind",
    "BooleanCurve",
    "Comparison",
    "Condition",
    "DeductionKind",
    "Grade",
    "GradeBand",
    "IndicatorInfo",
    "Item",
    "LinearCurve",
    "Mode",
    "Points",
    "RankingRules",
    "Rubric",
    "RubricError",
    "StepCurve",
    "StepTier",
    "TieBreaker",
    "UnitKind",
    "Veto",
    "format_points",
    "indicator_name",
    "load_rubric",
    "load_shipped_rubric",
    "parse_rubric",
    "rubric_problems",
    "shipped_rubric_ids",
    "to_points",
]
