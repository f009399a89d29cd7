"""Persian-aware folding and the cross-script skeleton."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roshan.examples.names import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from roshan.linkage.names import fold, fold_persian, skeleton
from roshan.linkage.places import province_code


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("علي رضايي", "علی رضایی"),  # Arabic ي
        ("كريمي", "کریمی"),  # Arabic ك
        ("حسن‌زاده", "حسن زاده"),  # ZWNJ vs space are both word joints
        ("مُحَمَّد", "محمد"),  # diacritics
        ("محـــمد", "محمد"),  # tatweel
        ("ڕەزا", "رهزا"),  # Kurdish letters
        ("۱۲۳", "123"),
    ],
)
def test_fold_persian_variants(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(
    ("fa", "latin"),
    [
        ("عرفان سلطانی", "Erfan Soltani"),
        ("عرفان سلطانی", "Erfan Soltany"),
        ("محمد", "Muhammad"),
        ("محمد", "Mohamad"),
        ("حسین", "Husain"),
        ("سید", "Sayyed"),
        ("حسن‌زاده", "Hasanzade"),
        ("رضاپور", "Rezapur"),
        ("قاسم", "Ghasem"),
        ("قاسم", "Qasem"),
        ("خسروی", "Xosravi"),
        ("عبدالله", "Abdullah"),
        ("عبد الله", "Abdollah"),
        ("فاطمه", "Fatima"),
        ("جعفری", "Ja'fari"),
    ],
)
def test_cross_script_pairs_share_a_skeleton(fa: str, latin: str) -> None:
    assert skeleton(fa) == skeleton(latin) != ""


def test_every_simulated_name_and_its_spellings_agree() -> None:
    for fa, spellings in GIVEN_MALE + GIVEN_FEMALE + SURNAMES:
        assert {skeleton(s) for s in spellings} == {skeleton(fa)}, fa


def test_different_names_differ() -> None:
    assert skeleton("مریم احمدی") != skeleton("مهدی احمدی") or skeleton("Maryam") != skeleton("Mehdi")
    assert skeleton("Karimi") != skeleton("Rahimi")


def test_latin_folding() -> None:
    assert fold("  Ḥosseinī  Ja’fari ") == "hosseini jafari"
    assert fold_persian("  علي   ") == "علی"


_PERSIAN = st.text(alphabet="ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی ", min_size=1, max_size=20)


@given(_PERSIAN, st.integers(0, 19))
def test_skeleton_ignores_zwnj_tatweel_and_arabic_letters(name: str, pos: int) -> None:
    pos = pos % (len(name) + 1)
    noisy = (name[:pos] + "\u200c\u0640" + name[pos:]).replace("ی", "ي").replace("ک", "ك")
    assert skeleton(noisy) == skeleton(name)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("تهران", "IR-23"),
        ("Tehran Province", "IR-23"),
        ("Sistan and Baluchestan", "IR-11"),
        ("سیستان و بلوچستان", "IR-11"),
        ("Mahabad", "IR-04"),
        ("زاهدان", "IR-11"),
        ("Atlantis", None),
    ],
)
def test_gazetteer(text: str, code: str | None) -> None:
    assert province_code(text) == code
