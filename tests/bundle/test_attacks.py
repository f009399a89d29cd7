"""The attack is the test: every way a sealed report can be wrong is refused with its own error."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pyrage
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roshan.bundle import DeviceKey, open_report, seal
from roshan.bundle.errors import (
    BadSignature,
    BundleError,
    HashMismatch,
    InvalidReport,
    ManifestTooLarge,
    NotASealedReport,
    TamperedReport,
    UnexpectedMember,
    UnsafeMember,
    UnsupportedVersion,
)
from roshan.bundle.manifest import canonical
from tests.bundle.conftest import manifest_for, reg, sealed_bytes, write

ATT = [("a.txt", b"attachment one"), ("b.txt", b"attachment two" * 50)]


def _open(tmp: Path, data: bytes, ident: pyrage.x25519.Identity) -> object:
    return open_report(write(tmp, data), [ident], tmp / "staging")


def _good(tmp_path: Path, archive_identity: pyrage.x25519.Identity, device_key: DeviceKey) -> bytes:
    src = []
    for name, data in ATT:
        (tmp_path / name).write_bytes(data)
        src.append(tmp_path / name)
    out = tmp_path / "good.bin"
    seal({"testimony": "SIMULATED"}, src, [archive_identity.to_public()], device_key, out)
    return out.read_bytes()


def test_wrong_key(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    data = _good(tmp_path, archive_identity, device_key)
    with pytest.raises(NotASealedReport, match="not sealed to this archive"):
        _open(tmp_path, data, pyrage.x25519.Identity.generate())
    assert not (tmp_path / "staging").exists()


@pytest.mark.parametrize("where", [0.3, 0.5, 0.9, 0.999])
def test_flipped_bit_in_payload(tmp_path: Path, archive_identity, device_key, where: float) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(_good(tmp_path, archive_identity, device_key))
    data[int(len(data) * where)] ^= 0x10
    with pytest.raises((TamperedReport, NotASealedReport)):
        _open(tmp_path, bytes(data), archive_identity)


def test_truncated(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    data = _good(tmp_path, archive_identity, device_key)
    with pytest.raises(TamperedReport):
        _open(tmp_path, data[:-50], archive_identity)


def test_not_age_at_all(tmp_path: Path, archive_identity) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotASealedReport, match="not an age-encrypted file"):
        _open(tmp_path, b"PK\x03\x04 a zip file", archive_identity)


def test_unknown_version(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    m = manifest_for(device_key, [], version=2)
    with pytest.raises(UnsupportedVersion, match="version 2"):
        _open(tmp_path, sealed_bytes(device_key, archive_identity.to_public(), manifest=m), archive_identity)


def test_signature_by_another_key(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    m = manifest_for(device_key, [])
    sig = DeviceKey.generate().sign(canonical(m))  # type: ignore[arg-type]
    with pytest.raises(BadSignature):
        _open(
            tmp_path,
            sealed_bytes(device_key, archive_identity.to_public(), manifest=m, sig=sig),
            archive_identity,
        )


def test_manifest_changed_after_signing(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    m = manifest_for(device_key, [])
    sig = device_key.sign(canonical(m))  # type: ignore[arg-type]
    m["report"] = {"testimony": "forged"}
    with pytest.raises(BadSignature):
        _open(
            tmp_path,
            sealed_bytes(device_key, archive_identity.to_public(), manifest=m, sig=sig),
            archive_identity,
        )


def test_hash_mismatch(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    m = manifest_for(device_key, [("a.txt", b"what was declared")])
    data = sealed_bytes(
        device_key, archive_identity.to_public(), [("a.txt", b"what was sent!!!!")], manifest=m
    )
    with pytest.raises(HashMismatch, match="SHA-256"):
        _open(tmp_path, data, archive_identity)


def test_size_mismatch(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    m = manifest_for(device_key, [("a.txt", b"short")])
    data = sealed_bytes(device_key, archive_identity.to_public(), [("a.txt", b"much longer")], manifest=m)
    with pytest.raises(HashMismatch, match="size"):
        _open(tmp_path, data, archive_identity)


def _member(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    return info


@pytest.mark.parametrize(
    ("info", "payload"),
    [
        (_member("../x"), b"escape"),
        (_member("/etc/x"), b"absolute"),
        (_member("sub/x"), b"nested"),
        (_member("link", tarfile.SYMTYPE, "/etc/passwd"), None),
        (_member("hard", tarfile.LNKTYPE, "manifest.json"), None),
        (_member("dev", tarfile.CHRTYPE), None),
        (_member("fifo", tarfile.FIFOTYPE), None),
        (_member("ok.txt", tarfile.GNUTYPE_SPARSE), b"sparse"),
    ],
)
def test_unsafe_members(tmp_path: Path, archive_identity, device_key, info, payload) -> None:  # type: ignore[no-untyped-def]
    declared = payload or b""
    m = manifest_for(device_key, [])
    m["attachments"] = [
        {
            "name": "ok.txt",
            "size": len(declared),
            "media_type": "text/plain",
            "sha256": __import__("hashlib").sha256(declared).hexdigest(),
        }
    ]
    data = sealed_bytes(device_key, archive_identity.to_public(), manifest=m, extra=[(info, payload)])
    with pytest.raises(UnsafeMember):
        _open(tmp_path, data, archive_identity)
    assert not (tmp_path / "staging").exists()
    assert not Path("/etc/x").exists() or Path("/etc/x").read_bytes() != b"absolute"


def test_manifest_too_large(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    # The limit is read from the tar header before the manifest is read, so 2 MiB shows what 1 GB would.
    body = b"{" + b" " * (2 << 20) + b"}"
    data = sealed_bytes(device_key, archive_identity.to_public(), body=body, sig=b"\0" * 64)
    with pytest.raises(ManifestTooLarge):
        _open(tmp_path, data, archive_identity)


def test_more_members_than_declared(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    m = manifest_for(device_key, [ATT[0]])
    data = sealed_bytes(
        device_key,
        archive_identity.to_public(),
        [ATT[0]],
        manifest=m,
        extra=[(reg("smuggled.txt"), b"not declared")],
    )
    with pytest.raises(UnexpectedMember, match="more members"):
        _open(tmp_path, data, archive_identity)


def test_fewer_members_than_declared(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    m = manifest_for(device_key, ATT)
    data = sealed_bytes(device_key, archive_identity.to_public(), [ATT[0]], manifest=m)
    with pytest.raises(UnexpectedMember, match="missing"):
        _open(tmp_path, data, archive_identity)


def test_members_out_of_order(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    m = manifest_for(device_key, [])
    body = canonical(m)  # type: ignore[arg-type]
    import pyrage as pr

    from tests.bundle.conftest import raw_tar

    tar = raw_tar([(reg("manifest.sig"), device_key.sign(body)), (reg("manifest.json"), body)])
    with pytest.raises(UnexpectedMember, match="first member"):
        _open(tmp_path, bytes(pr.encrypt(tar, [archive_identity.to_public()])), archive_identity)


def test_non_canonical_manifest(tmp_path: Path, archive_identity, device_key) -> None:  # type: ignore[no-untyped-def]
    import json

    body = json.dumps(manifest_for(device_key, []), indent=2).encode()
    data = sealed_bytes(device_key, archive_identity.to_public(), body=body, sig=device_key.sign(body))
    with pytest.raises(InvalidReport, match="canonical"):
        _open(tmp_path, data, archive_identity)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzz_mutated_plaintext_never_crashes_or_is_wrongly_accepted(
    tmp_path_factory, archive_identity, device_key, data
) -> None:  # type: ignore[no-untyped-def]
    """Mutate the plaintext tar (then re-encrypt, so age cannot catch it): the opener must refuse
    with a BundleError, or accept a report whose manifest and files are exactly the originals."""
    tmp = tmp_path_factory.mktemp("fuzz")
    good = sealed_bytes(device_key, archive_identity.to_public(), ATT)
    plain = bytearray(pyrage.decrypt(good, [archive_identity]))
    ops = data.draw(
        st.lists(st.tuples(st.integers(0, len(plain) - 1), st.integers(1, 255)), min_size=1, max_size=4)
    )
    for pos, mask in ops:
        plain[pos] ^= mask
    if data.draw(st.booleans()):
        plain = plain[: data.draw(st.integers(0, len(plain)))]
    mutated = bytes(pyrage.encrypt(bytes(plain), [archive_identity.to_public()]))
    try:
        opened = open_report(write(tmp, mutated), [archive_identity], tmp / "staging")
    except BundleError:
        return
    assert {n: p.read_bytes() for n, p in opened.files.items()} == dict(ATT)  # type: ignore[attr-defined]
    assert opened.manifest == manifest_for(device_key, ATT)  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pos=st.integers(min_value=0), mask=st.integers(1, 255))
def test_fuzz_ciphertext_bit_flips(
    tmp_path_factory, archive_identity, device_key, pos: int, mask: int
) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("fz")
    good = bytearray(sealed_bytes(device_key, archive_identity.to_public(), ATT))
    good[pos % len(good)] ^= mask
    with pytest.raises(BundleError):
        open_report(write(tmp, bytes(good)), [archive_identity], tmp / "staging")
