"""The one settings object of heatscore, read once from environment variables.

Every field can be overridden by an environment variable named ``HEATSCORE_`` plus the
field name in upper case, for example ``HEATSCORE_MQTT_PORT=1883``. A ``.env`` file in the
working directory is read too. ``load_settings`` turns a validation error into a
Chinese message that names the offending variable.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "HEATSCORE_"


class Settings(BaseSettings):
    """Connection details, limits and defaults shared by every heatscore process."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    # Where local state lives: spool, dead letters, SQLite database, service data.
    data_dir: Path = Path("var")

    # The zone that defines a local day. Stored times are always UTC.
    timezone: str = "Asia/Shanghai"

    # MQTT broker. The project's own Mosquitto listens on 18830 (deploy/services.sh).
    mqtt_host: str = "127.0.0.1"
    mqtt_port: int = Field(18830, ge=1, le=65535)
    mqtt_username: str | None = None
    mqtt_password: str | None = None
    mqtt_tls: bool = False
    mqtt_ca_file: Path | None = None
    mqtt_topic_prefix: str = "heatscore/v1"
    mqtt_client_id: str = "heatscore-ingest"
    # Non-empty: subscribe as ``$share/<group>/...`` so several ingest processes split the stream.
    mqtt_share_group: str = ""
    mqtt_keepalive_s: int = Field(30, ge=5, le=3600)

    # InfluxDB through its v1-compatible HTTP API (/write, /query), HTTP Basic auth.
    influx_url: str = "http://127.0.0.1:18086"
    influx_database: str = "heatscore"
    influx_username: str = "heatscore"
    influx_password: str = "heatscore-local"
    influx_timeout_s: float = Field(10.0, gt=0)
    # The scheduled jobs read a whole city's day or season in one request: 100,000
    # households took 12-13 s per rollup query on a 2-core server.
    influx_job_timeout_s: float = Field(900.0, gt=0)

    # Relational database for registry, rubric entries and results.
    database_url: str = "sqlite:///var/heatscore.db"

    # Ingest limits.
    ingest_batch_size: int = Field(1000, ge=1, le=100_000)
    ingest_batch_max_age_s: float = Field(1.0, gt=0, le=60)
    ingest_batch_max_bytes: int = Field(1_000_000, ge=1024)
    ingest_max_inflight: int = Field(5000, ge=1, le=65535)
    ingest_max_payload_bytes: int = Field(16_384, ge=64)
    ingest_future_tolerance_s: float = Field(300.0, ge=0)
    ingest_naive_timestamp_policy: Literal["assume_local", "reject"] = "assume_local"
    ingest_spool_max_bytes: int = Field(512 * 1024 * 1024, ge=1024)
    ingest_dead_letter_retention_days: int = Field(90, ge=1)
    # Layout of raw CJ/T 188 heat-meter frames: "lichuang" (unit byte before the value)
    # or "value_first".
    meter_frame_variant: Literal["lichuang", "value_first"] = "lichuang"

    # API server.
    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=1, le=65535)
    secret_key: str = "change-me-in-production"

    @field_validator("influx_url")
    @classmethod
    def _check_influx_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite:///", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql")
        return value

    @property
    def sqlite_path(self) -> Path | None:
        """Return the SQLite file behind ``database_url``, or None for other databases."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        return Path(self.database_url[len(prefix):])


class SettingsError(Exception):
    """Raised when an environment variable contains an invalid value; the message is Chinese."""


def _problem_zh(item: dict) -> str:
    context = item.get("ctx") or {}
    problems = {
        "int_parsing": "必须是整数",
        "int_type": "必须是整数",
        "float_parsing": "必须是数字",
        "bool_parsing": "必须是 true 或 false",
        "greater_than_equal": f"不得小于 {context.get('ge')}",
        "greater_than": f"必须大于 {context.get('gt')}",
        "less_than_equal": f"不得大于 {context.get('le')}",
        "literal_error": f"必须是以下之一：{str(context.get('expected')).replace(' or ', '、')}",
        "value_error": {
            "must start with http:// or https://": "必须以 http:// 或 https:// 开头",
            "must start with sqlite:/// or postgresql": "必须以 sqlite:/// 或 postgresql 开头",
        }.get(str(context.get("error")), "取值无效"),
        "path_type": "必须是路径",
    }
    return problems.get(item["type"], f"取值无效（{item['msg']}）")


def describe_validation_error(error: ValidationError) -> str:
    """Render a settings validation error in Chinese, one line per bad variable."""
    lines = ["配置无效，请检查以下环境变量："]
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"])
        variable = ENV_PREFIX + field.upper()
        lines.append(f"  {variable}：{_problem_zh(item)}（当前值：{item.get('input')!r}）")
    return "\n".join(lines)


def load_settings() -> Settings:
    """Read the settings from the environment, raising SettingsError with a Chinese message."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe_validation_error(error)) from None


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read on first use."""
    return load_settings()
