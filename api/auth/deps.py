"""FastAPI dependencies that resolve the caller from a bearer token or an API key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Security
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer

from api.auth.principal import ANONYMOUS, Principal, check_roles, not_authenticated
from api.auth.tokens import TokenError, password_fingerprint, verify_token
from api.deps import SessionDep, SettingsDep
from api.errors import ApiError
from storage.registry import UserRole, find_user

bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False, description="登录令牌")
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="机器客户端的 API 密钥")


def _invalid(message: str) -> ApiError:
    return ApiError(401, "invalid_token", message)


def current_principal(
    settings: SettingsDep,
    session: SessionDep,
    bearer: Annotated[str | None, Security(bearer_scheme)] = None,
    api_key: Annotated[str | None, Security(api_key_scheme)] = None,
) -> Principal:
    """Return the caller, or ANONYMOUS without credentials; a bad credential is a 401, never anonymous."""
    token = bearer or api_key
    if not token:
        return ANONYMOUS

    try:
        claims = verify_token(settings.secret_key, token)
    except TokenError as error:
        raise _invalid(str(error)) from None

    # The account is read on every request so that deactivating a user, changing its
    # role or unit, or changing its password takes effect at once.
    user = find_user(session, username=claims.username)
    if user is None or not user.active:
        raise _invalid("账户不存在或已停用")
    unit_code = user.unit.code if user.unit is not None else None
    if user.role.value != claims.role or unit_code != claims.unit_code:
        raise _invalid("账户角色或所属单位已变更，请重新登录")
    if password_fingerprint(user.password_hash) != claims.password_fingerprint:
        raise _invalid("密码已修改，请重新登录")
    return Principal(username=user.username, role=user.role, unit_code=unit_code)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def require_user(principal: PrincipalDep) -> Principal:
    """Return the caller, raising 401 for an anonymous one."""
    if not principal.authenticated:
        raise not_authenticated()
    return principal


def require_roles(*roles: UserRole):  # noqa: ANN201 - returns a FastAPI dependency
    """Build a dependency that admits only the given roles."""
    allowed = frozenset(roles)

    def dependency(principal: PrincipalDep) -> Principal:
        check_roles(principal, allowed)
        return principal

    return dependency


UserDep = Annotated[Principal, Depends(require_user)]
StaffDep = Annotated[Principal, Depends(require_roles(UserRole.ADMIN, UserRole.INSPECTOR))]
AdminDep = Annotated[Principal, Depends(require_roles(UserRole.ADMIN))]
