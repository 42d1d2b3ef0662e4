"""Platform accounts, managed by the bureau's administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from api.auth.deps import AdminDep
from api.deps import SessionDep
from storage.registry import UserRole, create_user, get_user, list_users, set_user_password, update_user

router = APIRouter(prefix="/api/v1/users", tags=["用户管理"])

Username = Annotated[str, Path(min_length=1, max_length=64, description="用户名")]


class UserPublic(BaseModel):
    """平台用户"""

    username: str = Field(description="用户名")
    role: UserRole = Field(description="角色")
    unit: str | None = Field(None, description="所属供热单位编号")
    active: bool = Field(description="是否启用")


class UserCreate(BaseModel):
    """新建用户"""

    username: str = Field(min_length=1, max_length=64, description="用户名，不能含空白")
    password: str = Field(min_length=8, max_length=256, description="密码，至少 8 个字符")
    role: UserRole = Field(description="角色：admin、inspector、company、public")
    unit: str | None = Field(None, description="供热单位用户必须填写所属单位编号")


class UserUpdate(BaseModel):
    """修改用户（只填要改的字段）"""

    role: UserRole | None = Field(None, description="新角色")
    unit: str | None = Field(None, description="新的所属单位编号")
    active: bool | None = Field(None, description="启用或停用")
    password: str | None = Field(None, min_length=8, max_length=256, description="新密码")


def _public(user) -> UserPublic:  # noqa: ANN001 - storage.registry.User
    return UserPublic(username=user.username, role=user.role,
                      unit=user.unit.code if user.unit is not None else None, active=user.active)


@router.get("", response_model=list[UserPublic], summary="列出用户")
def read_users(admin: AdminDep, session: SessionDep) -> list[UserPublic]:
    """列出全部用户（仅局管理员）。"""
    return [_public(user) for user in list_users(session)]


@router.post("", response_model=UserPublic, status_code=201, summary="新建用户")
def add_user(body: UserCreate, admin: AdminDep, session: SessionDep) -> UserPublic:
    """新建用户，密码以加盐 scrypt 哈希保存（仅局管理员）。"""
    user = create_user(session, username=body.username, password=body.password, role=body.role,
                       unit_code=body.unit, actor=admin.username or "")
    session.commit()
    return _public(user)


@router.patch("/{username}", response_model=UserPublic, summary="修改用户")
def change_user(username: Username, body: UserUpdate, admin: AdminDep, session: SessionDep) -> UserPublic:
    """修改角色、所属单位、启用状态或密码（仅局管理员）；修改后该用户的旧令牌失效。"""
    changes = {}
    if body.role is not None:
        changes["role"] = body.role
    if "unit" in body.model_fields_set:
        changes["unit_code"] = body.unit
    if body.active is not None:
        changes["active"] = body.active
    if changes:
        update_user(session, username=username, actor=admin.username or "", **changes)
    if body.password is not None:
        set_user_password(session, username=username, password=body.password, actor=admin.username or "")

    user = get_user(session, username=username)
    session.commit()
    return _public(user)
