"""Date-range query parameters shared by the indicator, completeness and export endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from api.errors import ApiError

MAX_RANGE_DAYS = 366

DateFrom = Annotated[date, Query(alias="from", description="开始日期（含，当地日期），YYYY-MM-DD")]
DateTo = Annotated[date, Query(alias="to", description="结束日期（含，当地日期），YYYY-MM-DD")]
CODE_REGEX = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"


def check_range(date_from: date, date_to: date) -> None:
    """Raise 422 for a backwards range or one longer than MAX_RANGE_DAYS."""
    if date_to < date_from:
        raise ApiError(422, "date_range_reversed", f"日期范围无效：结束日期 {date_to} 早于开始日期 {date_from}")
    if (date_to - date_from).days > MAX_RANGE_DAYS:
        raise ApiError(422, "date_range_too_long", f"日期范围不能超过 {MAX_RANGE_DAYS} 天")
