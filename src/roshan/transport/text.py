"""The text channel: one fragment per line, ``rq1:<base64url>:``, for any messenger or SMS.

Reading is forgiving in the ways messengers and keyboards are not: lines wrapped anywhere,
spaces and zero-width characters added, ``>`` quoting, Persian or Arabic digits typed by a
Persian keyboard (base64url has digits), a capitalised prefix. Each line's CRC then says whether
what survived is the fragment that was sent. Underscores can be eaten by messengers that read
``__x__`` as italics: send such lines as code blocks, or use the files channel there.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

from roshan.linkage.digits import to_ascii_digits

PREFIX = "rq1:"
_NOISE = re.compile(r"[\s>\u200b-\u200f\u2060\ufeff\u00a0«»]+")
_TOKEN = re.compile(r"(?i:rq1):([A-Za-z0-9_-]+):")


def encode_line(frame: bytes) -> str:
    return PREFIX + base64.urlsafe_b64encode(frame).rstrip(b"=").decode() + ":"


def frame_bytes_for(chars: int) -> int:
    """How many frame bytes fit a line of ``chars`` characters."""
    return (chars - len(PREFIX) - 1) * 3 // 4


def decode_text(text: str) -> Iterator[bytes]:
    """Every fragment frame found in ``text`` (whatever else the text holds)."""
    cleaned = _NOISE.sub("", to_ascii_digits(text))
    for m in _TOKEN.finditer(cleaned):
        body = m.group(1)
        try:
            yield base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except ValueError:
            continue
