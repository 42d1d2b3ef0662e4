"""Manual entries (人工录入): self-assessment by companies, inspections, and their review."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.auth.deps import UserDep
from api.deps import SessionDep
from api.entry_access import check_entry_readable, check_entry_writable, check_reviewer, check_source_allowed
from api.errors import ApiError
from api.ranges import CODE_REGEX
from api.routes.registry import scoped_unit
from scoring.assessment import AssessmentError, check_manual_entry
from storage.registry import (
    EntryKind,
    EntrySource,
    EntryStatus,
    ManualEntry,
    create_manual_entry,
    delete_manual_entry,
    get_manual_entry,
    list_manual_entries,
    review_manual_entry,
    submit_manual_entry,
    update_manual_entry,
)

router = APIRouter(prefix="/api/v1", tags=["人工录入与自评"])

SeasonCode = Annotated[str, Path(pattern=r"^\d{4}-\d{4}$", description="供暖期编号，例如 2025-2026")]
EntryId = Annotated[int, Path(ge=1, description="人工录入记录编号")]


class EvidencePublic(BaseModel):
    """证明材料"""

    id: int
    filename: str = Field(description="上传时的文件名")
    content_type: str = Field(description="文件类型")
    size_bytes: int = Field(description="大小（字节）")
    sha256: str = Field(description="内容 SHA-256")
    uploaded_by: str = Field(description="上传人")
    uploaded_at: datetime = Field(description="上传时间（UTC）")


class EntryPublic(BaseModel):
    """人工录入记录"""

    id: int
    season: str = Field(description="供暖期编号")
    unit: str = Field(description="供热单位编号")
    code: str = Field(description="考核项、加分、扣分或否决项编码（与评分细则一致）")
    entry_kind: EntryKind = Field(description="类型：item 考核项、bonus 加分、deduction 扣分、veto 否决")
    source: EntrySource = Field(description="来源：self_assessment 自评、inspection 检查、spot_check 抽查")
    points: float | None = Field(None, description="分值")
    value: float | None = Field(None, description="数值（如满意率）")
    note: str | None = Field(None, description="说明")
    status: EntryStatus = Field(description="状态：draft 草稿、submitted 已提交、accepted 已采纳、rejected 已退回")
    entered_by: str = Field(description="录入人")
    reviewed_by: str | None = Field(None, description="审核人")
    review_note: str | None = Field(None, description="审核意见")
    created_at: datetime
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    evidence: list[EvidencePublic] = Field(default_factory=list, description="证明材料")


class EntryCreate(BaseModel):
    """新建人工录入记录（草稿）"""

    unit: str = Field(pattern=CODE_REGEX, description="供热单位编号")
    code: str = Field(min_length=1, max_length=64, description="评分细则中的编码")
    entry_kind: EntryKind = Field(description="类型")
    source: EntrySource = Field(description="来源；供热单位只能填 self_assessment")
    points: float | None = Field(None, allow_inf_nan=False, ge=-1000, le=1000, description="分值")
    value: float | None = Field(None, allow_inf_nan=False, description="数值")
    note: str | None = Field(None, max_length=4000, description="说明")


class EntryUpdate(BaseModel):
    """修改人工录入记录（只填要改的字段）"""

    code: str | None = Field(None, min_length=1, max_length=64)
    entry_kind: EntryKind | None = None
    points: float | None = Field(None, allow_inf_nan=False, ge=-1000, le=1000)
    value: float | None = Field(None, allow_inf_nan=False)
    note: str | None = Field(None, max_length=4000)


class EntryReview(BaseModel):
    """审核意见"""

    accept: bool = Field(description="true 采纳，false 退回")
    note: str | None = Field(None, max_length=4000, description="审核意见；退回时应说明原因")


def entry_public(entry: ManualEntry) -> EntryPublic:
    """Convert a registry entry with its evidence rows into the API model."""
    evidence = [
        EvidencePublic(id=item.id, filename=item.original_filename, content_type=item.content_type,
                       size_bytes=item.size_bytes, sha256=item.sha256, uploaded_by=item.uploaded_by,
                       uploaded_at=item.uploaded_at)
        for item in entry.evidence_files
    ]
    return EntryPublic(
        id=entry.id, season=entry.season.code, unit=entry.unit.code, code=entry.code, entry_kind=entry.entry_kind,
        source=entry.source, points=entry.points, value=entry.value, note=entry.note, status=entry.status,
        entered_by=entry.entered_by, reviewed_by=entry.reviewed_by, review_note=entry.review_note,
        created_at=entry.created_at, submitted_at=entry.submitted_at, reviewed_at=entry.reviewed_at,
        evidence=evidence,
    )


@router.get("/seasons/{season}/entries", response_model=list[EntryPublic], summary="列出人工录入记录")
def read_entries(
    season: SeasonCode, principal: UserDep, session: SessionDep,
    unit: Annotated[str | None, Query(pattern=CODE_REGEX, description="供热单位编号")] = None,
    status: Annotated[EntryStatus | None, Query(description="状态")] = None,
    entry_kind: Annotated[EntryKind | None, Query(description="类型")] = None,
) -> list[EntryPublic]:
    """列出某供暖期的人工录入记录；供热单位用户只看到本单位的。"""
    unit_code = scoped_unit(principal, unit)
    entries = list_manual_entries(session, season_code=season, unit_code=unit_code, status=status,
                                  entry_kind=entry_kind)
    return [entry_public(entry) for entry in entries]


@router.post("/seasons/{season}/entries", response_model=EntryPublic, status_code=201, summary="新建人工录入记录")
def add_entry(season: SeasonCode, body: EntryCreate, principal: UserDep, session: SessionDep) -> EntryPublic:
    """新建草稿：供热单位填写本单位自评，检查员填写检查或抽查结果。"""
    check_source_allowed(principal, body.unit, body.source)
    _check_against_rubric(session, season, body.unit, body.code, body.entry_kind, body.source, body.points, body.value)
    entry = create_manual_entry(
        session, season_code=season, unit_code=body.unit, code=body.code, entry_kind=body.entry_kind,
        source=body.source, points=body.points, value=body.value, note=body.note, actor=principal.username or "",
    )
    session.commit()
    return entry_public(entry)


def _check_against_rubric(session, season, unit, code, entry_kind, source, points, value) -> None:  # noqa: ANN001
    """Reject an entry the season's rubric cannot score, so it can never block the assessment."""
    try:
        check_manual_entry(
            session, season_code=season, unit_code=unit, code=code, entry_kind=str(entry_kind),
            source=str(source), points=points, value=value,
        )
    except AssessmentError as error:
        raise ApiError(422, "entry_not_in_rubric", f"录入不符合评分细则：{error}") from None


