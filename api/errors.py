"""API errors: a stable machine code plus a Chinese message, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from storage.influx import InfluxError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client can act on."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _body(code: str, message: str, details: list | None = None) -> dict:
    body: dict = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return body


FIELD_MESSAGES = {
    "missing": "缺少必填参数",
    "date_from_datetime_parsing": "不是有效日期，格式应为 YYYY-MM-DD",
    "date_parsing": "不是有效日期，格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "不是有效日期，格式应为 YYYY-MM-DD",
    "int_parsing": "必须是整数",
    "float_parsing": "必须是数字",
    "string_pattern_mismatch": "格式无效",
    "json_invalid": "请求体不是有效的 JSON",
}


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers that turn every error into the stable JSON shape."""

    @app.exception_handler(ApiError)
    async def handle_api_error(request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(_body(error.code, error.message), status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def handle_validation(request: Request, error: RequestValidationError) -> JSONResponse:
        details = []
        for item in error.errors():
            location = ".".join(str(part) for part in item["loc"])
            details.append({"field": location, "message": FIELD_MESSAGES.get(item["type"], "取值无效")})
        summary = "；".join(f"{d['field']}：{d['message']}" for d in details)
        return JSONResponse(_body("validation_error", f"请求参数无效：{summary}", details), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def handle_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        messages = {404: ("not_found", "请求的资源不存在"), 405: ("method_not_allowed", "不支持该请求方法")}
        code, message = messages.get(error.status_code, ("http_error", "请求失败"))
        return JSONResponse(_body(code, message), status_code=error.status_code)

    @app.exception_handler(InfluxError)
    async def handle_influx(request: Request, error: InfluxError) -> JSONResponse:
        logger.error("InfluxDB error on %s: %s", request.url.path, error)
        return JSONResponse(_body("timeseries_unavailable", "时序数据库暂时不可用，请稍后重试"), status_code=503)

    @app.exception_handler(Exception)
    async def handle_unexpected(request: Request, error: Exception) -> JSONResponse:
        logger.exception("unhandled error on %s", request.url.path)
        return JSONResponse(_body("internal_error", "服务器内部错误，请联系运维人员"), status_code=500)
