"""Points and their InfluxDB line-protocol form."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Point:
    """One row for InfluxDB: measurement, tags, float fields and a UTC time in milliseconds."""

    measurement: str
    tags: dict[str, str]
    fields: dict[str, float]
    time_ms: int
    extra: dict[str, str] = field(default_factory=dict, compare=False)


def _escape_measurement(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(" ", "\\ ")


def _escape_key(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")
    )


def _format_float(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"field value {value!r} is not finite")
    text = repr(float(value))
    # InfluxDB reads '1e-05' fine; 'inf'/'nan' were rejected above.
    return text


def to_line(point: Point) -> str:
    """Render a point as one line of line protocol with millisecond precision.

    Tags are sorted by key, as InfluxDB recommends, and empty tag values are left out
    because line protocol cannot carry them. Every field is written as a float.
    """
    field_text = ",".join(
        f"{_escape_key(name)}={_format_float(value)}" for name, value in sorted(point.fields.items())
    )
    if not field_text:
        raise ValueError(f"point for {point.measurement} has no fields")
    return f"{series_key(point.measurement, point.tags)} {field_text} {point.time_ms}"


def series_key(measurement: str, tags: dict[str, str]) -> str:
    """Render the measurement and tags of a line, escaped, tags sorted, empty values left out.

    Callers that write many points of one series shape build this once per series and
    append the fields and time themselves.
    """
    parts = [_escape_measurement(measurement)]
    for key in sorted(tags):
        value = tags[key]
        if value == "":
            continue
        parts.append(f",{_escape_key(key)}={_escape_key(value)}")
    return "".join(parts)
