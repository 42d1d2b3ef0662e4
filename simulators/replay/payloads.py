"""JSON payloads in the ingest wire format, built from replayed values.

A value that is missing (NaN) or outside the range the ingest payload model accepts is left
out of the payload, so one noisy hourly value never gets the whole reading rejected. The
ranges are read from the ingest models themselves and stay in step with them.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Literal

from ingest.payloads import MeterPayload, RoomPayload, StationPayload
from simulators.replay.shift import BAOTOU_ZONE

PayloadModel = type[RoomPayload] | type[StationPayload] | type[MeterPayload]

DECIMALS = 3  # values are rounded to 0.001 of their unit


def format_timestamp(time_ms: int, ts_format: Literal["iso", "epoch_ms"]) -> str | int:
    """Render a UTC millisecond as ISO 8601 in Baotou time (+08:00) or as epoch milliseconds."""
    if ts_format == "epoch_ms":
        return int(time_ms)

    seconds, milliseconds = divmod(int(time_ms), 1000)
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc).astimezone(BAOTOU_ZONE)
    if milliseconds == 0:
        return moment.isoformat(timespec="seconds")
    return (moment + timedelta(milliseconds=milliseconds)).isoformat(timespec="milliseconds")


def encode_payload(
    model: PayloadModel,
    ts: str | int,
    values: dict[str, float],
    labels: dict[str, str],
    left_out: Counter[str],
) -> bytes | None:
    """Encode one reading as compact JSON, or return None when no measured value is left.

    ``labels`` are string fields such as ``household``. ``left_out`` counts, by field name,
    every value dropped because it is outside the accepted range.
    """
    document: dict[str, str | int | float] = {"ts": ts, **labels}
    for name, value in values.items():
        if math.isnan(value):
            continue
        low, high = accepted_range(model, name)
        if not low <= value <= high:
            left_out[name] += 1
            continue
        document[name] = round(float(value), DECIMALS)

    if len(document) == 1 + len(labels):
        return None
    return json.dumps(document, separators=(",", ":"), allow_nan=False).encode("utf-8")


@lru_cache(maxsize=None)
def accepted_range(model: PayloadModel, name: str) -> tuple[float, float]:
    """Return the inclusive bounds the ingest model puts on one numeric field."""
    low, high = -math.inf, math.inf
    for constraint in model.model_fields[name].metadata:
        low = getattr(constraint, "ge", low)
        high = getattr(constraint, "le", high)
    return low, high
