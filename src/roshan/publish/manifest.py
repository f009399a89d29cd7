"""The signed manifest of a published site, and checking a mirror against it.

``manifest.json`` lists the SHA-256 of every file (sorted, canonical JSON) and the paths withdrawn
since earlier builds (consent withdrawn, takedowns) so mirrors can delete them; ``manifest.sig``
is the archive's Ed25519 publishing-key signature over manifest.json's exact bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"


def file_hashes(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_file() and rel not in (MANIFEST, SIGNATURE):
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def write(root: Path, key: SigningKey, withdrawn: list[str], files: dict[str, str] | None = None) -> bytes:
    """Sign the manifest of ``root``; ``files`` are its hashes when the caller already has them."""
    body = json.dumps(
        {
            "format": "roshan-site/1",
            "files": files if files is not None else file_hashes(root),
            "withdrawn": sorted(set(withdrawn)),
            "public_key": base64.b64encode(bytes(key.verify_key)).decode(),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    (root / MANIFEST).write_bytes(body)
    (root / SIGNATURE).write_bytes(base64.b64encode(key.sign(body).signature) + b"\n")
    return body


@dataclass
class Check:
    ok: bool
    files: int = 0
    problems: list[str] = field(default_factory=list)


def verify(root: Path, key: VerifyKey | None = None) -> Check:
    """Signature, every listed file's hash, no file that the manifest does not list."""
    try:
        body = (root / MANIFEST).read_bytes()
        sig = base64.b64decode((root / SIGNATURE).read_bytes().strip(), validate=True)
        data = json.loads(body)
    except (OSError, ValueError) as exc:
        return Check(False, 0, [f"no readable signed manifest: {exc}"])
    key = key or VerifyKey(base64.b64decode(data.get("public_key", "")))
    try:
        key.verify(body, sig)
    except BadSignatureError:
        return Check(False, 0, ["manifest signature does not verify with this key"])
    problems = []
    actual = file_hashes(root)
    for path, sha in sorted(data["files"].items()):
        if path not in actual:
            problems.append(f"missing: {path}")
        elif actual[path] != sha:
            problems.append(f"altered: {path}")
    problems += [f"not in the manifest: {p}" for p in sorted(set(actual) - set(data["files"]))]
    return Check(not problems, len(data["files"]), problems)
