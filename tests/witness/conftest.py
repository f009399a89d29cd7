"""A home with a witness kit made by the real command, and a phone-sized Chromium that may reach nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliHome
from tests.helpers import CHROMIUM_ARGS, need_tool, run_roshan

VECTORS = Path(__file__).parents[1] / "data" / "witness"
PHONE = {"width": 390, "height": 844}


@dataclass
class Kit:
    home: CliHome
    path: Path


def make_kit(home: CliHome, out: Path, *args: str) -> Kit:
    if not (home.root / "archive.pub").exists():
        run_roshan("init", env=home.env)
    data = json.loads(
        run_roshan(
            "witness-kit",
            "--to",
            str(home.root / "archive.pub"),
            "-o",
            str(out),
            "--json",
            *args,
            env=home.env,
        ).stdout
    )
    assert Path(data["path"]) == out
    return Kit(home, out)


@pytest.fixture
def kit(cli_home: CliHome, tmp_path: Path) -> Kit:
    return make_kit(cli_home, tmp_path / "kit.html")


@dataclass
class Browser:
    """Every request the page makes is recorded; only file:// (the kit), data: and blob: are let through,
    plus the loopback addresses a test allows."""

    context: Any
    requests: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        return [
            u
            for u in self.requests
            if not u.startswith(("file://", "data:", "blob:"))
            and not any(u.startswith(a) for a in self.allowed)
        ]


@pytest.fixture
def browser() -> Iterator[Any]:
    chromium = need_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


def phone(browser: Any, *, allowed: list[str] | None = None, init_script: str | None = None) -> Browser:
    context = browser.new_context(viewport=PHONE, accept_downloads=True, is_mobile=True, has_touch=True)
    b = Browser(context, allowed=allowed or [])
    context.on("request", lambda r: b.requests.append(r.url))

    def gate(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:")) or any(url.startswith(a) for a in b.allowed):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", gate)
    if init_script:
        context.add_init_script(init_script)
    return b
