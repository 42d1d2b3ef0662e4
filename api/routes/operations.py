"""Operator views of the ingest processes on this host: statistics and dead letters (admin only)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth.deps import AdminDep
from api.deps import SettingsDep
from api.errors import ApiError
from ingest.dead_letters import DeadLetterStore
from settings import Settings

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/ops", tags=["运维"])

DEAD_LETTER_FILE = "dead_letters.sqlite3"
STATS_FILE = "stats.json"
PAYLOAD_PREVIEW_BYTES = 512
ClientId = Annotated[str, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$", description="接入进程的客户端编号")]


class IngestClient(BaseModel):
    """一个接入进程的运行统计"""

    client_id: str = Field(description="客户端编号（MQTT client id）")
    stats: dict[str, Any] | None = Field(None, description="最近一次写出的运行统计")
    stats_written_at: datetime | None = Field(None, description="统计文件的写出时间（UTC）")
    dead_letters_by_reason: dict[str, int] = Field(default_factory=dict, description="各原因的拒收条数")
    reason: str | None = Field(None, description="stats 为 null 的原因")


class DeadLetterPublic(BaseModel):
    """一条被拒收的消息"""

    id: int
    received_at: datetime = Field(description="接收时间（UTC）")
    topic: str = Field(description="MQTT 主题")
    stage: str = Field(description="拒收环节：validation 校验、influx 写入")
    reason_code: str = Field(description="原因代码")
    reason: str = Field(description="原因")
    payload_preview: str = Field(description="消息内容开头（最多 512 字节，按 UTF-8 解码）")
    payload_size: int = Field(description="原消息大小（字节）")


def _ingest_root(settings: Settings) -> Path:
    return settings.data_dir / "ingest"


def _client_dirs(settings: Settings) -> list[Path]:
    root = _ingest_root(settings)
    if not root.is_dir():
        return []
    return sorted(path for path in root.iterdir() if path.is_dir())


def _reason_counts(folder: Path) -> dict[str, int]:
    path = folder / DEAD_LETTER_FILE
    if not path.is_file():
        return {}
    store = DeadLetterStore(path)
    try:
        return store.count_by_reason()
    finally:
        store.close()


def _client(folder: Path) -> IngestClient:
    stats_path = folder / STATS_FILE
    counts = _reason_counts(folder)
    if not stats_path.is_file():
        return IngestClient(client_id=folder.name, dead_letters_by_reason=counts, reason="该接入进程尚未写出运行统计")
    try:
        stats = json.loads(stats_path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        logger.warning("Cannot read ingest stats %s: %s", stats_path, error)
        return IngestClient(client_id=folder.name, dead_letters_by_reason=counts, reason="运行统计文件无法读取")
    written = datetime.fromtimestamp(stats_path.stat().st_mtime, UTC)
    return IngestClient(client_id=folder.name, stats=stats, stats_written_at=written, dead_letters_by_reason=counts)


@router.get("/ingest", response_model=list[IngestClient], summary="接入统计")
def read_ingest_stats(admin: AdminDep, settings: SettingsDep) -> list[IngestClient]:
    """列出本机每个接入进程最近写出的统计和各原因的拒收条数（仅局管理员）。"""
    return [_client(folder) for folder in _client_dirs(settings)]


@router.get("/dead-letters", response_model=list[DeadLetterPublic], summary="被拒收的消息")
def read_dead_letters(
    admin: AdminDep, settings: SettingsDep, client_id: ClientId,
    limit: Annotated[int, Query(ge=1, le=500, description="最多返回条数")] = 50,
    reason_code: Annotated[str | None, Query(max_length=64, description="只看该原因代码")] = None,
) -> list[DeadLetterPublic]:
    """按时间倒序列出一个接入进程被拒收的消息及原因（仅局管理员）。"""
    path = _ingest_root(settings) / client_id / DEAD_LETTER_FILE
    if not path.is_file():
        raise ApiError(404, "ingest_client_not_found", f"本机没有接入进程 '{client_id}' 的拒收记录")
    store = DeadLetterStore(path)
    try:
        letters = store.recent(limit=limit, reason_code=reason_code)
    finally:
        store.close()
    return [
        DeadLetterPublic(
            id=letter["id"], received_at=datetime.fromtimestamp(letter["received_at_ms"] / 1000, UTC),
            topic=letter["topic"], stage=letter["stage"], reason_code=letter["reason_code"], reason=letter["reason"],
            payload_preview=bytes(letter["payload"][:PAYLOAD_PREVIEW_BYTES]).decode("utf-8", errors="replace"),
            payload_size=letter["payload_size"],
        )
        for letter in letters
    ]
