"""docs/cli.md is generated from the commands; it must not drift from them."""

from pathlib import Path

from roshan.cli.reference import render


def test_cli_reference_is_current() -> None:
    committed = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate: uv run python -m roshan.cli.reference > docs/cli.md"
