"""Who may write which manual entries: companies self-assess, inspectors inspect, admins do both."""

from __future__ import annotations

from api.auth.principal import Principal, check_unit_access
from api.errors import ApiError
from storage.registry import EntrySource, ManualEntry, UserRole


def check_source_allowed(principal: Principal, unit_code: str, source: EntrySource) -> None:
    """Raise 401/403 unless the caller may create an entry of ``source`` for the unit."""
    check_unit_access(principal, unit_code)
    if principal.role == UserRole.COMPANY and source != EntrySource.SELF_ASSESSMENT:
        raise ApiError(403, "forbidden_source", "供热单位只能填写自评（self_assessment）记录")
    if principal.role == UserRole.INSPECTOR and source == EntrySource.SELF_ASSESSMENT:
        raise ApiError(403, "forbidden_source", "自评记录由供热单位填写，检查员请选择检查或抽查")


def check_entry_readable(principal: Principal, entry: ManualEntry) -> None:
    """Raise 401/403 unless the caller may read the entry and its evidence."""
    check_unit_access(principal, entry.unit.code)


def check_entry_writable(principal: Principal, entry: ManualEntry) -> None:
    """Raise 401/403 unless the caller may edit, submit or delete the entry or its evidence."""
    check_source_allowed(principal, entry.unit.code, entry.source)


def check_reviewer(principal: Principal, entry: ManualEntry) -> None:
    """Raise 403 unless the caller is staff and did not enter the entry (four-eyes rule)."""
    if not principal.is_staff:
        raise ApiError(403, "forbidden_role", "只有局管理员和检查员可以审核")
    if principal.username == entry.entered_by:
        raise ApiError(403, "self_review", "不能审核自己录入的记录，请由其他检查员或局管理员审核")
