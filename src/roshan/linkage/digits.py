"""Persian (۰–۹) and Arabic-Indic (٠–٩) digits, both ways."""

from __future__ import annotations

_TO_ASCII = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def to_ascii_digits(text: str) -> str:
    """Replace Persian and Arabic-Indic digits by ASCII ones; everything else is kept."""
    return text.translate(_TO_ASCII)


def to_persian_digits(text: str) -> str:
    return text.translate(_TO_PERSIAN)


def parse_int(text: str) -> int:
    """An integer written in any of the three digit sets, with spaces around it allowed.

    Raises ValueError for anything else (``"۲۳ سال"`` is not a number here: say what you mean).
    """
    cleaned = to_ascii_digits(text).strip()
    if not cleaned.isascii() or not cleaned.isdigit():
        raise ValueError(f"not a whole number: {text!r}")
    return int(cleaned)
