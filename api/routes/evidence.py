"""Evidence files (证明材料) of manual entries: upload, download and removal."""

from __future__ import annotations

import logging
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import FileResponse

from api.auth.deps import UserDep
from api.deps import SessionDep, SettingsDep
from api.entry_access import check_entry_readable, check_entry_writable
from api.errors import ApiError
from api.evidence_types import MAX_EVIDENCE_BYTES, check_evidence
from api.routes.entries import EntryPublic, entry_public
from settings import Settings
from storage.registry import EvidenceFile, add_evidence_file, evidence_file_path, get_manual_entry, remove_evidence_file

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/entries", tags=["人工录入与自评"])

EntryId = Annotated[int, Path(ge=1, description="人工录入记录编号")]
EvidenceId = Annotated[int, Path(ge=1, description="证明材料编号")]
# Multipart framing around the file; a body larger than the file limit plus this is refused unread.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
READ_CHUNK_BYTES = 1024 * 1024


def evidence_dir(settings: Settings) -> FilePath:
    """Return the folder where evidence files are stored."""
    return settings.data_dir / "evidence"


async def _read_limited(upload: UploadFile) -> bytes:
    """Read at most one byte more than the limit, so an oversized file is never held whole."""
    chunks = []
    size = 0
    while size <= MAX_EVIDENCE_BYTES:
        chunk = await upload.read(READ_CHUNK_BYTES)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _evidence_of(session, entry_id: int, evidence_id: int) -> EvidenceFile:  # noqa: ANN001
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None or evidence.entry_id != entry_id:
        raise ApiError(404, "evidence_not_found", f"人工录入记录 {entry_id} 没有编号为 {evidence_id} 的证明材料")
    return evidence


@router.post("/{entry_id}/evidence", response_model=EntryPublic, status_code=201, summary="上传证明材料")
async def upload_evidence(
    entry_id: EntryId,
    request: Request,
    principal: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="PDF、JPG、PNG、Excel（xlsx）或 Word（docx），不超过 10 MB")],
) -> EntryPublic:
    """给草稿或已退回的记录附加一个证明材料文件。"""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_EVIDENCE_BYTES + MULTIPART_OVERHEAD_BYTES:
        raise ApiError(413, "file_too_large", f"证明材料超过大小上限 {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB")

    entry = get_manual_entry(session, entry_id=entry_id)
    check_entry_writable(principal, entry)
    filename = file.filename or "未命名"
    content = await _read_limited(file)
    kind = check_evidence(filename, content)

    add_evidence_file(session, entry_id=entry_id, original_filename=filename, content=content,
                      content_type=kind.content_type, evidence_dir=evidence_dir(settings),
                      max_bytes=MAX_EVIDENCE_BYTES, actor=principal.username or "")
    session.commit()
    session.refresh(entry)
    return entry_public(entry)


@router.get("/{entry_id}/evidence/{evidence_id}", summary="下载证明材料", response_class=FileResponse)
def download_evidence(entry_id: EntryId, evidence_id: EvidenceId, principal: UserDep, session: SessionDep,
                      settings: SettingsDep) -> FileResponse:
    """以附件形式下载证明材料原文件。"""
    entry = get_manual_entry(session, entry_id=entry_id)
    check_entry_readable(principal, entry)
    evidence = _evidence_of(session, entry_id, evidence_id)

    path = evidence_file_path(evidence_dir(settings), evidence)
    if not path.is_file():
        logger.error("Evidence file %s of entry %s is missing at %s", evidence_id, entry_id, path)
        raise ApiError(410, "evidence_missing", f"证明材料 {evidence_id} 的文件已丢失，请联系运维人员")
    return FileResponse(path, media_type=evidence.content_type, filename=evidence.original_filename,
                        headers={"X-Content-Type-Options": "nosniff"})


@router.delete("/{entry_id}/evidence/{evidence_id}", response_model=EntryPublic, summary="移除证明材料")
def delete_evidence(entry_id: EntryId, evidence_id: EvidenceId, principal: UserDep, session: SessionDep) -> EntryPublic:
    """从草稿或已退回的记录上移除一个证明材料。"""
    entry = get_manual_entry(session, entry_id=entry_id)
    check_entry_writable(principal, entry)
    _evidence_of(session, entry_id, evidence_id)

    remove_evidence_file(session, evidence_id=evidence_id, actor=principal.username or "")
    session.commit()
    session.refresh(entry)
    return entry_public(entry)
