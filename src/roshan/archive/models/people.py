from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from roshan.archive.models.common import DatedMixin, ReviewStatus, Status
from roshan.archive.models.sources import Source


class Person(DatedMixin, models.Model):
    """One real individual: a cluster of Records plus a curated profile."""

    name_fa = models.CharField(_("name (Persian)"), max_length=300, blank=True)
    name_latin = models.CharField(_("name (Latin)"), max_length=300, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=20, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.KILLED)
    story_fa = models.TextField(_("story (Persian)"), blank=True)
    story_en = models.TextField(_("story (English)"), blank=True)
    photo = models.ForeignKey("Evidence", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    photo_consent = models.BooleanField(_("family consented to the photo"), default=False)
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        permissions = [
            ("review_person", _("Can review persons")),
            ("publish_person", _("Can publish persons")),
        ]

    def __str__(self) -> str:
        return self.name_fa or self.name_latin or f"#{self.pk}"


class Record(DatedMixin, models.Model):
    """What one Source says about one person, exactly as written. Never merged or overwritten."""

    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="records", verbose_name=_("source")
    )
    external_id = models.CharField(_("row id in the list"), max_length=100, blank=True, db_index=True)
    line = models.PositiveIntegerField(_("line in the file"), null=True, blank=True)
    name_fa = models.CharField(_("name (Persian)"), max_length=300, blank=True)
    name_latin = models.CharField(_("name (Latin)"), max_length=300, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=20, blank=True)
    date_as_written = models.CharField(_("date as written"), max_length=60, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    circumstance = models.TextField(_("circumstance"), blank=True)
    extra = models.JSONField(_("other columns"), default=dict, blank=True)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
        verbose_name=_("person"),
    )

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        indexes = [models.Index(fields=["source", "external_id"])]

    def __str__(self) -> str:
        return self.name_fa or self.name_latin or _("(no name)")


class Incident(DatedMixin, models.Model):
    """What happened, when and where, to whom."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    persons = models.ManyToManyField(Person, blank=True, related_name="incidents", verbose_name=_("persons"))
    records = models.ManyToManyField(Record, blank=True, related_name="incidents", verbose_name=_("records"))
    sources = models.ManyToManyField(Source, blank=True, related_name="incidents", verbose_name=_("sources"))
    evidence = models.ManyToManyField(
        "Evidence", blank=True, related_name="incidents", verbose_name=_("evidence")
    )
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return self.title


class ReviewPair(models.Model):
    """Two records the linker was unsure about, waiting for (or carrying) a reviewer's decision.

    Decisions are constraints on every later run: "same" joins the records, "different" keeps
    them apart, and both are labels that sharpen the model.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        SAME = "same", _("same person")
        DIFFERENT = "different", _("not the same")
        UNSURE = "unsure", _("unsure")

    record_a = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="+", verbose_name=_("record"))
    record_b = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="+", verbose_name=_("other record")
    )
    score = models.FloatField(_("match probability"))
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pair to review")
        verbose_name_plural = _("review queue")
        constraints = [models.UniqueConstraint(fields=["record_a", "record_b"], name="reviewpair_unique")]
        ordering = ["-score"]
