"""Annual assessment of heating units: scoring engine, ranking, consequences and explanation.

Typical use: ``assess(rubric, inputs)`` per company, then ``rank_season(results, rubrics)``.
Results and rankings are frozen pydantic models, so ``model_dump_json`` stores them and
``recompute(result, rubric)`` reproduces a stored result exactly.
"""

from scoring.annual.consequences import Consequence, ConsequenceKind
from scoring.annual.engine import ReproducibilityError, assess, grade_for, recompute
from scoring.annual.entries import AssessmentInputError
from scoring.annual.explanation import explain_ranking, explain_result
from scoring.annual.inputs import (
    SOURCE_ZH,
    AssessmentInput,
    DataWindow,
    EntrySource,
    IndicatorSnapshot,
    IndicatorValue,
    ManualEntry,
    PastResult,
)
from scoring.annual.ranking import GroupRanking, RankedCompany, RankingError, rank_group, rank_season
from scoring.annual.result import ENGINE_VERSION, AssessmentResult, Basis, ExplanationLine, LineKind

__all__ = [
    "ENGINE_VERSION",
    "SOURCE_ZH",
    "AssessmentInput",
    "AssessmentInputError",
    "AssessmentResult",
    "Basis",
    "Consequence",
    "ConsequenceKind",
    "DataWindow",
    "EntrySource",
    "ExplanationLine",
    "GroupRanking",
    "IndicatorSnapshot",
    "IndicatorValue",
    "LineKind",
    "ManualEntry",
    "PastResult",
    "RankedCompany",
    "RankingError",
    "ReproducibilityError",
    "assess",
    "explain_ranking",
    "explain_result",
    "grade_for",
    "rank_group",
    "rank_season",
    "recompute",
]
