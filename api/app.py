"""The bureau's HTTP service."""

from __future__ import annotations

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import units
from settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the FastAPI application for the given settings."""
    app = FastAPI(
        title="heatscore 供热质量自动考核平台",
        description="包头市供热单位考核评价：自动指标、人工评分项、年度得分、排名与说明。",
        version="0.1.0",
    )
    app.state.settings = settings or get_settings()
    install_error_handlers(app)
    app.include_router(units.router)

    @app.get("/healthz", tags=["运维"], summary="健康检查")
    def health() -> dict:
        """进程存活即返回 ok。"""
        return {"status": "ok"}

    return app
