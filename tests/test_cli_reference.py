"""docs/cli.md is generated from the commands; it must not drift from them."""

from pathlib import Path

from roshan.cli.reference import render


def test_cli_reference_is_current() -> None:
    committed = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate: uv run python -m roshan.cli.reference > docs/cli.md"


def test_grouped_verbs_list_their_own_options() -> None:
    text = render()
    for verb, options in (
        ("publish", ["--out", "--lang", "--json"]),
        ("witness-kit", ["--to", "--relay", "--lang", "-o / --out"]),
    ):
        section = text.split(f"## `roshan {verb}`\n", 1)[1].split("\n## ", 1)[0]
        for option in options:
            assert f"`{option}`" in section, (verb, option)
