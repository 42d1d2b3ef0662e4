"""A small registry for API tests: three units, stations, households, users of every role, results."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from storage.registry import (
    create_device,
    create_heating_unit,
    create_household,
    create_manual_entry,
    create_season,
    create_station,
    create_user,
    freeze_annual_result,
    save_annual_result,
)

PASSWORD = "secret-pass-1"
SEASON = "2025-2026"
USERS = {
    "admin": ("admin", None),
    "inspector": ("inspector", None),
    "inspector2": ("inspector", None),
    "company1": ("company", "U01"),
    "company2": ("company", "U02"),
    "citizen": ("public", None),
}


def seed_registry(session: Session) -> dict[str, int]:
    """Insert the test registry and return ids worth knowing (the U02 draft entry)."""
    actor = "seed"
    create_heating_unit(session, code="U01", name="华北供热公司", actor=actor)
    create_heating_unit(session, code="U02", name="城东热力公司", actor=actor)
    create_heating_unit(session, code="C01", name="第一热电厂", kind="chp_source", actor=actor)
    create_station(session, code="S01A", unit_code="U01", name="青山一站", heated_area_m2=10_000, household_count=3,
                   actor=actor)
    create_station(session, code="S01B", unit_code="U01", name="青山二站", heated_area_m2=8_000, actor=actor)
    create_station(session, code="S02A", unit_code="U02", name="东河一站", heated_area_m2=12_000, actor=actor)
    for code, station in (("H01A1", "S01A"), ("H01A2", "S01A"), ("H01B1", "S01B"), ("H02A1", "S02A")):
        create_household(session, code=code, station_code=station, floor=3, heated_area_m2=80, measured=True,
                         actor=actor)
    create_device(session, code="R-H01A1", kind="room", station_code="S01A", household_code="H01A1", actor=actor)
    create_device(session, code="R-H02A1", kind="room", station_code="S02A", household_code="H02A1", actor=actor)
    create_season(session, code=SEASON, official_start=date(2025, 10, 15), official_end=date(2026, 4, 15),
                  rubric_version="baotou-2024", actor=actor)
    for username, (role, unit) in USERS.items():
        create_user(session, username=username, password=PASSWORD, role=role, unit_code=unit, actor=actor)

    computed = datetime(2026, 5, 1, tzinfo=UTC)
    consequences = {"items": [{"kind": "commend", "title": "通报表扬", "rule_ref": "第六条", "reason": "排名第一"}]}
    explanation = {"text": "华北供热公司 2025—2026 供暖期考核结果\n总分：92.5 分",
                   "lines": [{"code": "quality_on_time_start", "name": "按时供热", "points": 5.0, "reason": "按时开栓"}]}
    save_annual_result(session, season_code=SEASON, unit_code="U01", rubric_version="2024.1", rubric_hash="sha256:aa",
                       total=92.5, grade="优秀", rank=1, vetoed=False, consequences=consequences,
                       explanation=explanation, indicator_values={"room_compliance_rate": 0.97},
                       computed_at=computed, actor=actor)
    save_annual_result(session, season_code=SEASON, unit_code="U02", rubric_version="2024.1", rubric_hash="sha256:aa",
                       total=70.0, grade="合格", rank=2, vetoed=False, consequences={"items": []},
                       explanation={"text": "城东热力公司：未公布"}, indicator_values={}, computed_at=computed,
                       actor=actor)
    freeze_annual_result(session, season_code=SEASON, unit_code="U01", actor=actor)
    draft = create_manual_entry(session, season_code=SEASON, unit_code="U02", code="service_hotline",
                                entry_kind="item", source="self_assessment", points=4.0, note="热线接通率 98%",
                                actor="company2")
    session.flush()
    return {"u02_draft_entry": draft.id}
