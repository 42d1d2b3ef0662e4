"""One scheduler per deployment: the lock rejects a second holder."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.scheduler import SchedulerAlreadyRunning, single_scheduler_lock
from settings import Settings
from storage.registry.testing import temporary_database


def test_file_lock_rejects_second_scheduler(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", database_url=f"sqlite:///{tmp_path / 'registry.db'}")
    with single_scheduler_lock(settings):
        with pytest.raises(SchedulerAlreadyRunning, match="另一个调度进程正在运行"):
            with single_scheduler_lock(settings):
                pass


def test_file_lock_released_after_exit(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", database_url=f"sqlite:///{tmp_path / 'registry.db'}")
    with single_scheduler_lock(settings):
        pass
    with single_scheduler_lock(settings):
        pass


@pytest.mark.postgres
def test_advisory_lock_rejects_second_scheduler(tmp_path: Path) -> None:
    with temporary_database("postgresql", tmp_path, migrate=False) as url:
        settings = Settings(data_dir=tmp_path / "var", database_url=url)
        with single_scheduler_lock(settings):
            with pytest.raises(SchedulerAlreadyRunning, match="咨询锁"):
                with single_scheduler_lock(settings):
                    pass
        with single_scheduler_lock(settings):
            pass
