from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from roshan.archive.models.sources import Source


class Evidence(models.Model):
    """A file kept in the store under its SHA-256 (``evidence/ab/cd/<sha256>``).

    ``capture_metadata`` (time, GPS, device read from the media) stays inside the archive: it is
    never exported or published.
    """

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.BigIntegerField(_("size"))
    media_type = models.CharField(_("media type"), max_length=100, blank=True)
    original_name = models.CharField(_("original name"), max_length=300, blank=True)
    perceptual_hash = models.CharField(_("perceptual hash"), max_length=64, blank=True)
    capture_metadata = models.JSONField(_("capture metadata"), default=dict, blank=True)
    provenance = models.TextField(_("provenance"), blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.original_name or 'file'} ({self.sha256[:12]})"


class CustodyEvent(models.Model):
    """One entry of the append-only, hash-chained custody log (see ``roshan.archive.custody``).

    ``entry_hash`` = SHA-256 of the RFC 8785 canonical JSON of the entry's fields, which include
    ``prev_hash``. Unique ``seq`` and ``prev_hash`` make a fork impossible to commit even if the
    lock that serialises appends were bypassed.
    """

    class Action(models.TextChoices):
        RECEIVED = "received", _("received")
        INGESTED = "ingested", _("ingested")
        REVIEWED = "reviewed", _("reviewed")
        REDACTED = "redacted", _("redacted")
        PUBLISHED = "published", _("published")
        EXPORTED = "exported", _("exported")
        WITHDRAWN = "withdrawn", _("withdrawn")
        RESTORED = "restored", _("restored")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("when"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    user = models.CharField(_("by"), max_length=150, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, unique=True)
    entry_hash = models.CharField(_("entry hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("custody event")
        verbose_name_plural = _("custody log")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.subject or self.evidence_sha256[:12]}"


class AccessEvent(models.Model):
    """Who viewed or exported what in the workbench. Users only: no client address is kept."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.CharField(_("user"), max_length=150)
    action = models.CharField(_("action"), max_length=10)  # "view" | "export"
    model = models.CharField(_("what"), max_length=60)
    object_id = models.CharField(_("object"), max_length=60, blank=True)
    path = models.CharField(_("page"), max_length=300)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
