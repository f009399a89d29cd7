from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceList(models.Model):
    """A named list ("HRANA", "witness reports"): the unit multiple-systems estimation treats as one system."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation's list")
        WITNESS = "witness", _("witness reports")
        NEWS = "news", _("news reports")
        COURT = "court", _("court documents")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    simulated = models.BooleanField(
        _("simulated"), default=False, help_text=_("Example data, not real people.")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("list")
        verbose_name_plural = _("lists")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (SIMULATED)" if self.simulated else self.name

    WITNESS_LABEL = "witness testimony"

    @classmethod
    def public_label(cls, kind: str, name: str) -> str:
        """How pages, downloads and dossiers cite a list: a witness report only as testimony."""
        return cls.WITNESS_LABEL if kind == cls.Kind.WITNESS else name


class Source(models.Model):
    """One delivery of information: a version of an organisation's list, one witness report, ...

    Never edited after ingest. A newer version of a list is a new Source whose ``supersedes``
    points at the old one; the old one's records stay for audit but are no longer counted.
    """

    source_list = models.ForeignKey(
        SourceList, on_delete=models.PROTECT, related_name="sources", verbose_name=_("list")
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    current = models.BooleanField(_("current"), default=True, db_index=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=300, blank=True)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True, db_index=True)
    channel = models.CharField(_("channel"), max_length=40, blank=True)
    report_id = models.CharField(_("report id"), max_length=64, blank=True, db_index=True)
    device_fingerprint = models.CharField(
        _("device key fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("Groups reports from one device without saying who holds it. Never exported."),
    )
    row_count = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="source_name_version")]
        ordering = ["name", "-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
