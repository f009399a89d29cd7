"""A real browser against the real `roshan serve`: log in, see the records list in Persian."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CliHome
from tests.helpers import CHROMIUM_ARGS, need_tool, run_roshan

pytestmark = [pytest.mark.archive, pytest.mark.browser]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_login_and_read_records_in_persian(cli_home: CliHome, tmp_path: Path) -> None:
    chromium = need_tool("chromium")
    from playwright.sync_api import sync_playwright

    summary = json.loads(
        run_roshan("quickstart", "--no-serve", "--json", "--people", "120", env=cli_home.env).stdout
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "roshan.cli.main", "serve", "--port", str(port)],
        env=cli_home.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium,
                args=CHROMIUM_ARGS,
            )
            page = browser.new_page(locale="fa-IR")
            page.goto(f"http://127.0.0.1:{port}/admin/archive/record/")
            assert "/admin/login/" in page.url
            page.fill("#id_username", "admin")
            page.fill("#id_password", summary["admin_password"])
            page.click("input[type=submit]")
            page.wait_for_url("**/admin/archive/record/")
            assert page.locator("html").get_attribute("dir") == "rtl"
            assert page.locator("html").get_attribute("lang") == "fa"
            heading = page.locator("#content h1").inner_text()
            assert "سابقه" in heading or "سوابق" in heading
            rows = page.locator("#result_list tbody tr")
            assert rows.count() > 0
            first = rows.first.inner_text()
            assert any("\u0600" <= ch <= "\u06ff" for ch in first), first
            assert "SIMULATED" in page.content()
            page.screenshot(path=str(tmp_path / "records-fa.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=10)
        assert "Traceback" not in errors, errors
