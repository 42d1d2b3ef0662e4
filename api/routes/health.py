"""Liveness, readiness and metrics for operators and load balancers."""

from __future__ import annotations

import logging

import sqlalchemy.exc
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from api.deps import RegistryDep, SettingsDep
from api.jsonsafe import SafeJSONResponse
from storage.influx import InfluxClient

logger = logging.getLogger(__name__)

router = APIRouter(tags=["运维"])


@router.get("/healthz", summary="健康检查")
def health() -> dict:
    """进程存活即返回 ok。"""
    return {"status": "ok"}


def _check_registry(registry) -> dict:  # noqa: ANN001 - api.registry_db.RegistryDatabase
    try:
        registry.ping()
    except (sqlalchemy.exc.SQLAlchemyError, OSError) as error:
        logger.warning("Readiness: registry database failed: %s", error)
        return {"ok": False, "message": "业务数据库无法连接或迁移失败"}
    return {"ok": True, "message": "业务数据库正常"}


def _check_influx(settings) -> dict:  # noqa: ANN001 - settings.Settings
    with InfluxClient.from_settings(settings) as influx:
        if influx.ping():
            return {"ok": True, "message": "时序数据库正常"}
    logger.warning("Readiness: InfluxDB at %s does not answer /ping", settings.influx_url)
    return {"ok": False, "message": "时序数据库无法连接"}


@router.get("/readyz", summary="就绪检查", responses={503: {"description": "依赖的数据库不可用"}})
def readiness(registry: RegistryDep, settings: SettingsDep) -> SafeJSONResponse:
    """检查业务数据库（SELECT 1）和时序数据库（/ping）；都正常返回 200，否则 503。"""
    checks = {"registry": _check_registry(registry), "influx": _check_influx(settings)}
    ready = all(check["ok"] for check in checks.values())
    body = {"status": "ready" if ready else "not_ready", "checks": checks}
    return SafeJSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", summary="运行指标", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    """Prometheus 文本格式的请求计数、累计耗时和运行时长；不含任何单位的业务数据。"""
    text = request.app.state.metrics.render()
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")
