"""The command line: Chinese help and errors, settings errors naming the variable, admin commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from heatscore.cli import main

REPO = Path(__file__).resolve().parents[1]


def run_cli(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "heatscore.cli", *arguments],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_bad_setting_named_in_chinese():
    result = run_cli("score", "--from", "2025-01-01", "--to", "2025-01-02", env={"HEATSCORE_MQTT_PORT": "abc"})

    assert result.returncode == 2
    assert "HEATSCORE_MQTT_PORT：必须是整数" in result.stderr


def test_out_of_range_setting_named():
    result = run_cli("migrate", env={"HEATSCORE_INGEST_BATCH_SIZE": "0"})

    assert result.returncode == 2
    assert "HEATSCORE_INGEST_BATCH_SIZE：不得小于 1" in result.stderr


def test_help_is_chinese():
    result = run_cli("--help")

    assert result.returncode == 0
    assert "显示帮助并退出" in result.stdout
    assert "子命令" in result.stdout


def test_missing_argument_reported_in_chinese():
    result = run_cli("season", "assess")

    assert result.returncode == 2
    assert "缺少必需参数" in result.stderr


def test_bad_date_reported_in_chinese():
    result = run_cli("score", "--from", "2025-13-01", "--to", "2025-01-02")

    assert result.returncode == 2
    assert "不是有效日期" in result.stderr


def test_registry_import_and_user_add(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HEATSCORE_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.db'}")
    monkeypatch.setenv("HEATSCORE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("HEATSCORE_NEW_USER_PASSWORD", "inspector-pass-1")

    assert main(["registry", "import", str(REPO / "docs" / "samples" / "registry-sample.csv")]) == 0
    assert main(["user", "add", "li.inspector", "--role", "inspector"]) == 0
    assert main(["season", "create", "2024-2025", "--start", "2024-10-15", "--end", "2025-04-15",
                 "--rubric", "baotou-2024"]) == 0

    output = capsys.readouterr().out
    assert "已创建用户 li.inspector" in output
    assert "已建立供暖期 2024-2025" in output


def test_duplicate_season_is_a_chinese_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HEATSCORE_DATABASE_URL", f"sqlite:///{tmp_path / 'registry.db'}")
    arguments = ["season", "create", "2024-2025", "--start", "2024-10-15", "--end", "2025-04-15", "--rubric", "baotou-2024"]

    assert main(arguments) == 0
    assert main(arguments) == 1
    assert "错误：" in capsys.readouterr().err


@pytest.mark.services
def test_replay_publishes_every_real_reading(service_settings, monkeypatch, capsys):
    monkeypatch.setenv("HEATSCORE_MQTT_TOPIC_PREFIX", service_settings.mqtt_topic_prefix)

    assert main(["replay", "--season-year", "2024"]) == 0

    output = capsys.readouterr().out
    assert "回放 2024-2025 供暖期：38,705 条读数" in output
    assert "已发布 38,705 条" in output


def test_replay_rejects_negative_speed(capsys):
    assert main(["replay", "--speed", "-1"]) == 2
    assert "--speed 不能为负数" in capsys.readouterr().err
