"""Login (OAuth2 password flow), the caller's identity and API keys for machine clients."""

from __future__ import annotations

import logging
import math
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api.auth.deps import AdminDep, UserDep
from api.auth.tokens import ACCESS_TOKEN_TTL_S, API_KEY_MAX_DAYS, issue_token
from api.deps import SessionDep, SettingsDep
from api.errors import ApiError
from storage.registry import authenticate_user, get_user

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/auth", tags=["登录与权限"])


class TokenPublic(BaseModel):
    """登录令牌"""

    access_token: str = Field(description="放在请求头 Authorization: Bearer <令牌> 中")
    token_type: str = Field("bearer", description="令牌类型，固定为 bearer")
    expires_in: int = Field(description="有效期（秒）")
    username: str = Field(description="用户名")
    role: str = Field(description="角色：admin 局管理员、inspector 检查员、company 供热单位、public 公众")
    unit: str | None = Field(None, description="供热单位用户所属单位编号")


class MePublic(BaseModel):
    """当前用户"""

    username: str = Field(description="用户名")
    role: str = Field(description="角色")
    unit: str | None = Field(None, description="所属供热单位编号（仅供热单位用户）")


class ApiKeyCreate(BaseModel):
    """申请 API 密钥"""

    username: str = Field(min_length=1, max_length=64, description="密钥代表的用户（机器客户端账户）")
    valid_days: int = Field(90, ge=1, le=API_KEY_MAX_DAYS, description="有效天数")


class ApiKeyPublic(BaseModel):
    """API 密钥（只显示这一次）"""

    api_key: str = Field(description="放在请求头 X-API-Key 中")
    username: str = Field(description="密钥代表的用户")
    expires_in: int = Field(description="有效期（秒）")


@router.post("/token", response_model=TokenPublic, summary="登录并获取令牌")
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> TokenPublic:
    """用用户名和密码换取访问令牌（OAuth2 密码模式，表单提交）。连续输错 5 次后锁定 5 分钟。"""
    throttle = request.app.state.login_throttle
    wait_s = throttle.retry_after_s(form.username)
    if wait_s > 0:
        raise ApiError(429, "too_many_attempts", f"登录失败次数过多，请 {math.ceil(wait_s / 60)} 分钟后再试")

    user = authenticate_user(session, username=form.username, password=form.password)
    if user is None:
        failures = throttle.record_failure(form.username)
        logger.warning("Failed login for user %r (%d recent failures)", form.username, failures)
        raise ApiError(401, "invalid_credentials", "用户名或密码错误")

    throttle.reset(form.username)
    unit_code = user.unit.code if user.unit is not None else None
    token = issue_token(
        settings.secret_key, username=user.username, role=user.role.value,
        unit_code=unit_code, password_hash=user.password_hash,
    )
    logger.info("User %s logged in as %s", user.username, user.role.value)
    return TokenPublic(access_token=token, expires_in=ACCESS_TOKEN_TTL_S, username=user.username,
                       role=user.role.value, unit=unit_code)


@router.get("/me", response_model=MePublic, summary="当前用户")
def read_me(principal: UserDep) -> MePublic:
    """返回令牌所代表的用户、角色和所属单位。"""
    return MePublic(username=principal.username or "", role=principal.role.value, unit=principal.unit_code)


@router.post("/api-keys", response_model=ApiKeyPublic, status_code=201, summary="签发 API 密钥")
def create_api_key(body: ApiKeyCreate, admin: AdminDep, session: SessionDep, settings: SettingsDep) -> ApiKeyPublic:
    """为机器客户端签发长期密钥（仅局管理员）。停用该用户或修改其密码即吊销其全部密钥。"""
    user = get_user(session, username=body.username)
    if not user.active:
        raise ApiError(409, "user_inactive", f"用户 '{body.username}' 已停用，不能签发密钥")

    ttl_s = body.valid_days * 86400
    unit_code = user.unit.code if user.unit is not None else None
    key = issue_token(
        settings.secret_key, username=user.username, role=user.role.value, unit_code=unit_code,
        password_hash=user.password_hash, ttl_s=ttl_s, kind="api_key",
    )
    logger.info("Admin %s issued an API key for %s valid %d days", admin.username, user.username, body.valid_days)
    return ApiKeyPublic(api_key=key, username=user.username, expires_in=ttl_s)
