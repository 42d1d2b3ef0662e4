"""The evidence-file allowlist: suffix, MIME type and a check of the file's leading bytes."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from api.errors import ApiError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class EvidenceType:
    """An accepted kind of evidence file."""

    suffixes: tuple[str, ...]
    content_type: str
    label: str


PDF = EvidenceType((".pdf",), "application/pdf", "PDF")
JPEG = EvidenceType((".jpg", ".jpeg"), "image/jpeg", "JPG")
PNG = EvidenceType((".png",), "image/png", "PNG")
XLSX = EvidenceType((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel")
DOCX = EvidenceType((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word")
ALLOWED_TYPES = (PDF, JPEG, PNG, XLSX, DOCX)
ALLOWED_SUFFIXES = "、".join(suffix for kind in ALLOWED_TYPES for suffix in kind.suffixes)


def _office_folder(content: bytes) -> str | None:
    """Return ``xl`` or ``word`` for an Office Open XML zip, None for anything else."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return None
    for folder in ("xl", "word"):
        if any(name.startswith(folder + "/") for name in names):
            return folder
    return None


def _content_matches(kind: EvidenceType, content: bytes) -> bool:
    if kind is PDF:
        return content.startswith(b"%PDF-")
    if kind is JPEG:
        return content.startswith(b"\xff\xd8\xff")
    if kind is PNG:
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    return _office_folder(content) == ("xl" if kind is XLSX else "word")


def check_evidence(filename: str, content: bytes) -> EvidenceType:
    """Return the evidence type of an upload, raising 413 or 415 with a Chinese message when it is refused."""
    if len(content) > MAX_EVIDENCE_BYTES:
        raise ApiError(413, "file_too_large",
                       f"证明材料 '{filename}' 超过大小上限 {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB")
    if not content:
        raise ApiError(422, "file_empty", f"证明材料 '{filename}' 是空文件")

    suffix = PurePath(filename).suffix.lower()
    kind = next((item for item in ALLOWED_TYPES if suffix in item.suffixes), None)
    if kind is None:
        raise ApiError(415, "file_type_not_allowed", f"不接受 '{suffix or '无扩展名'}' 类型的文件，只接受：{ALLOWED_SUFFIXES}")
    if not _content_matches(kind, content):
        raise ApiError(415, "file_content_mismatch", f"证明材料 '{filename}' 的内容不是有效的 {kind.label} 文件")
    return kind
