"""Import the registry from a file the bureau already keeps: one row per household, station or unit.

Each row is applied inside its own savepoint, so a bad row is reported with its row
number and skipped while the good rows are kept. Codes are the keys: importing the same
file twice changes nothing the second time. The caller commits the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from settings import get_settings
from storage.registry.audit import snapshot
from storage.registry.base import Base, ExclusionReason, UnitKind
from storage.registry.errors import RegistryError
from storage.registry.heating_units import (
    create_heating_unit,
    create_station,
    find_heating_unit,
    find_station,
    update_heating_unit,
    update_station,
)
from storage.registry.households import (
    create_device,
    create_household,
    find_device,
    find_household,
    update_device,
    update_household,
)
from storage.registry.import_reader import read_sheet
from storage.registry.import_report import LEVELS, ImportReport, RowError
from storage.registry.import_rows import already_applied, find_conflicts, map_header, parse_row, remember_values
from storage.registry.models import HeatingUnit, Household, Station

logger = logging.getLogger(__name__)


class RowRejected(RegistryError):
    """Raised inside a row's savepoint to undo the row. The message is the Chinese reason."""


def _pick(values: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """Rename the row fields present in ``values`` to repository argument names."""
    return {argument: values[field_name] for field_name, argument in mapping.items() if field_name in values}


def _apply_update(row: Base, update: Callable[..., Any], key: str, changes: dict[str, Any], actor: str) -> bool:
    """Run a repository update and return whether the row changed."""
    if not changes:
        return False
    before = snapshot(row)
    update(code=key, actor=actor, **changes)
    return snapshot(row) != before


def _upsert_unit(session: Session, values: dict[str, Any], actor: str, counts: dict[str, str]) -> HeatingUnit:
    code = values["unit_code"]
    changes = _pick(values, {"unit_name": "name", "unit_kind": "kind", "unit_contact": "contact"})
    unit = find_heating_unit(session, code=code)

    if unit is None:
        if "name" not in changes:
            raise RowRejected(f"供热单位 '{code}' 尚未登记，必须填写供热单位名称")
        changes.setdefault("kind", UnitKind.HEATING_UNIT)
        counts["heating_units"] = "created"
        return create_heating_unit(session, code=code, actor=actor, **changes)

    update = partial(update_heating_unit, session)
    if _apply_update(unit, update, code, changes, actor):
        counts["heating_units"] = "updated"
    return unit


def _upsert_station(
    session: Session, values: dict[str, Any], unit: HeatingUnit, actor: str, counts: dict[str, str]
) -> Station:
    code = values["station_code"]
    changes = _pick(
        values, {"station_name": "name", "station_area": "heated_area_m2", "station_households": "household_count"}
    )
    station = find_station(session, code=code)

    if station is None:
        if "name" not in changes:
            raise RowRejected(f"热力站 '{code}' 尚未登记，必须填写热力站名称")
        counts["stations"] = "created"
        return create_station(session, code=code, unit_code=unit.code, actor=actor, **changes)

    if station.unit_id != unit.id:
        raise RowRejected(
            f"热力站 '{code}' 已登记在供热单位 '{station.unit.code}' 下，与本行的供热单位 '{unit.code}' 不一致；"
            "变更热力站归属请由管理员在系统中操作"
        )
    update = partial(update_station, session)
    if _apply_update(station, update, code, changes, actor):
        counts["stations"] = "updated"
    return station


def _exclusion_changes(values: dict[str, Any], current: ExclusionReason | None) -> dict[str, Any]:
    """Translate 是否报停 / 是否自主调节 into ``exclusion_reason``. A 否 clears only its own reason."""
    if values.get("stopped"):
        return {"exclusion_reason": ExclusionReason.STOPPED}
    if values.get("self_regulating"):
        return {"exclusion_reason": ExclusionReason.SELF_REGULATING}

    cleared = {
        ExclusionReason.STOPPED: values.get("stopped") is False,
        ExclusionReason.SELF_REGULATING: values.get("self_regulating") is False,
    }
    if current is not None and cleared[current]:
        return {"excluded": False}
    return {}


def _upsert_household(
    session: Session, values: dict[str, Any], station: Station, actor: str, counts: dict[str, str]
) -> Household:
    code = values["household_code"]
    changes = _pick(
        values,
        {"building": "building", "floor": "floor", "position": "position", "household_area": "heated_area_m2", "measured": "measured"},
    )
    household = find_household(session, code=code)

    if household is None:
        exclusion = _exclusion_changes(values, None)
        reason = exclusion.get("exclusion_reason")
        counts["households"] = "created"
        return create_household(
            session,
            code=code,
            station_code=station.code,
            excluded=reason is not None,
            exclusion_reason=reason,
            actor=actor,
            **changes,
        )

    if household.station_id != station.id:
        raise RowRejected(
            f"住户 '{code}' 已登记在热力站 '{household.station.code}' 下，与本行的热力站 '{station.code}' 不一致"
        )
    changes.update(_exclusion_changes(values, household.exclusion_reason))
    update = partial(update_household, session)
    if _apply_update(household, update, code, changes, actor):
        counts["households"] = "updated"
    return household


def _upsert_device(session: Session, values: dict[str, Any], actor: str, counts: dict[str, str]) -> None:
    code = values["device_code"]
    changes = _pick(
        values,
        {
            "device_kind": "kind",
            "station_code": "station_code",
            "household_code": "household_code",
            "installed_at": "installed_at",
            "removed_at": "removed_at",
        },
    )
    device = find_device(session, code=code)

    if device is None:
        if "kind" not in changes:
            raise RowRejected(f"设备 '{code}' 尚未登记，必须填写设备类型")
        counts["devices"] = "created"
        create_device(session, code=code, actor=actor, **changes)
        return

    update = partial(update_device, session)
    if _apply_update(device, update, code, changes, actor):
        counts["devices"] = "updated"


def _import_row(
    session: Session,
    values: dict[str, Any],
    actor: str,
    seen: dict[tuple[str, str], dict[str, tuple[Any, int]]],
    applied: dict[tuple[str, str], Any],
    touched: dict[tuple[str, str], Any],
) -> dict[str, str]:
    """Upsert the unit, station, household and device a row describes, and return what happened to each.

    A unit or station that an earlier row of this file already brought up to date is
    taken from ``applied`` without another query, because most rows repeat them. The
    unit and station this row used go into ``touched``.
    """
    counts: dict[str, str] = {}
    unit_key = ("heating_units", values["unit_code"])
    unit = applied.get(unit_key) if already_applied(values, "heating_units", seen) else None
    if unit is None:
        unit = _upsert_unit(session, values, actor, counts)
    touched[unit_key] = unit

    if "station_code" in values:
        station_key = ("stations", values["station_code"])
        station = applied.get(station_key) if already_applied(values, "stations", seen) else None
        if station is None:
            station = _upsert_station(session, values, unit, actor, counts)
        touched[station_key] = station
        if "household_code" in values:
            _upsert_household(session, values, station, actor, counts)
    if "device_code" in values:
        _upsert_device(session, values, actor, counts)
    return counts


def import_registry(
    session: Session, path: Path | str, actor: str, *, timezone: str | None = None
) -> ImportReport:
    """Import units, stations, households and devices from a CSV or .xlsx file.

    Raises ImportFileError when the file as a whole cannot be used (format, encoding,
    header). Naive times in the file are local times in ``timezone``, by default the
    configured zone. The session is flushed but not committed.
    """
    path = Path(path)
    sheet = read_sheet(path)
    columns, header_warnings = map_header(sheet.header)
    zone = ZoneInfo(timezone or get_settings().timezone)
    report = ImportReport(
        path=str(path),
        file_format=sheet.file_format,
        encoding=sheet.encoding,
        warnings=[*sheet.warnings, *header_warnings],
    )

    seen: dict[tuple[str, str], dict[str, tuple[Any, int]]] = {}
    applied: dict[tuple[str, str], Any] = {}
    for row_number, cells in sheet.rows:
        report.rows_read += 1
        values, reasons = parse_row(cells, columns, zone)
        reasons.extend(find_conflicts(values, seen))
        if reasons:
            report.errors.append(RowError(row_number, reasons))
            continue

        try:
            with session.begin_nested():
                touched: dict[tuple[str, str], Any] = {}
                outcome = _import_row(session, values, actor, seen, applied, touched)
        except RegistryError as error:
            report.errors.append(RowError(row_number, [str(error)]))
            continue
        except SQLAlchemyError as error:
            logger.warning("Import row %d of %s rejected by the database: %s", row_number, path, error)
            report.errors.append(RowError(row_number, [f"数据库拒绝写入：{getattr(error, 'orig', error)}"]))
            continue

        remember_values(values, row_number, seen)
        applied.update(touched)
        report.rows_imported += 1
        for level in LEVELS:
            if outcome.get(level) == "created":
                report.created[level] += 1
            elif outcome.get(level) == "updated":
                report.updated[level] += 1

    logger.info(
        "Imported %s: %d of %d rows, %d rejected", path, report.rows_imported, report.rows_read, len(report.errors)
    )
    return report
