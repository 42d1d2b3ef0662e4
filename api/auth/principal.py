"""Who is calling and what that role may see: the single place that decides access.

Roles: ``admin`` (局管理员) and ``inspector`` (检查员) read everything; ``company``
(供热单位) reads and writes only its own unit's data; ``public`` users and anonymous
callers read published (frozen) results only.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.errors import ApiError
from storage.registry import UserRole

STAFF_ROLES = frozenset({UserRole.ADMIN, UserRole.INSPECTOR})
ROLE_NAMES = {
    UserRole.ADMIN: "局管理员",
    UserRole.INSPECTOR: "检查员",
    UserRole.COMPANY: "供热单位",
    UserRole.PUBLIC: "公众",
}


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of one request; ``role`` is None for an anonymous caller."""

    username: str | None
    role: UserRole | None
    unit_code: str | None = None

    @property
    def authenticated(self) -> bool:
        """Return True for a logged-in user or an API key."""
        return self.role is not None

    @property
    def is_staff(self) -> bool:
        """Return True for bureau staff (admin or inspector)."""
        return self.role in STAFF_ROLES

    def can_read_unit(self, unit_code: str) -> bool:
        """Return True when the caller may read a unit's unpublished data."""
        if self.is_staff:
            return True
        return self.role == UserRole.COMPANY and self.unit_code == unit_code


ANONYMOUS = Principal(username=None, role=None)


def not_authenticated() -> ApiError:
    """Build the 401 error for a request that needs a login."""
    return ApiError(401, "not_authenticated", "需要登录：请先通过 /api/v1/auth/token 获取令牌")


def check_roles(principal: Principal, roles: frozenset[UserRole]) -> None:
    """Raise 401 for an anonymous caller and 403 when the caller's role is not in ``roles``."""
    if not principal.authenticated:
        raise not_authenticated()
    if principal.role not in roles:
        allowed = "、".join(ROLE_NAMES[role] for role in sorted(roles))
        raise ApiError(403, "forbidden_role", f"当前角色无权执行该操作，仅限：{allowed}")


def check_unit_access(principal: Principal, unit_code: str) -> None:
    """Raise 401 or 403 unless the caller may read the unit's unpublished data."""
    if not principal.authenticated:
        raise not_authenticated()
    if principal.can_read_unit(unit_code):
        return
    if principal.role == UserRole.COMPANY:
        raise ApiError(403, "forbidden_unit", "供热单位用户只能查看本单位的数据")
    raise ApiError(403, "forbidden_role", "当前角色只能查看已公布的考核结果")
