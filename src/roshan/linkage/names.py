"""Persian-aware name normalisation and a cross-script consonant skeleton.

Persian script mostly omits short vowels, so «محمد» and Mohammad / Muhammad / Mohamad share
only their consonants. Both scripts are reduced to the same **skeleton**: consonant classes with
vowels, the semivowels (و/ی, v/w/y), alef and ʿayn dropped, doubled letters collapsed and a final
h (the silent ه of «فاطمه» / Fatemeh / Fateme) removed. Latin digraphs map to one class each (kh
and x → خ, gh and q → غ/ق, sh → ش, ch → چ, zh → ژ), and the letters Persian spells several ways
share a class (ث س ص → s, ت ط → t, ذ ز ض ظ → z, ح ه → h).

Before that, Persian text is folded: Arabic «ي ى ك ة» to Persian «ی ک ه», hamza forms to their
base, Kurdish and Baluchi letters (ە ێ ۆ ڕ ڵ) to their Persian counterparts, diacritics, tatweel
and ZWNJ removed, digits made ASCII. Latin text loses case, accents and apostrophes.
Phonetic keys built for English fail on Persian (nomenklatura #284); this one is tested on it.
"""

from __future__ import annotations

import re
import unicodedata

from roshan.linkage.digits import to_ascii_digits

_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "آ": "ا",
        "ؤ": "و",
        "ە": "ه",
        "ێ": "ی",
        "ۆ": "و",
        "ڕ": "ر",
        "ڵ": "ل",
        "ڤ": "و",
        "ھ": "ه",
        "ہ": "ه",
        "ی": "ی",
        "\u0640": None,
        "\u200c": None,
        "\u200d": None,
        "\u200f": None,
        "\u200e": None,
    }
)
_DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"\s+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")

_FA_SKELETON = {
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ط": "t",
    "ث": "s",
    "س": "s",
    "ص": "s",
    "ج": "j",
    "چ": "č",
    "ح": "h",
    "ه": "h",
    "خ": "x",
    "د": "d",
    "ذ": "z",
    "ز": "z",
    "ض": "z",
    "ظ": "z",
    "ر": "r",
    "ژ": "ž",
    "ش": "š",
    "غ": "q",
    "ق": "q",
    "ف": "f",
    "ک": "k",
    "گ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
}
_LATIN_DIGRAPHS = [("kh", "x"), ("gh", "q"), ("sh", "š"), ("ch", "č"), ("zh", "ž"), ("ph", "f"), ("ck", "k")]
_LATIN_SKELETON = {
    "b": "b",
    "p": "p",
    "t": "t",
    "s": "s",
    "c": "k",
    "j": "j",
    "h": "h",
    "x": "x",
    "d": "d",
    "z": "z",
    "r": "r",
    "q": "q",
    "f": "f",
    "k": "k",
    "g": "g",
    "l": "l",
    "m": "m",
    "n": "n",
    "š": "š",
    "č": "č",
    "ž": "ž",
}


def is_persian(text: str) -> bool:
    return bool(_ARABIC.search(text))


def fold_persian(text: str) -> str:
    """Persian script in one canonical spelling, words separated by single spaces."""
    text = unicodedata.normalize("NFKC", to_ascii_digits(text))
    text = _DIACRITICS.sub("", text).translate(_FOLD)
    return _SPACES.sub(" ", text).strip()


def fold_latin(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"['’`ʼʿ]", "", plain)
    plain = re.sub(r"[^a-z0-9]+", " ", plain)
    return plain.strip()


def fold(text: str) -> str:
    return fold_persian(text) if is_persian(text) else fold_latin(text)


def _collapse(chars: list[str]) -> str:
    out: list[str] = []
    for c in chars:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _skeleton_word_fa(word: str) -> str:
    s = _collapse([_FA_SKELETON[c] for c in word if c in _FA_SKELETON])
    return s[:-1] if s.endswith("h") and len(s) > 1 else s


def _skeleton_word_latin(word: str) -> str:
    for a, b in _LATIN_DIGRAPHS:
        word = word.replace(a, b)
    s = _collapse([_LATIN_SKELETON[c] for c in word if c in _LATIN_SKELETON])
    return s[:-1] if s.endswith("h") and len(s) > 1 else s


def skeleton(name: str) -> str:
    """The cross-script key of a full name: comparable between «عبدالله» and "Abdullah".

    Word boundaries are dropped (compound names are written joined, split or with ZWNJ), so the
    key of «حسن‌زاده», «حسن زاده» and "Hassan Zadeh" is one string.
    """
    if not name.strip():
        return ""
    if is_persian(name):
        return "".join(_skeleton_word_fa(w) for w in fold_persian(name).split(" "))
    return "".join(_skeleton_word_latin(w) for w in fold_latin(name).split(" "))


def skeleton_tokens(name: str) -> list[str]:
    """Per-word skeletons (for blocking on the first or last name)."""
    if is_persian(name):
        return [s for s in (_skeleton_word_fa(w) for w in fold_persian(name).split(" ")) if s]
    return [s for s in (_skeleton_word_latin(w) for w in fold_latin(name).split(" ")) if s]
