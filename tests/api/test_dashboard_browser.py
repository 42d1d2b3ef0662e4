"""The dashboard in headless Chromium against a live server with a seeded registry and rollups."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.app import create_app
from settings import Settings
from storage.influx import InfluxClient
from storage.registry import session_scope, upgrade_database
from tests.api.rollups import write_sample_rollups
from tests.api.seed import PASSWORD, seed_registry

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
RANGE = "from=2025-12-01&to=2025-12-14&season=2025-2026"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(private_influx_settings: Settings) -> Iterator[str]:
    """Serve the app with uvicorn on a free loopback port in a thread and yield its base URL."""
    import uvicorn

    upgrade_database(private_influx_settings.database_url)
    with session_scope(private_influx_settings.database_url) as session:
        seed_registry(session)
    with InfluxClient.from_settings(private_influx_settings) as influx:
        write_sample_rollups(influx)

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(private_influx_settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 20 s"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(live_server: str):  # noqa: ANN201 - playwright Page
    """A fresh page of headless Debian Chromium."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run 'bash deploy/test-deps.sh' as root")
    playwright_sync = pytest.importorskip("playwright.sync_api")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1360, "height": 1000}, locale="zh-CN")
        yield context.new_page()
        context.close()
        browser.close()


def _wait_for(page, name: str) -> None:  # noqa: ANN001
    page.wait_for_function(f"document.body.dataset.ready === '{name}'", timeout=15_000)
    error = page.locator("p.error").all_text_contents()
    assert not any(text.strip() for text in error), error


def _series_points(page, chart_id: str) -> list[list]:  # noqa: ANN001
    return page.evaluate(
        "(id) => echarts.getInstanceByDom(document.getElementById(id)).getOption().series.map(s => s.data)", chart_id)


def _log_in(page, base: str, username: str) -> None:  # noqa: ANN001
    page.goto(base + "/#/login")
    _wait_for(page, "login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")


def test_inspector_sees_ranking_and_company_charts(live_server: str, page) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    _log_in(page, live_server, "inspector")
    _wait_for(page, "ranking")

    ranking = _series_points(page, "chart-ranking-heating_unit")
    assert ranking == [[92.5, 70.0]]
    assert "null" not in page.inner_text("main")
    assert page.locator("table tbody tr").count() == 2
    assert "通报表扬" in page.inner_text("main")
    page.screenshot(path=str(ARTIFACTS / "ranking.png"), full_page=True)

    page.goto(f"{live_server}/#/unit/U01?{RANGE}")
    _wait_for(page, "unit")
    compliance = _series_points(page, "chart-compliance")[0]
    assert len(compliance) == 14
    assert compliance == [66.67] * 14
    low, high = _series_points(page, "chart-lowhigh")
    assert low == [33.33] * 14
    assert high == [33.33] * 14
    interruptions = _series_points(page, "chart-interruptions")[0]
    assert interruptions[2] == 1.0
    heat = _series_points(page, "chart-heat")[0]
    assert heat[0] == 0.005  # (50 + 40) GJ / 18,000 m²
    assert "92.50" in page.inner_text("#result-card")
    page.screenshot(path=str(ARTIFACTS / "company-U01.png"), full_page=True)

    page.click("a[href^='#/station/S01A']")
    _wait_for(page, "station")
    assert _series_points(page, "chart-compliance")[0] == [50.0] * 14
    page.click("a[href^='#/household/H01A2']")
    _wait_for(page, "household")
    assert _series_points(page, "chart-household")[0] == [16.0] * 14
    page.screenshot(path=str(ARTIFACTS / "household-H01A2.png"), full_page=True)


def test_inspector_and_company_submit_entries(live_server: str, page) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    _log_in(page, live_server, "company1")
    _wait_for(page, "unit")
    page.goto(f"{live_server}/#/self-assessment")
    _wait_for(page, "self-assessment")
    page.fill("#entry-points", "2")
    page.fill("#entry-note", "客服热线记录齐全")
    page.click("#entry-form button[type=submit]")
    page.wait_for_function("document.querySelectorAll('#entry-list tbody tr').length === 1", timeout=10_000)
    assert "已保存为草稿" in page.inner_text("#entry-message")
    page.screenshot(path=str(ARTIFACTS / "self-assessment.png"), full_page=True)
    page.click("#entry-list button:has-text('提交')")
    page.wait_for_function("document.querySelector('#entry-list tbody').innerText.includes('已提交')", timeout=10_000)

    page.click("#who button")
    _log_in(page, live_server, "inspector")
    _wait_for(page, "ranking")
    page.goto(f"{live_server}/#/entries")
    _wait_for(page, "entries")
    page.click("#entry-list tr:has-text('U01') button:has-text('采纳')")
    page.wait_for_function("document.querySelector('#entry-list tbody').innerText.includes('已采纳')", timeout=10_000)
    page.select_option("#entry-unit", "U02")
    page.select_option("#entry-code", label="文明服务（service_courtesy）")
    page.fill("#entry-points", "1.5")
    page.set_input_files("#entry-file", files=[{"name": "检查记录.pdf", "mimeType": "application/pdf",
                                                 "buffer": b"%PDF-1.4\n% inspection\n"}])
    page.click("#entry-form button[type=submit]")
    page.wait_for_function("document.querySelector('#entry-list tbody').innerText.includes('检查记录.pdf')",
                           timeout=10_000)
    page.screenshot(path=str(ARTIFACTS / "manual-entries.png"), full_page=True)
