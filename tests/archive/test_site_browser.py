"""The published memorial in headless Chromium from file://: direction, language, offline search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliHome
from tests.helpers import CHROMIUM_ARGS, need_tool, run_roshan

pytestmark = [pytest.mark.archive, pytest.mark.browser]


def test_memorial_from_file_urls(cli_home: CliHome, tmp_path: Path) -> None:
    chromium = need_tool("chromium")
    from playwright.sync_api import sync_playwright

    summary = json.loads(
        run_roshan("quickstart", "--no-serve", "--json", "--people", "150", env=cli_home.env).stdout
    )
    site = cli_home.root / "site"
    assert summary["site"]["victims"] > 0
    verify = run_roshan(
        "publish", "verify", str(site), "--key", str(cli_home.root / "publish.pub"), env=cli_home.env
    )
    assert "Intact" in verify.stdout
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium,
            args=CHROMIUM_ARGS,
        )
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.on("request", lambda r: requests.append(r.url))
        for lang, direction in (("fa", "rtl"), ("en", "ltr")):
            page.goto((site / lang / "index.html").as_uri())
            html = page.locator("html")
            assert (html.get_attribute("lang"), html.get_attribute("dir")) == (lang, direction)
            assert page.locator("a.lang").count() == 1, "the language switch is on every page"
            page.screenshot(path=str(tmp_path / f"home-{lang}.png"), full_page=True)
        persian_digits = (
            page.goto((site / "fa" / "index.html").as_uri()) and page.locator(".big").first.inner_text()
        )
        assert all(not c.isascii() or not c.isdigit() for c in persian_digits), persian_digits
        page.goto((site / "en" / "victims.html").as_uri())
        assert page.locator("#search").is_visible(), "search shows when JavaScript runs"
        first = json.loads((site / "search" / "index-en.js").read_text().split("=", 1)[1].rstrip(";\n"))[0]
        page.fill("#q", first["n"].split(" ")[0])
        page.wait_for_timeout(200)
        hits = page.locator("#results li")
        assert hits.count() >= 1 and first["n"].split(" ")[0] in hits.first.inner_text()
        with page.expect_navigation():
            hits.first.locator("a").click()
        assert "/en/victims/" in page.url and page.locator("h1").inner_text()
        page.screenshot(path=str(tmp_path / "victim-en.png"), full_page=True)
        browser.close()
    assert all(u.startswith(("file://", "data:")) for u in requests), [
        u for u in requests if not u.startswith("file")
    ]
