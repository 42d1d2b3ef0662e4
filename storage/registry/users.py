"""Repository functions for platform users and their roles; password hashes never reach the audit log."""

from __future__ import annotations

import functools
import re
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from storage.registry._checks import check_changes, coerce_enum
from storage.registry.audit import create_row, record_audit, snapshot, update_row
from storage.registry.base import AuditAction, UserRole
from storage.registry.errors import ConflictError, NotFoundError, RegistryValidationError
from storage.registry.heating_units import get_heating_unit
from storage.registry.models import User
from storage.registry.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password

USERNAME_PATTERN = re.compile(r"^[^\s]{1,64}$")
USER_FIELDS = ("role", "unit_code", "active")
PASSWORD_CHANGED_MARKER = "*** changed"


def _check_username(username: str) -> str:
    if not isinstance(username, str) or not USERNAME_PATTERN.match(username):
        raise RegistryValidationError(f"用户名 '{username}' 无效：1 到 64 个字符，不能含空白")
    return username


def _check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise RegistryValidationError(f"密码太短：至少 {MIN_PASSWORD_LENGTH} 个字符")
    return password


def _unit_id_for_role(session: Session, role: UserRole, unit_code: str | None) -> int | None:
    if role == UserRole.COMPANY:
        if not unit_code:
            raise RegistryValidationError("供热单位用户必须指定所属供热单位")
        return get_heating_unit(session, code=unit_code).id
    if unit_code:
        raise RegistryValidationError("只有供热单位用户可以指定所属供热单位")
    return None


def find_user(session: Session, *, username: str) -> User | None:
    """Return the user named ``username``, or None."""
    return session.scalar(sa.select(User).where(User.username == username))


def get_user(session: Session, *, username: str) -> User:
    """Return the user named ``username``, raising NotFoundError when there is none."""
    user = find_user(session, username=username)
    if user is None:
        raise NotFoundError(f"用户 '{username}' 不存在")
    return user


def list_users(session: Session, *, role: UserRole | None = None) -> list[User]:
    """Return users ordered by name, optionally of one role."""
    query = sa.select(User).order_by(User.username)
    if role is not None:
        query = query.where(User.role == role)
    return list(session.scalars(query))


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: UserRole | str,
    unit_code: str | None = None,
    active: bool = True,
    actor: str,
) -> User:
    """Insert a user with a salted scrypt hash of ``password`` and log it (hash masked)."""
    _check_username(username)
    if find_user(session, username=username) is not None:
        raise ConflictError(f"用户名 '{username}' 已存在")
    user_role = coerce_enum(UserRole, role, "角色")

    user = User(
        username=username,
        password_hash=hash_password(_check_password(password)),
        role=user_role,
        unit_id=_unit_id_for_role(session, user_role, unit_code),
        active=bool(active),
    )
    return create_row(session, user, actor=actor)


def update_user(session: Session, *, username: str, actor: str, **changes: Any) -> User:
    """Change a user's role, unit or active flag and log the change."""
    check_changes(changes, USER_FIELDS, "用户")
    user = get_user(session, username=username)

    role = coerce_enum(UserRole, changes.get("role", user.role), "角色")
    current_unit = None if user.unit is None else user.unit.code
    unit_code = changes.get("unit_code", current_unit if role == UserRole.COMPANY else None)
    values: dict[str, Any] = {"role": role, "unit_id": _unit_id_for_role(session, role, unit_code)}
    if "active" in changes:
        values["active"] = bool(changes["active"])

    update_row(session, user, values, actor=actor)
    return user


def set_user_password(session: Session, *, username: str, password: str, actor: str) -> User:
    """Replace a user's password hash; the audit entry marks the change without the hash."""
    user = get_user(session, username=username)
    before = snapshot(user)

    user.password_hash = hash_password(_check_password(password))
    session.flush()

    after = {**snapshot(user), "password_hash": PASSWORD_CHANGED_MARKER}
    record_audit(session, actor=actor, action=AuditAction.UPDATE, row=user, before=before, after=after)
    return user


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def authenticate_user(session: Session, *, username: str, password: str) -> User | None:
    """Return the active user whose password matches, or None for any failure."""
    user = find_user(session, username=username)
    if user is None or not user.active:
        # Hash anyway so that response time does not reveal whether the name exists.
        verify_password(password, _dummy_hash())
        return None
    if not verify_password(password, user.password_hash):
        return None
    return user
