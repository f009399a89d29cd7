"""The relay's HTTP service (Starlette, served by uvicorn).

    PUT    /v1/fragments/{sha256}   anyone; body = one fragment, its SHA-256 = the id
    HEAD   /v1/fragments/{sha256}   anyone; 200 if held (lets a sender resume), else 404
    GET    /v1/fragments            archive token; ids held, oldest first
    GET    /v1/fragments/{sha256}   archive token; the fragment
    DELETE /v1/fragments/{sha256}   archive token
    GET    /v1/health               anyone
    OPTIONS /v1/fragments/{sha256}, /v1/health   CORS preflight (the witness kit, origin null)

The routes anyone may use (PUT, HEAD, health) answer with ``Access-Control-Allow-Origin: *`` and a
preflight, so the witness kit, a page opened from ``file://`` (origin ``null``), can send to a
relay. The archive's token routes never do: a browser page cannot read or delete fragments.

Limits, none relying on client addresses (behind Tor every client looks the same): a size bound
per fragment (413), a global rate (429 with Retry-After), a disk quota (507), and a retention
period after which fragments are deleted. Writes are atomic (temp file, rename), so a restart
mid-transfer loses nothing that was acknowledged.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from roshan.files import create_new

_ID = re.compile(r"^[0-9a-f]{64}$")
# For the witness-facing routes only; no credentials, so "*" is the whole of it.
CORS = {"Access-Control-Allow-Origin": "*"}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "PUT, HEAD",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Allow-Private-Network": "true",
    "Access-Control-Max-Age": "600",
}


@dataclass(frozen=True)
class RelaySettings:
    data: Path
    max_fragment: int = 1 << 20
    quota_bytes: int = 2 << 30
    retention_seconds: int = 14 * 86400
    rate_per_second: float = 500.0
    burst: int = 1000


def ensure_token(data: Path) -> str:
    """The archive's bearer token: created on first start as ``DIR/archive-token`` (0600)."""
    path = data / "archive-token"
    token = secrets.token_urlsafe(32)
    try:
        create_new(path, f"{token}\n".encode(), 0o600)
    except FileExistsError:
        return path.read_text().strip()
    return token


class _Bucket:
    """A global token bucket: fair to everyone at once, since clients cannot be told apart."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> float:
        """0 if allowed, else seconds to wait."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate


class Store:
    def __init__(self, settings: RelaySettings) -> None:
        self.s = settings
        self.dir = settings.data / "fragments"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()
        self.expire()
        self.used = sum(p.stat().st_size for p in self.dir.iterdir() if _ID.match(p.name))

    def path(self, fid: str) -> Path:
        return self.dir / fid

    def expire(self) -> None:
        cutoff = time.time() - self.s.retention_seconds
        for p in self.dir.iterdir():
            if p.name.startswith(".tmp-"):
                p.unlink(missing_ok=True)  # a write that a crash interrupted
            elif p.stat().st_mtime < cutoff:
                p.unlink(missing_ok=True)

    def put(self, fid: str, body: bytes) -> tuple[bool, bool]:
        """(stored now, over quota)."""
        final = self.path(fid)
        if final.exists():
            return False, False
        with self.lock:
            if self.used + len(body) > self.s.quota_bytes:
                return False, True
            self.used += len(body)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
        return True, False

    def delete(self, fid: str) -> bool:
        p = self.path(fid)
        try:
            size = p.stat().st_size
            p.unlink()
        except FileNotFoundError:
            return False
        with self.lock:
            self.used -= size
        return True

    def ids(self) -> list[str]:
        files = [p for p in self.dir.iterdir() if _ID.match(p.name)]
        return [p.name for p in sorted(files, key=lambda p: (p.stat().st_mtime, p.name))]


def create_app(settings: RelaySettings) -> Starlette:
    token = ensure_token(settings.data)
    store = Store(settings)
    bucket = _Bucket(settings.rate_per_second, settings.burst)

    def authorised(request: Request) -> bool:
        given = request.headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

    def denied() -> Response:
        return JSONResponse(
            {"error": "archive token required"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    async def put(request: Request) -> Response:
        resp = await _put(request)
        resp.headers.update(CORS)
        return resp

    async def preflight(request: Request) -> Response:
        return Response(status_code=204, headers=PREFLIGHT)

    async def _put(request: Request) -> Response:
        fid = request.path_params["fid"]
        if not _ID.match(fid):
            return JSONResponse({"error": "id must be the SHA-256 of the body, in hex"}, status_code=400)
        wait = bucket.take()
        if wait:
            return JSONResponse(
                {"error": "busy"}, status_code=429, headers={"Retry-After": str(max(1, round(wait)))}
            )
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_fragment):
            return JSONResponse({"error": "fragment too large"}, status_code=413)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > settings.max_fragment:
                return JSONResponse({"error": "fragment too large"}, status_code=413)
        if not body or hashlib.sha256(body).hexdigest() != fid:
            return JSONResponse({"error": "body does not match its id"}, status_code=400)
        created, full = store.put(fid, body)
        if full:
            return JSONResponse({"error": "relay is full"}, status_code=507)
        return Response(status_code=201 if created else 200)

    async def head(request: Request) -> Response:
        fid = request.path_params["fid"]
        return Response(status_code=200 if _ID.match(fid) and store.path(fid).exists() else 404, headers=CORS)

    async def get_one(request: Request) -> Response:
        if request.method == "HEAD":
            return await head(request)
        if not authorised(request):
            return denied()
        fid = request.path_params["fid"]
        if not _ID.match(fid) or not store.path(fid).exists():
            return Response(status_code=404)
        return Response(store.path(fid).read_bytes(), media_type="application/octet-stream")

    async def delete(request: Request) -> Response:
        if not authorised(request):
            return denied()
        fid = request.path_params["fid"]
        return Response(status_code=204 if _ID.match(fid) and store.delete(fid) else 404)

    async def listing(request: Request) -> Response:
        if not authorised(request):
            return denied()
        store.expire()
        return JSONResponse({"fragments": store.ids()})

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True}, headers=CORS)

    return Starlette(
        routes=[
            Route("/v1/health", health, methods=["GET"]),
            Route("/v1/health", preflight, methods=["OPTIONS"]),
            Route("/v1/fragments/{fid}", preflight, methods=["OPTIONS"]),
            Route("/v1/fragments", listing, methods=["GET"]),
            Route("/v1/fragments/{fid}", put, methods=["PUT"]),
            Route("/v1/fragments/{fid}", get_one, methods=["GET", "HEAD"]),
            Route("/v1/fragments/{fid}", delete, methods=["DELETE"]),
        ]
    )


def _config(settings: RelaySettings, host: str, port: int):  # type: ignore[no-untyped-def]
    import uvicorn

    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        server_header=False,
        date_header=False,
    )


def serve(settings: RelaySettings, host: str, port: int) -> None:
    import uvicorn

    uvicorn.Server(_config(settings, host, port)).run()


class BackgroundRelay:
    """A relay in a thread of this process, on loopback (the quickstart's demonstration relay)."""

    def __init__(self, settings: RelaySettings) -> None:
        import socket

        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = ensure_token(settings.data)
        self.server = uvicorn.Server(_config(settings, "127.0.0.1", self.port))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> BackgroundRelay:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