def _readable(session, principal, entry_id: int) -> ManualEntry:  # noqa: ANN001
    entry = get_manual_entry(session, entry_id=entry_id)
    check_entry_readable(principal, entry)
    return entry


@router.get("/entries/{entry_id}", response_model=EntryPublic, summary="人工录入记录详情")
def read_entry(entry_id: EntryId, principal: UserDep, session: SessionDep) -> EntryPublic:
    """返回一条记录及其证明材料列表。"""
    return entry_public(_readable(session, principal, entry_id))


@router.patch("/entries/{entry_id}", response_model=EntryPublic, summary="修改人工录入记录")
def change_entry(entry_id: EntryId, body: EntryUpdate, principal: UserDep, session: SessionDep) -> EntryPublic:
    """修改草稿或已退回的记录；已退回的记录修改后回到草稿。"""
    entry = _readable(session, principal, entry_id)
    check_entry_writable(principal, entry)
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise ApiError(422, "nothing_to_change", "请求中没有要修改的字段")
    _check_against_rubric(
        session, entry.season.code, entry.unit.code, changes.get("code", entry.code),
        changes.get("entry_kind", entry.entry_kind), entry.source,
        changes.get("points", entry.points), changes.get("value", entry.value),
    )
    update_manual_entry(session, entry_id=entry_id, actor=principal.username or "", **changes)
    session.commit()
    return entry_public(entry)


@router.post("/entries/{entry_id}/submit", response_model=EntryPublic, summary="提交审核")
def submit_entry(entry_id: EntryId, principal: UserDep, session: SessionDep) -> EntryPublic:
    """把草稿提交给检查员审核；提交后不能再修改。"""
    entry = _readable(session, principal, entry_id)
    check_entry_writable(principal, entry)
    submit_manual_entry(session, entry_id=entry_id, actor=principal.username or "")
    session.commit()
    return entry_public(entry)


@router.post("/entries/{entry_id}/review", response_model=EntryPublic, summary="审核")
def review_entry(entry_id: EntryId, body: EntryReview, principal: UserDep, session: SessionDep) -> EntryPublic:
    """检查员或局管理员采纳或退回已提交的记录；不能审核自己录入的记录。"""
    entry = _readable(session, principal, entry_id)
    check_reviewer(principal, entry)
    review_manual_entry(session, entry_id=entry_id, accept=body.accept, note=body.note,
                        actor=principal.username or "")
    session.commit()
    return entry_public(entry)


@router.delete("/entries/{entry_id}", status_code=204, summary="删除人工录入记录")
def remove_entry(entry_id: EntryId, principal: UserDep, session: SessionDep) -> None:
    """删除草稿或已退回的记录及其证明材料登记。"""
    entry = _readable(session, principal, entry_id)
    check_entry_writable(principal, entry)
    delete_manual_entry(session, entry_id=entry_id, actor=principal.username or "")
    session.commit()

