"""Dependencies shared by the routes: settings and an InfluxDB client per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from settings import Settings
from storage.influx import InfluxClient


def get_settings_dep(request: Request) -> Settings:
    """Return the settings the app was created with."""
    return request.app.state.settings


def get_influx(settings: Annotated[Settings, Depends(get_settings_dep)]) -> Iterator[InfluxClient]:
    """Yield an InfluxDB client bound to the configured database."""
    with InfluxClient.from_settings(settings) as client:
        yield client


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
InfluxDep = Annotated[InfluxClient, Depends(get_influx)]
