"""Exports of the ranking and of a unit's daily indicators as CSV or Excel."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from api.auth.deps import PrincipalDep
from api.daily import build_daily
from api.deps import InfluxDep, SessionDep, SettingsDep
from api.lookups import readable_unit, station_areas, thresholds_for_day
from api.ranges import CODE_REGEX, DateFrom, DateTo, check_range
from api.results_view import result_row, visible_results
from api.tables import table_response
from storage.registry import get_season

router = APIRouter(prefix="/api/v1/exports", tags=["导出"])

Format = Annotated[Literal["csv", "xlsx"], Query(alias="format", description="文件格式：csv 或 xlsx")]

UNIT_KIND_ZH = {"heating_unit": "供热单位", "chp_source": "热电联产热源单位"}
RANKING_HEADER = ["排名", "单位编号", "单位名称", "单位类型", "总分", "等级", "否决", "排名后果", "已公布", "评分细则版本"]
DAILY_HEADER = ["日期", "有读数户日", "有效户日", "室温达标率", "低温率", "高温率", "平均室温(°C)",
                "停热次数", "停热时长(小时)", "单位面积耗热量(GJ/m²)", "说明"]


@router.get("/ranking", summary="导出考核排名", response_class=Response)
def export_ranking(
    principal: PrincipalDep, session: SessionDep,
    season: Annotated[str, Query(pattern=r"^\d{4}-\d{4}$", description="供暖期编号")],
    file_format: Format = "csv",
) -> Response:
    """按调用者可见范围导出排名表（与排名接口一致）。"""
    get_season(session, code=season)
    rows = []
    for result in visible_results(session, principal, season, None):
        row = result_row(result)
        consequences = "；".join(item.title for item in row.consequences)
        rows.append([row.rank, row.unit, row.name, UNIT_KIND_ZH.get(row.kind, row.kind), row.total, row.grade, "是" if row.vetoed else "否",
                     consequences, "是" if row.published else "否", row.rubric_version])
    return table_response(f"ranking-{season}", f"{season} 考核排名", RANKING_HEADER, rows, file_format)


@router.get("/units/{unit}/daily", summary="导出单位每日指标", response_class=Response)
def export_unit_daily(
    unit: Annotated[str, Path(pattern=CODE_REGEX, description="供热单位编号")],
    principal: PrincipalDep, session: SessionDep, influx: InfluxDep, settings: SettingsDep,
    date_from: DateFrom, date_to: DateTo, file_format: Format = "csv",
) -> Response:
    """导出与“供热单位每日指标”相同的数据，比率为 0–1 的小数。"""
    check_range(date_from, date_to)
    found = readable_unit(session, principal, unit)
    daily = build_daily(influx, scope="unit", code=found.code, name=found.name,
                        station_areas=station_areas(session, found.id), date_from=date_from, date_to=date_to,
                        zone=ZoneInfo(settings.timezone), thresholds=thresholds_for_day(session, date_from))
    rows = [
        [day.date.isoformat(), day.household_days, day.valid_household_days, day.compliance_rate, day.low_rate,
         day.high_rate, day.mean_temp_c, day.interruptions, day.interruption_hours, day.heat_gj_per_m2, day.reason]
        for day in daily.days
    ]
    return table_response(f"{found.code}-daily-{date_from}-{date_to}", f"{found.code} 每日指标", DAILY_HEADER,
                          rows, file_format)
