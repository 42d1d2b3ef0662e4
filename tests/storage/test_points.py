import pytest

from storage.points import Point, to_line


def test_line_has_sorted_tags_float_fields_and_ms_time():
    point = Point("room_reading", {"unit": "U01", "household": "H1"}, {"temp_c": 20.0, "sensor_fault": 0.0}, 1767571200000)

    assert to_line(point) == "room_reading,household=H1,unit=U01 sensor_fault=0.0,temp_c=20.0 1767571200000"


def test_special_characters_escaped():
    point = Point("my measurement,x", {"tag key": "a,b=c d\\e"}, {"field=1": 1.5}, 1)

    assert to_line(point) == r"my\ measurement\,x,tag\ key=a\,b\=c\ d\\e field\=1=1.5 1"


def test_empty_tag_value_left_out():
    point = Point("m", {"household": "", "unit": "U1"}, {"v": 1.0}, 1)

    assert to_line(point) == "m,unit=U1 v=1.0 1"


def test_non_finite_field_rejected():
    with pytest.raises(ValueError, match="not finite"):
        to_line(Point("m", {}, {"v": float("nan")}, 1))


def test_point_without_fields_rejected():
    with pytest.raises(ValueError, match="no fields"):
        to_line(Point("m", {}, {}, 1))
