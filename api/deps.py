"""Dependencies shared by the routes: settings, an InfluxDB client and a registry session per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.registry_db import RegistryDatabase
from settings import Settings
from storage.influx import InfluxClient


def get_settings_dep(request: Request) -> Settings:
    """Return the settings the app was created with."""
    return request.app.state.settings


def get_influx(settings: Annotated[Settings, Depends(get_settings_dep)]) -> Iterator[InfluxClient]:
    """Yield an InfluxDB client bound to the configured database."""
    with InfluxClient.from_settings(settings) as client:
        yield client


def get_registry(request: Request) -> RegistryDatabase:
    """Return the registry database the app was created with."""
    return request.app.state.registry


def get_session(registry: Annotated[RegistryDatabase, Depends(get_registry)]) -> Iterator[Session]:
    """Yield a registry session; routes that write commit it themselves, anything else is rolled back."""
    session = registry.sessions()()
    try:
        yield session
    finally:
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
InfluxDep = Annotated[InfluxClient, Depends(get_influx)]
SessionDep = Annotated[Session, Depends(get_session)]
RegistryDep = Annotated[RegistryDatabase, Depends(get_registry)]
