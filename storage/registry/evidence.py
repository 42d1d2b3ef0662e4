"""Evidence files (证明材料) of manual entries, stored on disk under their SHA-256."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path, PurePath

from sqlalchemy.orm import Session

from storage.registry._checks import check_text
from storage.registry.assessment_models import EvidenceFile
from storage.registry.audit import create_row, delete_row
from storage.registry.errors import NotFoundError, RegistryValidationError
from storage.registry.manual_entries import check_entry_editable, get_manual_entry

logger = logging.getLogger(__name__)

DEFAULT_MAX_EVIDENCE_BYTES = 50 * 1024 * 1024
SUFFIX_PATTERN = re.compile(r"^\.[A-Za-z0-9]{1,10}$")


def _stored_relative_path(sha256: str, original_filename: str) -> str:
    """Build ``ab/abcdef….pdf``: two-level fan-out by hash, keeping a safe file suffix."""
    suffix = PurePath(original_filename).suffix.lower()
    if not SUFFIX_PATTERN.match(suffix):
        suffix = ""
    return f"{sha256[:2]}/{sha256}{suffix}"


def _write_once(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` atomically, unless the same content is already there."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)


def evidence_file_path(evidence_dir: Path, evidence: EvidenceFile) -> Path:
    """Return where the file of ``evidence`` lies under ``evidence_dir``."""
    return evidence_dir / evidence.stored_path


def add_evidence_file(
    session: Session,
    *,
    entry_id: int,
    original_filename: str,
    content: bytes,
    content_type: str,
    evidence_dir: Path,
    max_bytes: int = DEFAULT_MAX_EVIDENCE_BYTES,
    actor: str,
) -> EvidenceFile:
    """Store ``content`` under ``evidence_dir`` and attach it to an editable entry.

    ``stored_path`` is relative to ``evidence_dir``. Identical content is written once
    and shared by every entry that uploads it.
    """
    entry = get_manual_entry(session, entry_id=entry_id)
    check_entry_editable(entry)
    filename = check_text(PurePath(original_filename.replace("\\", "/")).name, "文件名", 255)
    if not content:
        raise RegistryValidationError(f"证明材料 '{filename}' 是空文件")
    if len(content) > max_bytes:
        raise RegistryValidationError(
            f"证明材料 '{filename}' 过大：{len(content)} 字节，上限 {max_bytes} 字节"
        )

    sha256 = hashlib.sha256(content).hexdigest()
    relative_path = _stored_relative_path(sha256, filename)
    _write_once(evidence_dir / relative_path, content)
    logger.info("Stored evidence %s (%d bytes) for entry %s", relative_path, len(content), entry_id)

    evidence = EvidenceFile(
        entry_id=entry.id,
        original_filename=filename,
        stored_path=relative_path,
        content_type=check_text(content_type or "application/octet-stream", "文件类型", 128),
        size_bytes=len(content),
        sha256=sha256,
        uploaded_by=actor,
    )
    return create_row(session, evidence, actor=actor)


def remove_evidence_file(session: Session, *, evidence_id: int, actor: str) -> None:
    """Detach an evidence file from its editable entry, leaving the file itself on disk."""
    evidence = session.get(EvidenceFile, evidence_id)
    if evidence is None:
        raise NotFoundError(f"证明材料 {evidence_id} 不存在")
    check_entry_editable(evidence.entry)

    delete_row(session, evidence, actor=actor, label=f"证明材料 {evidence_id}")
