"""Readers of the three measured files, on small files written by the test."""

from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from simulators.replay import ReplaySourceError, read_aalborg_meter, read_nyc_apartments
from simulators.replay.sources import AALBORG_METER_FILE, NYC_APARTMENTS_FILE
from simulators.weather import SHENYANG_WEATHER_FILE, read_shenyang_weather

HOUR_MS = 3_600_000


def _utc_ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=timezone.utc).timestamp()) * 1000


def test_nyc_reader_sorts_and_keeps_gaps(tmp_path: Path) -> None:
    (tmp_path / NYC_APARTMENTS_FILE).write_text(
        "cartodb_id,temp,date_of_sensor,user_id\n"
        "1,70,2014-12-17 02:00:19.067+00,119\n"
        "2,64,2014-12-17 02:10:00+00,3\n"
        "3,66,2014-12-17 07:00:19.4+00,119\n",
        encoding="utf-8",
    )

    readings = read_nyc_apartments(tmp_path)

    assert readings.apartment_ids == ["3", "119"]
    assert readings.apartment.tolist() == [0, 1, 1]
    assert readings.temp_f.tolist() == [64.0, 70.0, 66.0]
    rows = readings.rows_of("119")
    assert readings.time_ms[rows].tolist() == [
        _utc_ms(2014, 12, 17, 2, 0, 19) + 67,
        _utc_ms(2014, 12, 17, 7, 0, 19) + 400,
    ]


def test_nyc_reader_unknown_apartment(tmp_path: Path) -> None:
    (tmp_path / NYC_APARTMENTS_FILE).write_text(
        "cartodb_id,temp,date_of_sensor,user_id\n1,70,2014-12-17 02:00:00+00,119\n", encoding="utf-8"
    )

    readings = read_nyc_apartments(tmp_path)

    with pytest.raises(ReplaySourceError, match="没有公寓 '5'"):
        readings.rows_of("5")


def test_nyc_reader_rejects_bad_temperature(tmp_path: Path) -> None:
    (tmp_path / NYC_APARTMENTS_FILE).write_text(
        "cartodb_id,temp,date_of_sensor,user_id\n1,warm,2014-12-17 02:00:00+00,119\n", encoding="utf-8"
    )

    with pytest.raises(ReplaySourceError, match="第 2 行的 temp 值 'warm' 不是数字"):
        read_nyc_apartments(tmp_path)


def test_missing_file_names_path(tmp_path: Path) -> None:
    with pytest.raises(ReplaySourceError, match="找不到回放数据文件"):
        read_aalborg_meter(tmp_path)


def test_aalborg_reader_registers(tmp_path: Path) -> None:
    (tmp_path / AALBORG_METER_FILE).write_text(
        "customer_id,meter_id,time_rounded,energy_heat_kwh,volume_flow_m3,inlet_flow_energy_m3xC,back_flow_energy_m3xC\n"
        "772,660,2018-01-02T23:00:00Z,5347.5,113.99,8246.0,3528.5\n"
        "772,660,2018-01-03T00:00:00Z,5350.5,114.05,8250.5,3530.5\n",
        encoding="utf-8",
    )

    registers = read_aalborg_meter(tmp_path)

    assert registers.time_ms.tolist() == [_utc_ms(2018, 1, 2, 23), _utc_ms(2018, 1, 3, 0)]
    assert registers.energy_kwh.tolist() == [5347.5, 5350.5]
    assert registers.volume_m3.tolist() == [113.99, 114.05]
    assert registers.supply_volume_temp_m3c.tolist() == [8246.0, 8250.5]
    assert registers.return_volume_temp_m3c.tolist() == [3528.5, 3530.5]


def test_aalborg_reader_rejects_unordered_times(tmp_path: Path) -> None:
    (tmp_path / AALBORG_METER_FILE).write_text(
        "customer_id,meter_id,time_rounded,energy_heat_kwh,volume_flow_m3,inlet_flow_energy_m3xC,back_flow_energy_m3xC\n"
        "772,660,2018-01-03T00:00:00Z,1,1,1,1\n"
        "772,660,2018-01-02T23:00:00Z,1,1,1,1\n",
        encoding="utf-8",
    )

    with pytest.raises(ReplaySourceError, match="不是严格递增"):
        read_aalborg_meter(tmp_path)


def test_weather_reader_local_time_and_missing(tmp_path: Path) -> None:
    header = "No,year,month,day,hour,season,PM_US Post,DEWP,HUMI,PRES,TEMP,cbwd,Iws,precipitation,Iprec\n"
    (tmp_path / SHENYANG_WEATHER_FILE).write_text(
        header
        + "1,2014,1,1,0,4,NA,-20,50,1030,-12,NW,3,0,0\n"
        + "2,2014,1,1,1,4,NA,-20,50,1030,NA,NW,3,0,0\n"
        + "3,2014,1,1,2,4,NA,-20,50,1030,-14,NW,3,0,0\n",
        encoding="utf-8",
    )

    weather = read_shenyang_weather(tmp_path)

    # Local midnight at UTC+8 is 16:00 UTC the day before.
    assert weather.time_ms.tolist() == [_utc_ms(2013, 12, 31, 16 + hour) for hour in range(3)]
    assert weather.temp_c[0] == -12.0
    assert np.isnan(weather.temp_c[1])
    assert weather.temp_c[2] == -14.0


def test_weather_temp_at_hour_lookup(tmp_path: Path) -> None:
    header = "No,year,month,day,hour,season,PM_US Post,DEWP,HUMI,PRES,TEMP,cbwd,Iws,precipitation,Iprec\n"
    (tmp_path / SHENYANG_WEATHER_FILE).write_text(
        header + "1,2014,1,1,0,4,NA,-20,50,1030,-12,NW,3,0,0\n" + "2,2014,1,1,1,4,NA,-20,50,1030,-13,NW,3,0,0\n",
        encoding="utf-8",
    )
    weather = read_shenyang_weather(tmp_path)
    first_hour = int(weather.time_ms[0])
    week_ms = 7 * 24 * HOUR_MS

    queries = np.array([first_hour - 1, first_hour, first_hour + 59 * 60_000, first_hour + 2 * HOUR_MS])
    looked_up = weather.temp_at(queries)
    shifted = weather.temp_at(np.array([first_hour + week_ms + HOUR_MS]), offset_ms=week_ms)

    assert np.isnan(looked_up[0])
    assert looked_up[1] == -12.0
    assert looked_up[2] == -12.0
    assert np.isnan(looked_up[3])
    assert shifted[0] == -13.0
