"""JSON output that never carries NaN or infinity: non-finite numbers become null."""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi.responses import JSONResponse


def finite_or_none(value: float | int | None) -> float | None:
    """Return ``value`` as a float, or None when it is missing, NaN or infinite."""
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def strip_non_finite(value: Any) -> Any:
    """Return a copy of a JSON-like structure with every NaN or infinite float replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: strip_non_finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [strip_non_finite(item) for item in value]
    return value


class SafeJSONResponse(JSONResponse):
    """The app's default response: strict JSON, with non-finite floats sent as null."""

    def render(self, content: Any) -> bytes:
        """Serialise ``content`` as UTF-8 JSON, refusing NaN after replacing it with null."""
        return json.dumps(
            strip_non_finite(content), ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode("utf-8")
