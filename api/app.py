"""The bureau's HTTP service: the JSON API under /api/v1 and the dashboard under /."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.auth.throttle import LoginThrottle
from api.errors import install_error_handlers
from api.jsonsafe import SafeJSONResponse
from api.metrics import MetricsMiddleware, RequestMetrics
from api.registry_db import RegistryDatabase
from api.routes import (
    auth,
    completeness,
    entries,
    evidence,
    exports,
    health,
    indicators,
    operations,
    registry,
    results,
    seasons,
    units,
    users,
)
from settings import Settings, get_settings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEFAULT_SECRET_KEY = "change-me-in-production"

ROUTERS = (health, auth, users, units, indicators, completeness, registry, seasons, entries, evidence, results,
           exports, operations)


def create_app(settings: Settings | None = None, *, migrate: bool = True) -> FastAPI:
    """Build the FastAPI application; the registry schema is migrated on first use unless ``migrate`` is False."""
    app = FastAPI(
        title="heatscore 供热质量自动考核平台",
        description="包头市供热单位考核评价：自动指标、人工评分项、年度得分、排名与说明。"
                    "登录：POST /api/v1/auth/token 获取令牌，放在 Authorization: Bearer 请求头中。",
        version="0.2.0",
        default_response_class=SafeJSONResponse,
    )
    app.state.settings = settings or get_settings()
    app.state.registry = RegistryDatabase(app.state.settings.database_url, migrate=migrate)
    app.state.login_throttle = LoginThrottle()
    app.state.metrics = RequestMetrics()
    if app.state.settings.secret_key == DEFAULT_SECRET_KEY:
        logger.warning("HEATSCORE_SECRET_KEY is the built-in default: set a random secret before production use")

    install_error_handlers(app)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    for module in ROUTERS:
        app.include_router(module.router)
    _mount_dashboard(app)
    return app


def _mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard's static files, with index.html at /."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})
