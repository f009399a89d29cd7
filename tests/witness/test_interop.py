"""Fixtures the kit's JavaScript tests read (witness/test/): made by Python, checked here to be what
Python makes today, so the JavaScript is compared with the real Python output both ways."""

from __future__ import annotations

import base64
import json

import raptorq

from roshan.bundle import tarstream
from tests.witness.conftest import VECTORS

LENGTH, T, REPAIR = 20_000, 688, 40
TAR_NAMES = ["photo.jpg", "manifest.json", "عکس تظاهرات.jpg", "a" * 120 + ".mp4", "2-video 😀.mp4"]


def python_raptorq() -> dict[str, object]:
    data = bytes((i * 7 + 3) & 255 for i in range(LENGTH))
    packets = raptorq.Encoder.with_defaults(data, T).get_encoded_packets(REPAIR)
    return {"length": LENGTH, "T": T, "packets": [base64.b64encode(bytes(p)).decode() for p in packets]}


def python_tar() -> dict[str, str]:
    return {name: base64.b64encode(tarstream.header(name, 1234)).decode() for name in TAR_NAMES}


def test_raptorq_fixture_is_pythons_output() -> None:
    committed = json.loads((VECTORS / "python-raptorq.json").read_text())
    assert committed == python_raptorq(), "regenerate with: uv run python -m tests.witness.test_interop"
    esis = [int.from_bytes(base64.b64decode(p)[1:4], "big") for p in committed["packets"]]  # type: ignore[attr-defined]
    k = -(-LENGTH // T)
    assert esis == list(range(k + REPAIR)), "RFC 6330 numbering: repair symbols follow K directly"


def test_tar_fixture_is_pythons_output() -> None:
    assert json.loads((VECTORS / "python-tar.json").read_text()) == python_tar()


if __name__ == "__main__":
    (VECTORS / "python-raptorq.json").write_text(json.dumps(python_raptorq()) + "\n")
    (VECTORS / "python-tar.json").write_text(json.dumps(python_tar(), ensure_ascii=False, indent=1) + "\n")
