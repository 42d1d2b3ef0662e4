import pytest

from storage.influxql import NonPortableQueryError, check_portable


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT mean(temp_c) FROM room_reading WHERE time >= 0ms GROUP BY household",
        "SELECT count(temp_c), sum(sensor_fault) FROM room_reading GROUP BY time(1d) fill(none) tz('Asia/Shanghai')",
        'SHOW TAG VALUES FROM unit_day WITH KEY = "unit"',
        "SHOW MEASUREMENTS",
        "SELECT * FROM room_reading WHERE household = 'a(b)'",
        "EXPLAIN SELECT max(temp_c) FROM room_reading",
        "SELECT temp_c FROM room_reading WHERE time > 0 AND (unit = 'a' OR unit = 'b')",
    ],
)
def test_portable_statements_pass(statement):
    check_portable(statement)


@pytest.mark.parametrize(
    ("statement", "fragment"),
    [
        ("SELECT mean(temp_c) INTO daily FROM room_reading", "INTO"),
        ("SELECT temp_c FROM room_reading SLIMIT 1", "SLIMIT"),
        ("SELECT temp_c FROM room_reading SOFFSET 1", "SOFFSET"),
        ("SELECT sample(temp_c, 2) FROM room_reading", "sample"),
        ("SELECT holt_winters(mean(temp_c), 3, 1) FROM room_reading GROUP BY time(1h)", "holt_winters"),
        ("SELECT integral(flow_m3h) FROM station_reading GROUP BY time(1h) fill(0)", "INTEGRAL"),
        ("CREATE DATABASE heatscore", "only SELECT"),
        ("DROP MEASUREMENT room_reading", "only SELECT"),
        ("DELETE FROM room_reading", "only SELECT"),
        ("SHOW DATABASES", "SHOW statement"),
        ("SHOW SERIES", "SHOW statement"),
        ("SELECT 1; DROP DATABASE x", "one statement"),
    ],
)
def test_non_portable_statements_rejected(statement, fragment):
    with pytest.raises(NonPortableQueryError, match=fragment):
        check_portable(statement)
