"""Sealed reports: what a witness sends (DESIGN.md, "bundle"). Pure: never imports Django.

A sealed report is an age file whose plaintext is a POSIX tar: ``manifest.json`` (RFC 8785
canonical JSON), ``manifest.sig`` (Ed25519 over those bytes), then the attachments. See
docs/bundle-format.md. ``seal`` writes one, ``open_report`` checks and unpacks one.
"""

from roshan.bundle.device import DeviceKey
from roshan.bundle.manifest import FORMAT, VERSION, ReportInput, validate_report
from roshan.bundle.opener import OpenedReport, open_report
from roshan.bundle.sealer import Attachment, seal

__all__ = [
    "FORMAT",
    "VERSION",
    "Attachment",
    "DeviceKey",
    "OpenedReport",
    "ReportInput",
    "open_report",
    "seal",
    "validate_report",
]
