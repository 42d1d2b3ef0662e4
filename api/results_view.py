"""Annual results as each role may see them: published (frozen) rows for everyone, own rows for a company.

The scoring job stores ``consequences`` and ``explanation`` as JSON. This module reads
``consequences["items"]`` as a list of ``{kind, title, rule_ref, reason}`` and
``explanation["text"]`` / ``explanation["lines"]``; other shapes are passed through.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.auth.principal import Principal
from api.jsonsafe import finite_or_none
from storage.registry import AnnualResult, list_annual_results

NO_RESULTS = "该供暖期尚无考核结果：年度评分尚未运行或尚未保存"


class ConsequencePublic(BaseModel):
    """排名后果（如约谈、通报、奖励）"""

    kind: str | None = Field(None, description="后果类型")
    title: str = Field(description="后果")
    rule_ref: str | None = Field(None, description="依据条款")
    reason: str | None = Field(None, description="原因")


class ResultRow(BaseModel):
    """一个供热单位的年度考核结果"""

    unit: str = Field(description="供热单位编号")
    name: str = Field(description="供热单位名称")
    kind: str = Field(description="单位类型")
    total: float | None = Field(description="总分")
    grade: str = Field(description="等级")
    rank: int | None = Field(None, description="排名（同类单位内）")
    vetoed: bool = Field(description="是否触发否决项")
    consequences: list[ConsequencePublic] = Field(description="排名后果")
    published: bool = Field(description="是否已冻结并公布")
    computed_at: datetime = Field(description="计算时间（UTC）")
    rubric_version: str = Field(description="评分细则版本")


def consequence_list(stored: Any) -> list[ConsequencePublic]:
    """Return the consequences of a stored result in the API's shape."""
    items = stored.get("items", stored.get("consequences")) if isinstance(stored, dict) else stored
    if isinstance(items, list):
        return [
            ConsequencePublic(kind=item.get("kind"), title=str(item.get("title", "")), rule_ref=item.get("rule_ref"),
                              reason=item.get("reason"))
            for item in items if isinstance(item, dict)
        ]
    if isinstance(stored, dict):
        return [ConsequencePublic(title=str(key), reason=str(value)) for key, value in stored.items()]
    return []


def result_row(result: AnnualResult) -> ResultRow:
    """Convert a stored result into a ranking row."""
    return ResultRow(
        unit=result.unit.code, name=result.unit.name, kind=result.unit.kind.value,
        total=finite_or_none(result.total), grade=result.grade, rank=result.rank, vetoed=result.vetoed,
        consequences=consequence_list(result.consequences), published=result.frozen,
        computed_at=result.computed_at, rubric_version=result.rubric_version,
    )


def can_see_result(principal: Principal, result: AnnualResult) -> bool:
    """Return True when the result is published or the caller may read its unit's unpublished data."""
    return result.frozen or principal.can_read_unit(result.unit.code)


def visible_results(session: Session, principal: Principal, season_code: str, kind: str | None) -> list[AnnualResult]:
    """Return the season's results the caller may see, by rank, optionally of one unit kind."""
    results = list_annual_results(session, season_code=season_code)
    return [
        result for result in results
        if can_see_result(principal, result) and (kind is None or result.unit.kind.value == kind)
    ]
