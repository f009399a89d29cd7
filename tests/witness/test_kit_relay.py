"""The kit sends to a relay on loopback (the only host this test lets the page reach), resumably;
the archive pulls and rebuilds exactly the saved report. An unreachable relay changes nothing."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CliHome
from tests.helpers import run_roshan
from tests.witness.conftest import VECTORS, make_kit, phone
from tests.witness.test_kit_browser import download, open_kit, seal

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_send_to_relay_resumes_and_pulls(browser: Any, cli_home: CliHome, tmp_path: Path) -> None:
    port = free_port()
    data = tmp_path / "relay"
    relay = subprocess.Popen(
        [sys.executable, "-m", "roshan.cli.main", "relay", "serve", "--data", str(data), "--port", str(port)],
        env=cli_home.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(url + "/v1/health", timeout=0.5)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        kit = make_kit(cli_home, tmp_path / "kit.html", "--relay", url, "--lang", "en")
        b = phone(browser, allowed=[url + "/"])
        page = open_kit(b, kit)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("textarea[name=relays]").input_value() == url
        seal(page, [VECTORS / "gps-orientation.jpg"], testimony="SIMULATED report for the relay")
        report = download(page, "save-report", tmp_path)
        page.click("[data-action=send]")
        page.locator("#send-status", has_text="Sent:").wait_for(timeout=60_000)
        first = str(page.locator("#send-status").text_content())
        assert ", 0 were there already" in first
        page.click("[data-action=send]")  # again: everything is there, nothing is sent twice
        page.locator("#send-status", has_text="Sent: 0 new").wait_for(timeout=60_000)
        puts = [u for u in b.requests if u.startswith(url)]
        assert puts and b.outside() == []
        b.context.close()
        proc = run_roshan(
            "pull",
            "--relay",
            url,
            "--token-file",
            str(data / "archive-token"),
            "--out",
            str(tmp_path / "pulled"),
            "--json",
            env=cli_home.env,
        )
        (rebuilt,) = json.loads(proc.stdout)["rebuilt"]
        assert Path(rebuilt).read_bytes() == report.read_bytes()
        # the token routes stay closed to pages: no CORS header on them
        listing = httpx.get(url + "/v1/fragments", headers={"Origin": "null"})
        assert listing.status_code == 401 and "access-control-allow-origin" not in listing.headers
    finally:
        relay.terminate()
        relay.wait(timeout=10)


def test_unreachable_relay_leaves_the_report(browser: Any, cli_home: CliHome, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    kit = make_kit(cli_home, tmp_path / "kit.html")
    b = phone(browser, allowed=[url + "/"])
    page = open_kit(b, kit)
    page.click("[data-action=lang]")
    seal(page, [], testimony="SIMULATED testimony, no attachment")
    (tmp_path / "first").mkdir()
    before = download(page, "save-report", tmp_path / "first")
    page.fill("textarea[name=relays]", url)
    page.click("[data-action=send]")
    page.locator("#send-status", has_text="cannot be reached").wait_for(timeout=60_000)
    after = download(page, "save-report", tmp_path)
    assert after.read_bytes() == before.read_bytes(), "the saved report is as it was"
    assert b.outside() == []
    b.context.close()
