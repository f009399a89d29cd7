"""Errors of sealed reports, each named for the rule it guards.

RoshanError
└── BundleError
    ├── InvalidReport         the report a witness wrote breaks the schema (names the field)
    ├── DeviceKeyError        a device key file is missing, malformed, or the passphrase is wrong
    ├── NotASealedReport      not an age file / cannot be opened with these identities
    ├── TamperedReport        the ciphertext was altered or truncated (age's authentication failed)
    ├── UnsupportedVersion    a manifest format version this code does not know
    ├── BadSignature          manifest.sig does not verify against the manifest and its device key
    ├── HashMismatch          an attachment does not match the size or SHA-256 in the manifest
    ├── UnsafeMember          a tar entry that is not a plain file with a plain name (``../x``,
    │                         ``/etc/x``, links, devices)
    ├── ManifestTooLarge      a manifest bigger than any honest report needs
    └── UnexpectedMember      members missing, out of order, or more than the manifest declares
"""

from __future__ import annotations

from roshan.errors import RoshanError


class BundleError(RoshanError):
    """A sealed report could not be made or accepted."""


class InvalidReport(BundleError):
    pass


class DeviceKeyError(BundleError):
    pass


class NotASealedReport(BundleError):
    pass


class TamperedReport(BundleError):
    pass


class UnsupportedVersion(BundleError):
    pass


class BadSignature(BundleError):
    pass


class HashMismatch(BundleError):
    pass


class UnsafeMember(BundleError):
    pass


class ManifestTooLarge(BundleError):
    pass


class UnexpectedMember(BundleError):
    pass
