"""Device keys: an Ed25519 key that signs every report a device seals.

Kept encrypted under a passphrase with age's scrypt mode (``pyrage.passphrase``), so a seized
phone does not hand over the key. The archive records the public key's fingerprint, grouping
reports from one device without learning who holds it. ``DeviceKey.anonymous()`` makes a one-time
key for a single report.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyrage
from nacl.signing import SigningKey, VerifyKey

from roshan.bundle.errors import DeviceKeyError
from roshan.files import create_new

_MAGIC = "roshan-device-key/1"


def fingerprint(public_b64: str) -> str:
    """128-bit digest of a public key, in groups of four hex digits (same as the archive keys)."""
    h = hashlib.sha256(public_b64.strip().encode()).hexdigest()[:32]
    return " ".join(h[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class DeviceKey:
    signing: SigningKey
    anonymous: bool = False

    @classmethod
    def generate(cls) -> DeviceKey:
        return cls(SigningKey.generate())

    @classmethod
    def one_time(cls) -> DeviceKey:
        return cls(SigningKey.generate(), anonymous=True)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(bytes(self.signing.verify_key)).decode()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_b64)

    def sign(self, data: bytes) -> bytes:
        return bytes(self.signing.sign(data).signature)

    def save(self, path: Path, passphrase: str) -> None:
        """Write the key encrypted under ``passphrase``; refuses to overwrite an existing file."""
        plain = f"{_MAGIC}\n{base64.b64encode(bytes(self.signing)).decode()}\n".encode()
        data = pyrage.passphrase.encrypt(plain, passphrase)
        try:
            create_new(path, data, 0o600)
        except FileExistsError:
            raise DeviceKeyError(f"refusing to overwrite existing device key {path}") from None

    @classmethod
    def load(cls, path: Path, passphrase: str) -> DeviceKey:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DeviceKeyError(f"cannot read device key {path}: {exc.strerror}") from None
        try:
            plain = pyrage.passphrase.decrypt(data, passphrase).decode()
        except Exception:
            raise DeviceKeyError(
                f"cannot open device key {path}: wrong passphrase or not a device key"
            ) from None
        magic, _, seed = plain.partition("\n")
        if magic != _MAGIC:
            raise DeviceKeyError(f"{path} is not a device key")
        return cls(SigningKey(base64.b64decode(seed.strip())))


def verify(public_b64: str, data: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(base64.b64decode(public_b64, validate=True)).verify(data, signature)
    except Exception:
        return False
    return True
