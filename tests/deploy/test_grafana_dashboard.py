"""The Grafana dashboard deploy/grafana/heatscore.json and its provisioned data source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ingest.payloads import ROOM_MEASUREMENT, STATION_MEASUREMENT, RoomPayload, StationPayload
from storage.influxql import check_portable

GRAFANA = Path(__file__).resolve().parents[2] / "deploy" / "grafana"
# Grafana macros and variables, replaced by what Grafana sends for them.
MACROS = {
    "$timeFilter": "time > now() - 1h",
    "$__interval": "1m",
    "$unit": ".*",
    "$station": ".*",
}


def load_dashboard() -> dict:
    return json.loads((GRAFANA / "heatscore.json").read_text())


def dashboard_queries() -> list[str]:
    dashboard = load_dashboard()
    queries = [target["query"] for panel in dashboard["panels"] for target in panel["targets"]]
    queries += [variable["query"] for variable in dashboard["templating"]["list"]]
    return queries


def expand(query: str) -> str:
    for macro, value in MACROS.items():
        query = query.replace(macro, value)
    return query


@pytest.mark.parametrize("query", dashboard_queries())
def test_queries_portable(query: str) -> None:
    check_portable(expand(query))


def test_queries_use_stored_fields() -> None:
    queries = "\n".join(dashboard_queries())

    assert f'mean("temp_c") FROM "{ROOM_MEASUREMENT}"' in queries
    assert "temp_c" in RoomPayload.model_fields
    for field in ("secondary_supply_temp_c", "secondary_return_temp_c"):
        assert f'mean("{field}") FROM "{STATION_MEASUREMENT}"' in queries
        assert field in StationPayload.model_fields
    assert 'non_negative_derivative(max("stored"), 1m) FROM "ingest_stats"' in queries


def test_panels_use_provisioned_source() -> None:
    provisioning = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "heatscore.yaml").read_text())
    (source,) = provisioning["datasources"]
    dashboard = load_dashboard()

    assert source["type"] == "influxdb"
    assert source["jsonData"]["dbName"] == "$HEATSCORE_INFLUX_DATABASE"
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] == source["uid"], panel["title"]
    assert dashboard["timezone"] == "Asia/Shanghai"
