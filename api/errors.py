"""API errors: a stable machine code plus a Chinese message, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.jsonsafe import SafeJSONResponse
from storage.influx import InfluxError
from storage.registry import (
    ConflictError,
    EntryStateError,
    FrozenResultError,
    NotFoundError,
    RegistryError,
    RegistryValidationError,
)

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the client can act on."""

    def __init__(self, status: int, code: str, message: str, details: list | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def _body(code: str, message: str, details: list | None = None) -> dict:
    body: dict = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return body


def error_response(status: int, code: str, message: str, details: list | None = None) -> SafeJSONResponse:
    """Build the JSON error response; a 401 also names the Bearer scheme."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return SafeJSONResponse(_body(code, message, details), status_code=status, headers=headers)


FIELD_MESSAGES = {
    "missing": "缺少必填参数",
    "date_from_datetime_parsing": "不是有效日期，格式应为 YYYY-MM-DD",
    "date_parsing": "不是有效日期，格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "不是有效日期，格式应为 YYYY-MM-DD",
    "date_type": "不是有效日期，格式应为 YYYY-MM-DD",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "finite_number": "必须是有限的数字",
    "bool_parsing": "必须是 true 或 false",
    "bool_type": "必须是 true 或 false",
    "string_type": "必须是文本",
    "string_pattern_mismatch": "格式无效",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "必须是 JSON 对象",
    "dict_type": "必须是 JSON 对象",
    "list_type": "必须是列表",
    "extra_forbidden": "不允许的字段",
}


def describe_field_error(item: dict[str, Any]) -> str:
    """Return a Chinese message for one pydantic validation error, with its limit when it has one."""
    context = item.get("ctx") or {}
    kind = item["type"]
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{'或等于' if kind == 'greater_than' else ''} {context.get('ge', context.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于{'或等于' if kind == 'less_than' else ''} {context.get('le', context.get('lt'))}"
    if kind in ("string_too_long", "too_long"):
        return f"太长：最多 {context.get('max_length')} 个"
    if kind in ("string_too_short", "too_short"):
        return f"太短：至少 {context.get('min_length')} 个"
    if kind in ("enum", "literal_error"):
        return f"取值无效，可选：{context.get('expected', '')}"
    return FIELD_MESSAGES.get(kind, "取值无效")


REGISTRY_ERRORS: list[tuple[type[RegistryError], int, str]] = [
    (NotFoundError, 404, "not_found"),
    (ConflictError, 409, "conflict"),
    (FrozenResultError, 409, "result_frozen"),
    (EntryStateError, 409, "entry_state"),
    (RegistryValidationError, 422, "invalid_value"),
]


def install_error_handlers(app: FastAPI) -> None:
    """Register handlers that turn every error into the stable JSON shape."""

    @app.exception_handler(ApiError)
    async def handle_api_error(request: Request, error: ApiError) -> SafeJSONResponse:
        return error_response(error.status, error.code, error.message, error.details)

    @app.exception_handler(RequestValidationError)
    async def handle_validation(request: Request, error: RequestValidationError) -> SafeJSONResponse:
        details = []
        for item in error.errors():
            location = ".".join(str(part) for part in item["loc"])
            details.append({"field": location, "message": describe_field_error(item)})
        summary = "；".join(f"{d['field']}：{d['message']}" for d in details)
        return error_response(422, "validation_error", f"请求参数无效：{summary}", details)

    @app.exception_handler(RegistryError)
    async def handle_registry(request: Request, error: RegistryError) -> SafeJSONResponse:
        for error_class, status, code in REGISTRY_ERRORS:
            if isinstance(error, error_class):
                return error_response(status, code, str(error))
        return error_response(422, "invalid_value", str(error))

    @app.exception_handler(StarletteHTTPException)
    async def handle_http(request: Request, error: StarletteHTTPException) -> SafeJSONResponse:
        messages = {
            404: ("not_found", "请求的资源不存在"),
            405: ("method_not_allowed", "不支持该请求方法"),
            413: ("payload_too_large", "请求体过大"),
        }
        code, message = messages.get(error.status_code, ("http_error", "请求失败"))
        return error_response(error.status_code, code, message)

    @app.exception_handler(InfluxError)
    async def handle_influx(request: Request, error: InfluxError) -> SafeJSONResponse:
        logger.error("InfluxDB error on %s: %s", request.url.path, error)
        return error_response(503, "timeseries_unavailable", "时序数据库暂时不可用，请稍后重试")

    @app.exception_handler(sqlalchemy.exc.OperationalError)
    async def handle_database(request: Request, error: sqlalchemy.exc.OperationalError) -> SafeJSONResponse:
        logger.error("Registry database error on %s: %s", request.url.path, error.orig)
        return error_response(503, "registry_unavailable", "业务数据库暂时不可用，请稍后重试")

    @app.exception_handler(OverflowError)
    async def handle_overflow(request: Request, error: OverflowError) -> JSONResponse:
        # An id or offset beyond the database's 64-bit integers names nothing that exists.
        return SafeJSONResponse(_body("value_out_of_range", "请求中的数值超出允许范围"), status_code=422)

    @app.exception_handler(Exception)
    async def handle_unexpected(request: Request, error: Exception) -> SafeJSONResponse:
        logger.exception("unhandled error on %s", request.url.path)
        return error_response(500, "internal_error", "服务器内部错误，请联系运维人员")
