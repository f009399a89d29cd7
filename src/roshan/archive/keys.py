"""The archive's two keys (DESIGN.md, principle 3).

- an age X25519 identity that opens sealed reports: ``keys/identity.txt`` in age's own
  identity-file format (``# created``, ``# public key``, ``AGE-SECRET-KEY-1…``), mode 0600, so
  ``age -d -i keys/identity.txt`` works. Rotation appends a new identity; older ones stay so
  older reports still open. ``archive.pub`` holds the newest recipient.
- an Ed25519 publishing key that signs what the archive publishes: ``keys/publish.key``
  (base64 seed, 0600) and ``publish.pub`` (base64 public key).

Nothing here overwrites an existing key: files are created with O_EXCL or replaced atomically
only by rotation, which keeps every old identity.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pyrage
from nacl.signing import SigningKey, VerifyKey

from roshan.archive.home import Home
from roshan.errors import KeyProblem
from roshan.files import create_new


def fingerprint(public: str) -> str:
    """A short digest of a public key to read aloud or compare out of band: ``ab12 cd34 …`` (128 bits)."""
    h = hashlib.sha256(public.strip().encode()).hexdigest()[:32]
    return " ".join(h[i : i + 4] for i in range(0, 32, 4))


def _write_new(path: Path, text: str, mode: int) -> None:
    """Create ``path`` with ``mode``; refuse to overwrite."""
    try:
        create_new(path, text.encode(), mode)
    except FileExistsError:
        raise KeyProblem(f"refusing to overwrite existing key file {path}") from None


def _replace(path: Path, text: str, mode: int) -> None:
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    _write_new(tmp, text, mode)
    os.replace(tmp, path)


def _identity_block(identity: pyrage.x25519.Identity) -> str:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return f"# created: {now}\n# public key: {identity.to_public()}\n{identity}\n"


@dataclass(frozen=True)
class KeyInfo:
    recipient: str
    fingerprint: str
    publish_public: str
    publish_fingerprint: str
    created: bool


def ensure_keys(home: Home) -> KeyInfo:
    """Create the archive's keys unless they exist; idempotent."""
    home.keys.mkdir(parents=True, exist_ok=True, mode=0o700)
    created = False
    if not home.identity.exists():
        _write_new(home.identity, _identity_block(pyrage.x25519.Identity.generate()), 0o600)
        created = True
    identities = load_identities(home)
    recipient = str(identities[-1].to_public())
    if not home.archive_pub.exists() or home.archive_pub.read_text().strip() != recipient:
        _replace(home.archive_pub, recipient + "\n", 0o644)
    if not home.publish_key.exists():
        sk = SigningKey.generate()
        _write_new(home.publish_key, base64.b64encode(bytes(sk)).decode() + "\n", 0o600)
        created = True
    pub = base64.b64encode(bytes(load_publish_key(home).verify_key)).decode()
    if not home.publish_pub.exists():
        _replace(home.publish_pub, pub + "\n", 0o644)
    if not home.django_secret.exists():
        _write_new(home.django_secret, base64.urlsafe_b64encode(os.urandom(48)).decode() + "\n", 0o600)
    return KeyInfo(recipient, fingerprint(recipient), pub, fingerprint(pub), created)


def load_identities(home: Home) -> list[pyrage.x25519.Identity]:
    """Every archive identity, oldest first."""
    if not home.identity.exists():
        raise KeyProblem(f"no archive identity at {home.identity} (run `roshan init`)")
    return load_identity_file(home.identity)


def load_identity_file(path: Path) -> list[pyrage.x25519.Identity]:
    """Identities from any age identity file (the home's, or ``--identity`` on an offline machine)."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise KeyProblem(f"cannot read identity file {path}: {exc.strerror}") from None
    out = []
    for line in text.splitlines():
        if line.startswith("AGE-SECRET-KEY-"):
            try:
                out.append(pyrage.x25519.Identity.from_str(line.strip()))
            except pyrage.IdentityError:
                raise KeyProblem(f"malformed identity in {path}") from None
    if not out:
        raise KeyProblem(f"no age identity in {path}")
    return out


def rotate(home: Home) -> KeyInfo:
    """Add a new identity (kept after the old ones) and point ``archive.pub`` at it."""
    old = home.identity.read_text()
    _replace(home.identity, old + _identity_block(pyrage.x25519.Identity.generate()), 0o600)
    return ensure_keys(home)


def load_publish_key(home: Home) -> SigningKey:
    try:
        return SigningKey(base64.b64decode(home.publish_key.read_text().strip(), validate=True))
    except FileNotFoundError:
        raise KeyProblem(f"no publishing key at {home.publish_key} (run `roshan init`)") from None
    except ValueError:
        raise KeyProblem(f"malformed publishing key in {home.publish_key}") from None


def load_verify_key(path: Path) -> VerifyKey:
    try:
        return VerifyKey(base64.b64decode(path.read_text().strip(), validate=True))
    except (OSError, ValueError) as exc:
        raise KeyProblem(f"cannot read public key {path}: {exc}") from None


def recipients_from(paths: list[Path]) -> list[pyrage.x25519.Recipient]:
    """Read ``age1…`` recipients from files (one per line, ``#`` comments allowed)."""
    out = []
    for p in paths:
        try:
            text = p.read_text()
        except OSError as exc:
            raise KeyProblem(f"cannot read recipients file {p}: {exc.strerror}") from None
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            try:
                out.append(pyrage.x25519.Recipient.from_str(line))
            except pyrage.RecipientError:
                raise KeyProblem(f"not an age X25519 recipient in {p}: {line[:20]}…") from None
    if not out:
        raise KeyProblem("no recipients given")
    return out
