"""The relay, served for real on loopback: limits, tokens, restarts, resumable send, pull."""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyrage
import pytest

from roshan.relay.client import pull, send

ROSHAN = [sys.executable, "-m", "roshan.cli.main"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Relay:
    def __init__(self, data: Path, *extra: str) -> None:
        self.data, self.extra = data, extra
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Relay:
        self.proc = subprocess.Popen(
            [*ROSHAN, "relay", "serve", "--data", str(self.data), "--port", str(self.port), *self.extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(100):
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=0.5).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("relay did not start")

    def stop(self) -> str:
        assert self.proc is not None
        self.proc.terminate()
        _, errors = self.proc.communicate(timeout=10)
        return errors.decode()

    @property
    def token(self) -> str:
        return (self.data / "archive-token").read_text().strip()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Relay]:
    r = Relay(tmp_path / "relay").start()
    yield r
    r.stop()


def _sealed(tmp: Path, size: int = 300_000, name: str = "s.bin") -> Path:
    p = tmp / name
    p.write_bytes(pyrage.encrypt(os.urandom(size), [pyrage.x25519.Identity.generate().to_public()]))
    return p


def _put(url: str, body: bytes) -> httpx.Response:
    return httpx.put(f"{url}/v1/fragments/{hashlib.sha256(body).hexdigest()}", content=body)


def test_token_file_and_authorisation(relay: Relay) -> None:
    assert os.stat(relay.data / "archive-token").st_mode & 0o777 == 0o600
    body = b"opaque ciphertext fragment"
    fid = hashlib.sha256(body).hexdigest()
    assert _put(relay.url, body).status_code == 201
    assert _put(relay.url, body).status_code == 200, "idempotent"
    assert httpx.head(f"{relay.url}/v1/fragments/{fid}").status_code == 200
    assert httpx.get(f"{relay.url}/v1/fragments").status_code == 401
    assert (
        httpx.get(f"{relay.url}/v1/fragments/{fid}", headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )
    auth = {"Authorization": f"Bearer {relay.token}"}
    assert httpx.get(f"{relay.url}/v1/fragments", headers=auth).json() == {"fragments": [fid]}
    assert httpx.get(f"{relay.url}/v1/fragments/{fid}", headers=auth).content == body
    assert httpx.delete(f"{relay.url}/v1/fragments/{fid}").status_code == 401
    assert httpx.delete(f"{relay.url}/v1/fragments/{fid}", headers=auth).status_code == 204
    assert httpx.put(f"{relay.url}/v1/fragments/{'0' * 64}", content=b"x").status_code == 400, (
        "id must match body"
    )
    assert httpx.put(f"{relay.url}/v1/fragments/../../etc", content=b"x").status_code in (400, 404)


def test_oversized_bodies_and_floods(tmp_path: Path) -> None:
    r = Relay(tmp_path / "r", "--max-fragment", "1000", "--rate", "20", "--quota-mb", "1").start()
    try:
        assert _put(r.url, os.urandom(1001)).status_code == 413
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(lambda _: _put(r.url, os.urandom(100)).status_code, range(200)))
        assert codes.count(429) > 0 and codes.count(201) >= 20
        assert all(c in (201, 429) for c in codes)
        time.sleep(2)
        assert _put(r.url, os.urandom(100)).status_code == 201, "the bucket refills"
    finally:
        errors = r.stop()
    assert "127.0.0.1" not in errors, "no client addresses in the relay's output"


def test_quota(tmp_path: Path) -> None:
    r = Relay(tmp_path / "r", "--quota-mb", "1").start()
    try:
        codes = [_put(r.url, os.urandom(300_000)).status_code for _ in range(5)]
        assert codes[:3] == [201, 201, 201] and 507 in codes[3:]
    finally:
        r.stop()


def test_send_resumes_and_pull_rebuilds_across_relays_and_a_restart(tmp_path: Path) -> None:
    a = Relay(tmp_path / "a").start()
    b = Relay(tmp_path / "b").start()
    sealed = _sealed(tmp_path)
    try:
        first = send(sealed, [a.url, b.url])
        assert first.sent == first.fragments and all(n > 0 for n in first.per_relay.values())
        a.stop()  # relay restarted mid-transfer: what it acknowledged is kept
        a.start()
        again = send(sealed, [a.url, b.url])
        assert (again.sent, again.already) == (0, first.fragments)
        for p in list((a.data / "fragments").iterdir())[:3]:  # a few lost on one relay
            p.unlink()
        resumed = send(sealed, [a.url, b.url])
        assert resumed.sent == 3
        out = tmp_path / "pulled"
        res = pull([(a.url, a.token), (b.url, b.token)], out, delete=True)
        assert res.rebuilt == [str(next(out.iterdir()))]
        assert Path(res.rebuilt[0]).read_bytes() == sealed.read_bytes()
        auth = {"Authorization": f"Bearer {a.token}"}
        assert httpx.get(f"{a.url}/v1/fragments", headers=auth).json() == {"fragments": []}, (
            "deleted after rebuild"
        )
    finally:
        a.stop()
        b.stop()


def test_pull_reports_what_is_missing_and_unknown_token(relay: Relay, tmp_path: Path) -> None:
    from roshan.relay.client import RelayError

    sealed = _sealed(tmp_path, 200_000)
    send(sealed, [relay.url], redundancy=0.0)
    frags = sorted((relay.data / "fragments").iterdir())
    for p in frags[:2]:
        p.unlink()
    res = pull([(relay.url, relay.token)], tmp_path / "o")
    assert res.rebuilt == [] and list(res.waiting.values()) == [2]
    with pytest.raises(RelayError, match="401"):
        pull([(relay.url, "not-the-token")], tmp_path / "o")


def test_cors_for_witness_routes_only(relay: Relay) -> None:
    """The witness kit (a file:// page, origin null) may PUT and HEAD; no page may use the token routes."""
    body = b"\xd1RQ fragment"
    fid = hashlib.sha256(body).hexdigest()
    url = f"{relay.url}/v1/fragments/{fid}"
    origin = {"Origin": "null"}
    pre = httpx.options(
        url,
        headers={
            **origin,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 204
    assert pre.headers["access-control-allow-origin"] == "*"
    assert set(pre.headers["access-control-allow-methods"].replace(" ", "").split(",")) == {"PUT", "HEAD"}
    assert "authorization" not in pre.headers["access-control-allow-headers"].lower()
    put = httpx.put(url, content=body, headers={**origin, "Content-Type": "application/octet-stream"})
    assert put.status_code == 201 and put.headers["access-control-allow-origin"] == "*"
    assert httpx.head(url, headers=origin).headers["access-control-allow-origin"] == "*"
    assert httpx.get(f"{relay.url}/v1/health", headers=origin).headers["access-control-allow-origin"] == "*"
    token = (relay.data / "archive-token").read_text().strip()
    auth = {**origin, "Authorization": f"Bearer {token}"}
    for resp in (
        httpx.get(f"{relay.url}/v1/fragments", headers=auth),
        httpx.get(url, headers=auth),
        httpx.get(url, headers=origin),
        httpx.options(
            f"{relay.url}/v1/fragments", headers={**origin, "Access-Control-Request-Method": "GET"}
        ),
        httpx.delete(url, headers=auth),
    ):
        assert "access-control-allow-origin" not in resp.headers, resp.request
