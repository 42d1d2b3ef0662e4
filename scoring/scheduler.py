"""The scheduler process: runs the scoring jobs on local-time cron triggers.

Exactly one scheduler may run per deployment. With PostgreSQL the lock is a session-level
advisory lock, so it holds across hosts; with SQLite it is an exclusive file lock on the
data folder, which only holds on one host.
"""

from __future__ import annotations

import fcntl
import logging
from contextlib import contextmanager
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from scoring.jobs import run_daily_rollup, run_late_data_check
from settings import Settings

logger = logging.getLogger(__name__)

# 00:30 local: late enough that devices uploading each quarter hour have sent the last
# readings of the day, early enough that the day's figures are ready in the morning.
DAILY_ROLLUP_TRIGGER = {"hour": 0, "minute": 30}
# Every six hours the late-data check recomputes days whose raw readings changed.
LATE_DATA_TRIGGER = {"hour": "6,12,18", "minute": 45}
SCHEDULER_LOCK_KEY = 0x48454154  # "HEAT"


class SchedulerAlreadyRunning(RuntimeError):
    """Raised when another scheduler holds the lock."""


@contextmanager
def single_scheduler_lock(settings: Settings) -> Iterator[None]:
    """Hold the deployment-wide scheduler lock for the life of the block."""
    if settings.database_url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        engine = create_engine(settings.database_url)
        try:
            with engine.connect() as connection:
                locked = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULER_LOCK_KEY}).scalar()
                if not locked:
                    raise SchedulerAlreadyRunning("另一个调度进程正在运行（PostgreSQL 咨询锁已被占用）")
                try:
                    yield
                finally:
                    # A session-level lock outlives the block on a pooled connection unless released.
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEDULER_LOCK_KEY})
        finally:
            engine.dispose()
        return

    lock_path = settings.data_dir / "scheduler" / "scheduler.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SchedulerAlreadyRunning(f"另一个调度进程正在运行（锁文件 {lock_path} 已被占用）") from None
        yield


def run_scheduler(settings: Settings) -> None:
    """Catch up on missed days, then run the daily jobs until interrupted."""
    zone = ZoneInfo(settings.timezone)
    with single_scheduler_lock(settings):
        run_daily_rollup(settings)

        # One worker thread: the jobs share the rollup state file, so they never overlap.
        scheduler = BlockingScheduler(timezone=zone, executors={"default": ThreadPoolExecutor(1)})
        scheduler.add_job(
            run_daily_rollup,
            CronTrigger(timezone=zone, **DAILY_ROLLUP_TRIGGER),
            args=[settings],
            id="daily-rollup",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=6 * 3600,
        )
        scheduler.add_job(
            run_late_data_check,
            CronTrigger(timezone=zone, **LATE_DATA_TRIGGER),
            args=[settings],
            id="late-data-check",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
        logger.info("scheduler started in zone %s; daily rollup at %02d:%02d",
                    settings.timezone, DAILY_ROLLUP_TRIGGER["hour"], DAILY_ROLLUP_TRIGGER["minute"])
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            logger.info("scheduler stopped")
