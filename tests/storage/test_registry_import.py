"""Registry import from CSV (UTF-8, UTF-8 with BOM, GBK) and .xlsx, with good and bad rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session

from storage import registry
from storage.registry import DeviceKind, ExclusionReason, HouseholdPosition, ImportFileError, UnitKind
from storage.registry.testing import temporary_database

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "registry-sample.csv"

CHINESE_HEADER = "供热单位编号,供热单位名称,单位类型,热力站编号,热力站名称,供热面积,住户编号,楼号,楼层,位置,是否测温,是否报停"
GOOD_AND_BAD_ROWS = [
    "btrl,包头市热力,供热单位,s01,一号站,185000,,,,,,",  # row 2: unit and station
    "btrl,,,s01,,,h1,3号楼,18,顶层,是,否",  # row 3: household
    "btrl,,,s01,,,h2,3号楼,1,底层,否,是",  # row 4: stopped household
    "坏 编号,某公司,供热单位,,,,,,,,,",  # row 5: invalid unit code
    "btrl,,,s02,,,,,,,,",  # row 6: new station without a name
    "btrl,,,s01,,,h3,5号楼,九,中间,也许,否",  # row 7: floor and 是否测温 unreadable
    "btrl,,,s01,,-5,h4,5号楼,2,边户,否,否",  # row 8: negative area
    "other,另一公司,热电联产热源单位,s01,,,,,,,,",  # row 9: row 2 put s01 under btrl
    "btrl,,,s01,二号站,,,,,,,",  # row 10: station name disagrees with row 2
    ",,,,,,,,,,,",  # blank: skipped silently
    "btrl,,,s01,,,h5,6号楼,6,中间,是,否",  # row 12: good
]


@pytest.fixture(params=BACKENDS)
def session(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Session]:
    """Yield a session on a freshly migrated database."""
    with temporary_database(request.param, tmp_path) as url:
        factory = registry.make_session_factory(url)
        with factory() as db_session:
            yield db_session
            db_session.rollback()


def _write_csv(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def _reasons_by_row(report: registry.ImportReport) -> dict[int, str]:
    return {error.row_number: "；".join(error.reasons) for error in report.errors}


def test_sample_file_imports_cleanly(session: Session) -> None:
    report = registry.import_registry(session, SAMPLE, "admin")
    session.commit()

    assert report.errors == []
    assert report.warnings == []
    assert report.rows_read == 8
    assert report.created == {"heating_units": 2, "stations": 1, "households": 4, "devices": 4}
    assert registry.get_heating_unit(session, code="bgrd").kind == UnitKind.CHP_SOURCE
    assert registry.get_station(session, code="btrl-s01").heated_area_m2 == 185000.0
    household = registry.get_household(session, code="h0003")
    assert household.position == HouseholdPosition.END_UNIT
    assert household.exclusion_reason == ExclusionReason.STOPPED
    assert registry.get_household(session, code="h0004").exclusion_reason == ExclusionReason.SELF_REGULATING
    sensor = registry.get_device(session, code="rs-0001")
    assert sensor.kind == DeviceKind.ROOM
    assert sensor.household is not None and sensor.household.code == "h0001"
    # 2025-10-12 09:30 in Asia/Shanghai is 01:30 UTC.
    assert sensor.installed_at == datetime(2025, 10, 12, 1, 30, tzinfo=UTC)


def test_reimport_is_idempotent(session: Session) -> None:
    registry.import_registry(session, SAMPLE, "admin")
    session.commit()
    audit_count = len(registry.list_audit_entries(session))

    report = registry.import_registry(session, SAMPLE, "admin")
    session.commit()

    assert report.rows_imported == 8
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert len(registry.list_audit_entries(session)) == audit_count


def test_gbk_file_good_and_bad_rows(session: Session, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "registry-gbk.csv", [CHINESE_HEADER, *GOOD_AND_BAD_ROWS], "gbk")

    report = registry.import_registry(session, path, "admin")
    session.commit()

    assert report.encoding == "gbk"
    assert report.rows_read == 10
    assert report.rows_imported == 4
    reasons = _reasons_by_row(report)
    assert sorted(reasons) == [5, 6, 7, 8, 9, 10]
    assert "供热单位编号 '坏 编号' 无效" in reasons[5]
    assert "热力站 's02' 尚未登记，必须填写热力站名称" in reasons[6]
    assert "楼层 '九' 不是整数" in reasons[7]
    assert "是否测温 '也许' 无法识别" in reasons[7]
    assert "供热面积 '-5' 无效" in reasons[8]
    assert "热力站 's01' 的供热单位编号与第 2 行不一致（'btrl' 与 'other'）" in reasons[9]
    assert "热力站 's01' 的热力站名称与第 2 行不一致" in reasons[10]

    assert [h.code for h in registry.list_households(session, station_code="s01")] == ["h1", "h2", "h5"]
    assert registry.get_household(session, code="h2").exclusion_reason == ExclusionReason.STOPPED
    # Row 9 failed as a whole, so its new unit was rolled back with it.
    assert registry.find_heating_unit(session, code="other") is None
    assert registry.find_station(session, code="s02") is None


def test_bom_file_with_english_headers(session: Session, tmp_path: Path) -> None:
    lines = [
        "unit_code,unit_name,unit_kind,station_code,station_name,station_heated_area_m2,"
        "household_code,floor,position,measured,self_regulating,device_code,device_kind,installed_at",
        "bt01,包头某热力公司,heating_unit,st01,站一,\"12,500\",hh01,3,middle,yes,no,rs01,room,2025-10-01",
        "bt01,,,st01,,,hh02,4,top_floor,no,yes,,,",
    ]
    path = _write_csv(tmp_path / "registry-bom.csv", lines, "utf-8-sig")

    report = registry.import_registry(session, path, "admin")
    session.commit()

    assert report.encoding == "utf-8-sig"
    assert report.errors == []
    assert registry.get_station(session, code="st01").heated_area_m2 == 12500.0
    assert registry.get_household(session, code="hh02").exclusion_reason == ExclusionReason.SELF_REGULATING
    assert registry.get_device(session, code="rs01").installed_at == datetime(2025, 9, 30, 16, 0, tzinfo=UTC)


def test_xlsx_with_numbers_and_dates(session: Session, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "住户登记"
    sheet.append(["*供热单位编号", "供热单位名称", "热力站编号", "热力站名称", "住户编号", "楼层", "供热面积（㎡）", "设备编号", "设备类型", "安装时间", "备注"])
    sheet.append([1001, "包头某热力公司", 2001, "站一", 300001, 6, 88.25, "rs-9", "室温采集器", datetime(2025, 10, 12, 9, 30), "首批"])
    sheet.append([1001, None, 2001, None, 300002, "7层", 90, None, None, None, None])
    sheet.append([1001, None, 2001, None, 300003, 8, "abc", None, None, None, None])
    workbook.create_sheet("说明")
    path = tmp_path / "registry.xlsx"
    workbook.save(path)

    report = registry.import_registry(session, path, "admin")
    session.commit()

    assert report.file_format == "xlsx"
    assert report.rows_imported == 2
    assert _reasons_by_row(report) == {4: "供热面积 'abc' 不是数字"}
    assert "未识别的列“备注”已忽略" in report.warnings
    assert any("只导入了第一个工作表“住户登记”" in warning for warning in report.warnings)
    household = registry.get_household(session, code="300001")
    assert household.station.code == "2001"
    assert household.unit.code == "1001"
    assert household.heated_area_m2 == 88.25
    assert registry.get_household(session, code="300002").floor == 7
    assert registry.get_device(session, code="rs-9").installed_at == datetime(2025, 10, 12, 1, 30, tzinfo=UTC)


def test_station_owner_conflict_rejected(session: Session, tmp_path: Path) -> None:
    header = "供热单位编号,供热单位名称,热力站编号,热力站名称"
    first = _write_csv(tmp_path / "first.csv", [header, "btrl,包头市热力,s01,一号站"], "utf-8")
    second = _write_csv(tmp_path / "second.csv", [header, "other,另一公司,s01,"], "utf-8")
    registry.import_registry(session, first, "admin")

    report = registry.import_registry(session, second, "admin")

    assert "热力站 's01' 已登记在供热单位 'btrl' 下" in _reasons_by_row(report)[2]
    assert registry.find_heating_unit(session, code="other") is None


def test_reimport_clears_stopped_flag(session: Session, tmp_path: Path) -> None:
    header = "供热单位编号,供热单位名称,热力站编号,热力站名称,住户编号,是否报停"
    first = _write_csv(tmp_path / "first.csv", [header, "btrl,包头市热力,s01,一号站,h1,是"], "utf-8")
    second = _write_csv(tmp_path / "second.csv", [header, "btrl,,s01,,h1,否"], "utf-8")

    registry.import_registry(session, first, "admin")
    report = registry.import_registry(session, second, "admin")
    session.commit()

    assert report.updated["households"] == 1
    household = registry.get_household(session, code="h1")
    assert household.excluded is False
    assert household.exclusion_reason is None


def test_tab_separated_file(session: Session, tmp_path: Path) -> None:
    lines = ["供热单位编号\t供热单位名称\t联系人", "btrl\t包头市热力\t王工"]
    path = _write_csv(tmp_path / "units.txt", lines, "utf-8")

    report = registry.import_registry(session, path, "admin")

    assert report.errors == []
    assert registry.get_heating_unit(session, code="btrl").contact == "王工"


def test_missing_unit_column_rejected(session: Session, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "stations.csv", ["热力站编号,热力站名称", "s01,一号站"], "utf-8")

    with pytest.raises(ImportFileError, match="缺少必需的列“供热单位编号”"):
        registry.import_registry(session, path, "admin")


def test_duplicate_column_rejected(session: Session, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "dup.csv", ["供热单位编号,unit_code", "a,a"], "utf-8")

    with pytest.raises(ImportFileError, match="都表示供热单位编号"):
        registry.import_registry(session, path, "admin")


@pytest.mark.parametrize(
    ("filename", "message"),
    [("old.xls", "不支持旧版 Excel"), ("data.json", "不支持的文件类型"), ("broken.xlsx", "无法读取 Excel 文件")],
)
def test_unusable_file_rejected(session: Session, tmp_path: Path, filename: str, message: str) -> None:
    path = tmp_path / filename
    path.write_bytes(b"not a spreadsheet")

    with pytest.raises(ImportFileError, match=message):
        registry.import_registry(session, path, "admin")


def test_empty_file_rejected(session: Session, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "empty.csv", ["", ","], "utf-8")

    with pytest.raises(ImportFileError, match="没有找到表头行"):
        registry.import_registry(session, path, "admin")


def test_summary_lists_errors_in_chinese(session: Session, tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "bad.csv", [CHINESE_HEADER, "坏 编号,某公司,供热单位,,,,,,,,,"], "utf-8")

    report = registry.import_registry(session, path, "admin")

    summary = report.summary()
    assert "数据行 1 行，成功 0 行，失败 1 行" in summary
    assert "错误：第 2 行：供热单位编号 '坏 编号' 无效" in summary
    assert not report.ok


def test_unclosed_quote_rejects_file_with_line_numbers(tmp_path):
    from storage.registry import ImportFileError
    from storage.registry.import_reader import read_csv

    path = tmp_path / "broken.csv"
    path.write_text('供热单位编号,供热单位名称\nU01,"青山热力\nU02,昆都仑供热\nU03,东河热力\n', "utf-8")

    with pytest.raises(ImportFileError, match="第 2 行的引号没有闭合，第 2 至 4 行"):
        read_csv(path)
