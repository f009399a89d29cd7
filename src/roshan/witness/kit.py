"""Making and verifying a witness kit (docs/witness-kit.md).

A kit is the shipped template (``kit-template.html``, built by ``witness/build.mjs``) with four
texts in a fixed skeleton: the title, the style, the config (the archive's age recipients, relay
addresses, language and the publishing key, as JSON) and the code. The archive's Ed25519
publishing key signs

    b"roshan-witness-kit/1\\n" + for each of title, style, config, code: 8-byte big-endian length + UTF-8

and the signature is the file's last line, ``<!--kit-signature:BASE64-->``. The page reads the
same four texts from its own elements and checks the signature against the key in its config:
that catches a damaged copy, never a forged one (a forger rewrites the check too). ``verify_kit``
also demands the exact skeleton, so nothing outside the four texts can be added unnoticed; given
the archive's ``publish.pub`` it also catches a kit signed by anyone else.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import struct
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyrage
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from roshan.errors import BadInput

DOMAIN = b"roshan-witness-kit/1\n"
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; connect-src http: https:; base-uri 'none'; form-action 'none'"
)
_PARTS = ("title", "style", "config", "code")
_SKELETON = (
    '<!doctype html>\n<html>\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
    "<title>{title}</title>\n<style>{style}</style>\n</head>\n<body>\n"
    '<script type="application/json" id="kit-config">{config}</script>\n'
    '<script id="kit-code">{code}</script>\n</body>\n</html>\n'
)
_SIG_LINE = "<!--kit-signature:{sig}-->\n"
TITLES = ("notes", "document", "page", "saved page", "untitled")
LANGS = ("fa", "en")


class KitError(BadInput):
    """A kit that cannot be made (bad recipients, relay, language) or read."""


def _parts_pattern() -> re.Pattern[str]:
    out, at = [], 0
    for m in re.finditer(r"\{(\w+)\}", _SKELETON):
        out.append(re.escape(_SKELETON[at : m.start()]))
        name = m.group(1)
        out.append(f"(?P<{name}>[^<&\\r\\0]*)" if name == "title" else f"(?P<{name}>[^\\r\\0]*?)")
        at = m.end()
    out.append(re.escape(_SKELETON[at:]))
    out.append(r"(?:<!--kit-signature:(?P<sig>[A-Za-z0-9+/]{86}==)-->\n)?")
    return re.compile("".join(out), re.S)


_KIT = _parts_pattern()


def template() -> str:
    return resources.files("roshan.witness").joinpath("kit-template.html").read_text(encoding="utf-8")


def signed_message(parts: dict[str, str]) -> bytes:
    out = [DOMAIN]
    for name in _PARTS:
        data = parts[name].encode("utf-8")
        out += [struct.pack(">Q", len(data)), data]
    return b"".join(out)


def _config_text(config: dict[str, object]) -> str:
    # compact, ASCII, and no "<" so the JSON can never close its script element
    return json.dumps(config, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c")


def _check_relay(url: str) -> str:
    if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+(/[A-Za-z0-9._~\-/]*)?", url):
        raise KitError(f"not a relay address (http:// or https:// and a host): {url!r}")
    return url.rstrip("/")


def make_kit(
    recipients: list[pyrage.x25519.Recipient],
    signing: SigningKey,
    *,
    relays: list[str] | None = None,
    lang: str = "fa",
    title: str | None = None,
) -> str:
    """The kit's HTML: the template with these recipients and relays built in, signed."""
    if lang not in LANGS:
        raise KitError("--lang takes fa or en")
    if not recipients:
        raise KitError("no recipients: pass --to archive.pub")
    if title is not None and not re.fullmatch(r"[^<&\r\n\0]{0,80}", title):
        raise KitError("the title is at most 80 characters, without <, & or line breaks")
    m = _KIT.fullmatch(template())
    if m is None:
        raise KitError("the shipped kit template is damaged (rebuild: cd witness && npm ci && npm run build)")
    config = {
        "v": 1,
        "recipients": [str(r) for r in recipients],
        "relays": [_check_relay(r) for r in relays or []],
        "lang": lang,
        "publisher": base64.b64encode(bytes(signing.verify_key)).decode(),
    }
    parts = {
        "title": title if title is not None else secrets.choice(TITLES),
        "style": m["style"],
        "config": _config_text(config),
        "code": m["code"],
    }
    sig = base64.b64encode(signing.sign(signed_message(parts)).signature).decode()
    return _SKELETON.format(**parts) + _SIG_LINE.format(sig=sig)


def default_name() -> str:
    """A neutral random file name (says nothing about Roshan or its purpose)."""
    return f"{secrets.token_hex(4)}.html"


@dataclass
class KitReport:
    genuine: bool
    reason: str
    publisher: str | None = None
    recipients: list[str] = field(default_factory=list)
    relays: list[str] = field(default_factory=list)
    lang: str | None = None


def verify_kit(data: bytes, key: VerifyKey | None = None) -> KitReport:
    """Is this file a kit signed by its built-in publishing key (and by ``key``, when given)?"""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return KitReport(False, "not a witness kit (not UTF-8 text)")
    m = _KIT.fullmatch(text)
    if m is None:
        return KitReport(False, "not a witness kit, or changed outside its signed parts")
    try:
        config = json.loads(m["config"])
        publisher = str(config["publisher"])
        report = KitReport(
            False,
            "",
            publisher,
            [str(r) for r in config["recipients"]],
            [str(r) for r in config.get("relays", [])],
            str(config.get("lang")),
        )
        embedded = VerifyKey(base64.b64decode(publisher, validate=True))
    except (ValueError, KeyError, TypeError):
        return KitReport(False, "the kit's config is damaged")
    if m["sig"] is None:
        report.reason = "the kit is not signed"
        return report
    parts = {name: m[name] for name in _PARTS}
    try:
        embedded.verify(signed_message(parts), base64.b64decode(m["sig"]))
    except (BadSignatureError, ValueError):
        report.reason = "the signature does not verify: a damaged or altered copy"
        return report
    if key is not None and bytes(key) != bytes(embedded):
        report.reason = "signed by another key than the one given: a forged kit"
        return report
    report.genuine = True
    report.reason = (
        "signed by the given publishing key" if key is not None else "signed by its own publishing key"
    )
    return report


def write_kit(path: Path, html: str) -> None:
    """Write atomically (a partial file next to it, then rename)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(html, encoding="utf-8", newline="")
    partial.replace(path)
