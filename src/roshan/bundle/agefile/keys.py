"""age's key strings: Bech32 (BIP 173, without its length limit) to X25519 key bytes and back."""

from __future__ import annotations

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, g in enumerate(_GEN):
            if (top >> i) & 1:
                chk ^= g
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_decode(text: str, hrp: str) -> bytes:
    """The bytes of a Bech32 string with human-readable part ``hrp`` (case-insensitive, as age)."""
    if text != text.lower() and text != text.upper():
        raise ValueError("mixed case")
    text = text.lower()
    sep = text.rfind("1")
    if text[:sep] != hrp.lower() or len(text) - sep - 1 < 6:
        raise ValueError(f"not a {hrp} key")
    try:
        values = [_CHARSET.index(c) for c in text[sep + 1 :]]
    except ValueError:
        raise ValueError("character outside Bech32's alphabet") from None
    if _polymod(_hrp_expand(hrp.lower()) + values) != 1:
        raise ValueError("bad Bech32 checksum")
    acc, bits, out = 0, 0, bytearray()
    for v in values[:-6]:
        acc = (acc << 5) | v
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    if bits >= 5 or acc & ((1 << bits) - 1):
        raise ValueError("non-zero Bech32 padding")
    return bytes(out)


def bech32_encode(hrp: str, data: bytes) -> str:
    acc, bits, values = 0, 0, []
    for b in data:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            values.append((acc >> bits) & 31)
    if bits:
        values.append((acc << (5 - bits)) & 31)
    chk = _polymod([*_hrp_expand(hrp), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    values += [(chk >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[v] for v in values)


def recipient_bytes(recipient: object) -> bytes:
    """The X25519 public key of an ``age1…`` recipient (a string or a pyrage Recipient)."""
    key = bech32_decode(str(recipient), "age")
    if len(key) != 32:
        raise ValueError("an age X25519 recipient is 32 bytes")
    return key


def identity_bytes(identity: object) -> bytes:
    """The X25519 secret of an ``AGE-SECRET-KEY-1…`` identity (a string or a pyrage Identity)."""
    key = bech32_decode(str(identity), "age-secret-key-")
    if len(key) != 32:
        raise ValueError("an age X25519 identity is 32 bytes")
    return key
