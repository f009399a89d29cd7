"""Sending fragments to relays (resumable) and pulling them back (no key needed).

``send`` cuts a sealed file into fragments and spreads them over one or more relays; each
fragment is first asked for with HEAD, so after an interruption a new run sends only what is
missing (splitting a sealed file again gives the same fragments: see ``transport.split``).
``pull`` fetches every fragment a relay holds with the archive token, rebuilds whatever
transfers are complete into a folder, and says what the others still need.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from roshan.transport import Assembler, Fragment, FragmentError
from roshan.transport.errors import TransportError
from roshan.transport.split import split_file, symbol_size_for

RELAY_FRAGMENT = 60_000


class RelayError(TransportError):
    pass


def _client(proxy: str | None, timeout: float = 30.0) -> httpx.Client:
    return httpx.Client(proxy=proxy, timeout=timeout, headers={"User-Agent": "-"})


def _request(client: httpx.Client, method: str, url: str, *, tries: int = 6, **kw: object) -> httpx.Response:
    delay = 0.5
    for attempt in range(tries):
        try:
            resp = client.request(method, url, **kw)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            if attempt == tries - 1:
                raise RelayError(f"relay unreachable: {exc}") from None
        else:
            if resp.status_code == 429 or (resp.status_code >= 500 and resp.status_code != 507):
                if attempt == tries - 1:
                    return resp
                wait = float(resp.headers.get("Retry-After", delay))
                time.sleep(min(wait, 30))
            else:
                return resp
        time.sleep(delay)
        delay = min(delay * 2, 15)
    raise RelayError("relay did not answer")


@dataclass
class SendResult:
    fragments: int = 0
    sent: int = 0
    already: int = 0
    per_relay: dict[str, int] = field(default_factory=dict)


def send(
    path: Path,
    relays: list[str],
    *,
    proxy: str | None = None,
    redundancy: float = 0.5,
    progress: Callable[[int], None] | None = None,
) -> SendResult:
    if not relays:
        raise RelayError("no relay given")
    res = SendResult(per_relay={r: 0 for r in relays})
    t = symbol_size_for(RELAY_FRAGMENT)
    with _client(proxy) as client:
        for n, frag in enumerate(split_file(path, t, redundancy)):
            frame = frag.to_bytes()
            fid = hashlib.sha256(frame).hexdigest()
            relay = relays[n % len(relays)].rstrip("/")
            url = f"{relay}/v1/fragments/{fid}"
            res.fragments += 1
            if _request(client, "HEAD", url).status_code == 200:
                res.already += 1
            else:
                resp = _request(client, "PUT", url, content=frame)
                if resp.status_code not in (200, 201):
                    raise RelayError(f"{relay} refused a fragment: HTTP {resp.status_code} {resp.text[:100]}")
                res.sent += 1
                res.per_relay[relays[n % len(relays)]] += 1
            if progress:
                progress(1)
    return res


@dataclass
class PullResult:
    fetched: int = 0
    rebuilt: list[str] = field(default_factory=list)
    waiting: dict[str, int] = field(default_factory=dict)
    corrupted: int = 0


def pull(
    relays: list[tuple[str, str]],
    out: Path,
    *,
    proxy: str | None = None,
    delete: bool = False,
    progress: Callable[[int], None] | None = None,
) -> PullResult:
    """``relays`` = [(url, token)]. Rebuilt sealed files go to ``out`` as ``<transfer>.bin``."""
    out.mkdir(parents=True, exist_ok=True)
    res = PullResult()
    origin: dict[str, list[tuple[str, str]]] = {}
    tokens = {url.rstrip("/"): token for url, token in relays}
    with _client(proxy) as client, Assembler() as asm:
        for base, token in tokens.items():
            auth = {"Authorization": f"Bearer {token}"}
            listing = _request(client, "GET", f"{base}/v1/fragments", headers=auth)
            if listing.status_code == 401:
                raise RelayError(f"{base} refused the token (401)")
            if listing.status_code != 200:
                raise RelayError(f"{base}: HTTP {listing.status_code}")
            for fid in listing.json()["fragments"]:
                resp = _request(client, "GET", f"{base}/v1/fragments/{fid}", headers=auth)
                if resp.status_code != 200 or hashlib.sha256(resp.content).hexdigest() != fid:
                    res.corrupted += 1
                    continue
                res.fetched += 1
                try:
                    frag = Fragment.from_bytes(resp.content)
                except FragmentError:
                    res.corrupted += 1
                    continue
                origin.setdefault(frag.transfer_id.hex(), []).append((base, fid))
                asm.add(frag)
                if progress:
                    progress(1)
        for st in asm.status():
            if st.complete:
                dest = out / f"{st.transfer_id}.bin"
                asm.rebuild(st.transfer_id, dest)
                res.rebuilt.append(str(dest))
                if delete:
                    for base, fid in origin.get(st.transfer_id, []):
                        _request(
                            client,
                            "DELETE",
                            f"{base}/v1/fragments/{fid}",
                            headers={"Authorization": f"Bearer {tokens[base]}"},
                        )
            else:
                res.waiting[st.transfer_id] = st.missing
    return res
