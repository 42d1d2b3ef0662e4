"""How query results are turned into series: errors and truncated results fail loudly."""

from __future__ import annotations

import pytest

from storage.influx import InfluxRejectedError, _collect_series


def test_collect_series_reads_tags_and_rows() -> None:
    payload = {"results": [{"series": [{"name": "room_reading", "tags": {"household": "H1"},
                                         "columns": ["time", "mean"], "values": [[0, 18.5]]}]}]}

    series = _collect_series(payload)

    assert series[0].tags == {"household": "H1"}
    assert series[0].values == [[0, 18.5]]


@pytest.mark.parametrize("payload", [
    {"results": [{"partial": True, "series": []}]},
    {"results": [{"series": [{"name": "room_reading", "columns": ["time", "temp_c"], "values": [[0, 1.0]],
                              "partial": True}]}]},
])
def test_truncated_result_raises(payload: dict) -> None:
    with pytest.raises(InfluxRejectedError, match="max-row-limit"):
        _collect_series(payload)


def test_result_error_raises() -> None:
    with pytest.raises(InfluxRejectedError, match="database not found"):
        _collect_series({"results": [{"error": "database not found: x"}]})
