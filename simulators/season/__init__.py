"""A realistic heating-season simulator driven by real outdoor temperature, with injectable faults.

    plan = season_plan(CityConfig(), SeasonConfig(season_year=2025), faults="standard", replay=ReplayMix())
    plan.write_registry_csv("registry.csv")
    publish_messages(plan.messages(), host=..., port=...)
    write_ground_truth(plan, "ground-truth.json")
"""

from simulators.season.city import SeasonCity, SeasonHousehold, SeasonStation, SeasonUnit, build_season_city
from simulators.season.config import CityConfig, ReplayMix, SeasonConfig, SeasonConfigError
from simulators.season.devices import SeasonMessage
from simulators.season.faults import (
    ColdBuilding,
    EarlyExtendedHeating,
    Fault,
    Interruption,
    LateStart,
    LowTemperaturePeriod,
    MeterStopped,
    OverheatedBuilding,
    RadiatorSensor,
    SensorFaultFlag,
    SensorOffline,
    SparseSensor,
)
from simulators.season.ground_truth import ground_truth, interruption_class, write_ground_truth
from simulators.season.physics import design_delta_c, heating_curve_supply_c
from simulators.season.plan import SeasonPlan, season_plan
from simulators.season.registry_csv import write_registry_csv
from simulators.season.standard import standard_faults

__all__ = [
    "build_season_city",
    "CityConfig",
    "ColdBuilding",
    "design_delta_c",
    "EarlyExtendedHeating",
    "Fault",
    "ground_truth",
    "heating_curve_supply_c",
    "interruption_class",
    "Interruption",
    "LateStart",
    "LowTemperaturePeriod",
    "MeterStopped",
    "OverheatedBuilding",
    "RadiatorSensor",
    "ReplayMix",
    "season_plan",
    "SeasonCity",
    "SeasonConfig",
    "SeasonConfigError",
    "SeasonHousehold",
    "SeasonMessage",
    "SeasonPlan",
    "SeasonStation",
    "SeasonUnit",
    "SensorFaultFlag",
    "SensorOffline",
    "SparseSensor",
    "standard_faults",
    "write_ground_truth",
    "write_registry_csv",
]
