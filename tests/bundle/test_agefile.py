"""Our age layer against pyrage and Debian's age, both ways, and every malformed file refused."""

from __future__ import annotations

import io
import os
import random
import subprocess
from pathlib import Path

import pyrage
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roshan.bundle import agefile
from roshan.bundle.agefile import (
    CHUNK,
    AgeError,
    ChunkWriter,
    NoMatchingKey,
    NotAge,
    PayloadReader,
    header,
    payload,
)
from tests.helpers import need_tool

IDENT = pyrage.x25519.Identity.generate()
SECRET = agefile.identity_bytes(IDENT)


def _write(path: Path, plain: bytes, recipients: list[bytes], order: random.Random | None = None) -> None:
    """Encrypt ``plain`` with ChunkWriter, handing it pieces in a shuffled order."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        w = ChunkWriter(fd, recipients, len(plain))
        pieces = []
        at = 0
        rng = order or random.Random(0)
        while at < len(plain) or not pieces:
            n = min(len(plain) - at, CHUNK * rng.randint(1, agefile.BATCH // CHUNK))
            pieces.append((at, n))
            at += n
        rng.shuffle(pieces)
        for at, n in pieces:
            buf = w.buffer()
            buf[:n] = plain[at : at + n]
            w.put(at, buf, n)
        w.close()
    finally:
        os.close(fd)


def _read(data: bytes, secrets: list[bytes] | None = None) -> bytes:
    with PayloadReader(io.BytesIO(data), secrets or [SECRET]) as r:
        return r.read()


def test_keys_decode_as_pyrage_encodes_them() -> None:
    for _ in range(20):
        ident = pyrage.x25519.Identity.generate()
        secret = agefile.identity_bytes(ident)
        public = X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw()
        assert agefile.recipient_bytes(ident.to_public()) == public
        assert agefile.bech32_encode("age", public) == str(ident.to_public())
        assert agefile.bech32_encode("age-secret-key-", secret).upper() == str(ident)


@given(st.binary(max_size=64))
def test_bech32_round_trip(data: bytes) -> None:
    text = agefile.bech32_encode("age", data)
    assert agefile.bech32_decode(text, "age") == data
    assert agefile.bech32_decode(text.upper(), "age") == data


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (lambda s: s[:-1] + ("q" if s[-1] != "q" else "p"), "checksum"),
        (lambda s: s[:5] + s[5:].upper(), "mixed case"),
        (lambda s: s.replace("age1", "agx1"), "not a age key"),
        (lambda s: s[:-2] + "b" + s[-1], "alphabet"),
    ],
)
def test_bech32_damage_is_named(text, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        agefile.recipient_bytes(text(str(IDENT.to_public())))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.sampled_from([0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 10 * CHUNK, 17 * CHUNK + 3, 40 * CHUNK])
    | st.integers(0, 3 * agefile.BATCH),
    seed=st.integers(0, 2**32),
)
def test_chunk_writer_is_age_in_any_order(tmp_path: Path, size: int, seed: int) -> None:
    plain = random.Random(seed).randbytes(size)
    path = tmp_path / f"{seed}.age"
    _write(path, plain, [agefile.recipient_bytes(IDENT.to_public())], random.Random(seed))
    data = path.read_bytes()
    header_size = data.index(b"\n", data.index(b"\n--- ") + 1) + 1
    chunks = agefile.chunk_count(size)
    assert len(data) == header_size + agefile.NONCE + size + chunks * agefile.TAG, (
        "every chunk, each tagged once"
    )
    assert pyrage.decrypt(data, [IDENT]) == plain
    assert _read(data) == plain


@settings(max_examples=30, deadline=None)
@given(size=st.integers(0, 5 * CHUNK + 17), seed=st.integers(0, 2**32))
def test_payload_reader_opens_pyrage_files(size: int, seed: int) -> None:
    plain = random.Random(seed).randbytes(size)
    other = pyrage.x25519.Identity.generate()
    data = pyrage.encrypt(plain, [other.to_public(), IDENT.to_public()])
    assert _read(data) == plain
    assert _read(data, [agefile.identity_bytes(other)]) == plain


def test_debian_age_both_ways(tmp_path: Path) -> None:
    age = need_tool("age")
    key = tmp_path / "key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    ident = next(line for line in key.read_text().splitlines() if line.startswith("AGE-SECRET"))
    secret = agefile.identity_bytes(ident)
    public = X25519PrivateKey.from_private_bytes(secret).public_key().public_bytes_raw()
    plain = random.Random(7).randbytes(3 * agefile.BATCH + 12345)
    ours = tmp_path / "ours.age"
    _write(ours, plain, [public, agefile.recipient_bytes(IDENT.to_public())], random.Random(3))
    out = subprocess.run([age, "-d", "-i", str(key), str(ours)], check=True, capture_output=True).stdout
    assert out == plain
    theirs = subprocess.run(
        [age, "-r", agefile.bech32_encode("age", public)], input=plain, check=True, capture_output=True
    ).stdout
    assert _read(theirs, [secret]) == plain


def _sealed(plain: bytes) -> bytes:
    return bytes(pyrage.encrypt(plain, [IDENT.to_public()]))


def test_wrong_key_and_not_age() -> None:
    data = _sealed(b"x" * 100)
    with pytest.raises(NoMatchingKey):
        _read(data, [agefile.identity_bytes(pyrage.x25519.Identity.generate())])
    with pytest.raises(NotAge):
        _read(b"PK\x03\x04" + data)


def test_cut_at_a_chunk_boundary_is_refused() -> None:
    """A file cut after a whole chunk still decrypts chunk by chunk: only the last-chunk flag tells."""
    data = _sealed(os.urandom(3 * CHUNK + 100))
    body = data.index(b"\n", data.index(b"--- ")) + 1 + agefile.NONCE
    cut = data[: body + 2 * agefile.SEALED_CHUNK]
    with pytest.raises(AgeError, match="last chunk"):
        _read(cut)
    with pytest.raises(AgeError, match="cut short"):
        _read(data[: body - 3])


def test_bytes_after_the_final_chunk_are_refused() -> None:
    data = _sealed(b"testimony")
    with pytest.raises(AgeError, match="authentication failed"):
        _read(data + b"\0" * 40)


def _header_lines(data: bytes) -> tuple[list[bytes], bytes]:
    end = data.index(b"\n", data.index(b"--- ")) + 1
    return data[:end].split(b"\n")[:-1], data[end:]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda ls: [ls[0], *ls[1:-1], b"--- " + b"A" * 43], "MAC does not verify"),
        (lambda ls: [ls[0], ls[-1]], "no recipient stanza"),
        (lambda ls: [ls[0], ls[1] + b"=", *ls[2:]], "padding"),
        (lambda ls: [ls[0], ls[1], ls[2][:-1] + b"B", *ls[3:]], "non-canonical|malformed|MAC"),
        (lambda ls: [ls[0], ls[1] + b" extra", *ls[2:]], "two arguments"),
        (lambda ls: [ls[0], b"-> ", *ls[1:]], "arguments"),
        (lambda ls: [ls[0], b"garbage", *ls[1:]], "unexpected line"),
        (
            lambda ls: [ls[0], *[b"-> grease " + b"x" * 60, b"A" * 64, b""] * 600, *ls[1:]],
            "longer than 64 KiB",
        ),
    ],
)
def test_damaged_headers_are_named(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    lines, payload = _header_lines(_sealed(b"x" * 1000))
    data = b"\n".join(edit(lines)) + b"\n" + payload
    with pytest.raises(AgeError, match=message):
        _read(data)


def test_unknown_stanzas_are_ignored() -> None:
    """age requires identities to skip stanzas they do not recognise (plugins, grease)."""
    plain = b"ignored stanza"
    head, file_key = header.write([agefile.recipient_bytes(IDENT.to_public())])
    lines = head.split(b"\n")
    grease = [b"-> example.org/other arg1 arg2", b"A" * 64, b"QUJD"]
    body = b"\n".join([lines[0], *grease, *lines[1:-2]]) + b"\n---"
    nonce = os.urandom(16)
    chunk = ChaCha20Poly1305(header.hkdf(file_key, nonce, b"payload")).encrypt(
        payload.chunk_nonce(0, True), plain, None
    )
    data = body + b" " + header.b64(header.header_mac(file_key, body)) + b"\n" + nonce + chunk
    assert _read(data) == plain
    assert pyrage.decrypt(data, [IDENT]) == plain
