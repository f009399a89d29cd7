"""`roshan witness-kit` and `roshan witness-kit verify` through the real command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from roshan.witness import kit as kitlib
from tests.conftest import CliHome
from tests.helpers import run_roshan

ROOT = Path(__file__).parents[2]


@pytest.fixture
def home(cli_home: CliHome) -> CliHome:
    run_roshan("init", env=cli_home.env)
    return cli_home


def test_default_name_title_and_verify_against_keys_show(home: CliHome, tmp_path: Path) -> None:
    proc = run_roshan("witness-kit", "--relay", "https://relay.example.org/", env=home.env, cwd=tmp_path)
    (made,) = list(tmp_path.glob("*.html"))
    assert re.fullmatch(r"[0-9a-f]{8}\.html", made.name), "a neutral random name"
    html = made.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*)</title>", html)
    assert title and title.group(1) in kitlib.TITLES, "the title says nothing about its purpose"
    assert "roshan" not in title.group(1).lower() and len(made.read_bytes()) <= 1 << 20
    assert str(made.name) in proc.stdout
    shown = json.loads(run_roshan("keys", "show", "--json", env=home.env).stdout)
    res = run_roshan(
        "witness-kit", "verify", str(made), "--key", str(home.root / "publish.pub"), "--json", env=home.env
    )
    data = json.loads(res.stdout)
    assert data["genuine"] is True and data["checked_against_key"] is True
    assert data["publish"] == shown["publish"]
    assert [r["fingerprint"] for r in data["recipients"]] == [
        r["fingerprint"] for r in shown["recipients"] if r["current"]
    ]
    assert data["relays"] == ["https://relay.example.org"]
    text = run_roshan("witness-kit", "verify", str(made), env=home.env).stdout
    assert "genuine" in text and shown["publish"]["fingerprint"] in text and "out of band" in text


def test_titled_english_kit(home: CliHome, tmp_path: Path) -> None:
    out = tmp_path / "kit.html"
    run_roshan("witness-kit", "-o", str(out), "--lang", "en", "--title", "Roshan witness kit", env=home.env)
    html = out.read_text(encoding="utf-8")
    assert "<title>Roshan witness kit</title>" in html and '"lang":"en"' in html


def test_damaged_forged_and_foreign_files_are_refused(
    home: CliHome,
    new_home,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    good = tmp_path / "good.html"
    run_roshan("witness-kit", "-o", str(good), env=home.env)
    key = str(home.root / "publish.pub")
    html = good.read_text(encoding="utf-8")
    cases = {
        "damaged": html.replace("box-sizing", "box-sizinq", 1),
        "cut": html[: len(html) // 2],
        "added script": html.replace("</body>", "<script>steal()</script>\n</body>"),
        "unsigned": html[: html.rindex("<!--kit-signature:")],
        "config swapped": re.sub(
            r'"recipients":\["age1[a-z0-9]+"\]', '"recipients":["age1' + "q" * 58 + '"]', html
        ),
    }
    for what, text in cases.items():
        bad = tmp_path / f"{what}.html"
        bad.write_text(text, encoding="utf-8")
        res = run_roshan("witness-kit", "verify", str(bad), "--key", key, "--json", env=home.env, check=False)
        assert res.returncode == 1 and json.loads(res.stdout)["genuine"] is False, what
    # a kit forged by someone else, sealing to their key: genuine-looking on its own, caught by --key
    other = new_home("other")
    run_roshan("init", env=other.env)
    forged = tmp_path / "forged.html"
    run_roshan("witness-kit", "-o", str(forged), env=other.env)
    assert run_roshan("witness-kit", "verify", str(forged), env=home.env).returncode == 0
    res = run_roshan("witness-kit", "verify", str(forged), "--key", key, env=home.env, check=False)
    assert res.returncode == 1 and "forged" in res.stdout
    binary = tmp_path / "x.html"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert run_roshan("witness-kit", "verify", str(binary), env=home.env, check=False).returncode == 1


def test_bad_input_is_one_line(home: CliHome, tmp_path: Path, cli_home: CliHome) -> None:
    for args, words in (
        (["--relay", "ftp://x"], "not a relay address"),
        (["--lang", "de"], "--lang takes fa or en"),
        (["--title", "<script>"], "title"),
        (["--to", str(tmp_path / "missing.pub")], "cannot read recipients file"),
    ):
        res = run_roshan("witness-kit", "-o", str(tmp_path / "k.html"), *args, env=home.env, check=False)
        assert res.returncode == 1 and words in res.stderr and len(res.stderr.strip().splitlines()) == 1, (
            res.stderr
        )
    res = run_roshan("witness-kit", "verify", str(tmp_path / "none.html"), env=home.env, check=False)
    assert res.returncode == 1 and res.stderr.startswith("BadInput: cannot read")
    assert not (tmp_path / "k.html").exists()


def test_no_home_is_refused(new_home, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = run_roshan("witness-kit", "-o", str(tmp_path / "k.html"), env=new_home("nowhere").env, check=False)
    assert res.returncode == 1 and "HomeError" in res.stderr


def test_shipped_template_matches_the_build_skeleton() -> None:
    template = kitlib.template()
    assert kitlib._KIT.fullmatch(template), "the template fits the skeleton the signature is defined on"
    assert len(template.encode()) <= 1 << 20, "the kit stays under 1 MB"
    assert json.loads((ROOT / "witness" / "package.json").read_text())["scripts"]["build"] == "node build.mjs"
