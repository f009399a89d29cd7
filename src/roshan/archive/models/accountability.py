from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from roshan.archive.models.common import ReviewStatus
from roshan.archive.models.evidence import Evidence
from roshan.archive.models.people import Incident
from roshan.archive.models.sources import Source


class Actor(models.Model):
    """An official, unit or organisation alleged responsible.

    Do no harm: there is deliberately no field for where a living person can be found (address,
    phone, e-mail, identity numbers, relatives, whereabouts), and imports drop such data.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("person")
        UNIT = "unit", _("unit")
        ORGANISATION = "organisation", _("organisation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_fa = models.CharField(_("name (Persian)"), max_length=300, blank=True)
    name_latin = models.CharField(_("name (Latin)"), max_length=300, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("part of"),
    )
    description = models.TextField(_("description"), blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year (to tell namesakes apart; never published)"), null=True, blank=True
    )
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    simulated = models.BooleanField(
        _("simulated"), default=False, help_text=_("Example data: not a real official, unit or entry.")
    )

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self) -> str:
        name = self.name_fa or self.name_latin
        return f"{name} (SIMULATED)" if self.simulated else name


class Position(models.Model):
    """A position an actor held over a period (FollowTheMoney ``Occupancy`` of a ``Position``)."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(_("title"), max_length=300)
    organisation = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("in")
    )
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")


class Attribution(models.Model):
    """An actor linked to an incident in a role, resting on sources and evidence."""

    class Role(models.TextChoices):
        ORDERED = "ordered", _("ordered")
        COMMANDED = "commanded", _("commanded")
        CARRIED_OUT = "carried_out", _("carried out")
        SENTENCED = "sentenced", _("sentenced")
        PROSECUTED = "prosecuted", _("prosecuted")
        OTHER = "other", _("other")

    class Confidence(models.TextChoices):
        ALLEGED = "alleged", _("alleged")
        CREDIBLE = "credible", _("credible")
        CORROBORATED = "corroborated", _("corroborated")

    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="attributions")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attributions")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    sources = models.ManyToManyField(Source, blank=True, related_name="attributions")
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="attributions")
    confidence = models.CharField(
        _("confidence"), max_length=20, choices=Confidence.choices, default=Confidence.ALLEGED
    )
    review_status = models.CharField(
        _("review"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )

    class Meta:
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")


class Designation(models.Model):
    """One sanctions or proscription entry, as one version of one list said it.

    ``birth_dates`` help tell namesakes apart during matching and are never published.
    """

    class Match(models.TextChoices):
        UNMATCHED = "unmatched", _("unmatched")
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    jurisdiction = models.CharField(_("jurisdiction"), max_length=10)
    list_name = models.CharField(_("list"), max_length=100)
    list_identifier = models.CharField(_("identifier in the list"), max_length=100)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=300)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    birth_dates = models.JSONField(_("birth dates (never published)"), default=list, blank=True)
    list_version = models.CharField(_("list version"), max_length=100, blank=True)
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="designations"
    )
    match = models.CharField(_("match"), max_length=10, choices=Match.choices, default=Match.UNMATCHED)
    match_score = models.FloatField(_("match score"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    positions = models.JSONField(_("positions the list gives"), default=list, blank=True)
    history = models.JSONField(_("what each list version said"), default=list, blank=True)
    simulated = models.BooleanField(
        _("simulated"), default=False, help_text=_("Example data: not a real official, unit or entry.")
    )

    class Meta:
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.UniqueConstraint(
                fields=["list_name", "list_identifier"], name="designation_list_identifier"
            )
        ]

    def __str__(self) -> str:
        label = f"{self.name} ({self.list_name} {self.list_identifier})"
        return f"{label} SIMULATED" if self.simulated else label


class SanctionsListVersion(models.Model):
    """One imported version of a sanctions list: identified by its publication date, else its SHA-256."""

    list_name = models.CharField(_("list"), max_length=100)
    version = models.CharField(_("version"), max_length=100)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=10)
    entries = models.PositiveIntegerField(_("entries"))
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    simulated = models.BooleanField(
        _("simulated"), default=False, help_text=_("Example data: not a real official, unit or entry.")
    )

    class Meta:
        verbose_name = _("sanctions list version")
        verbose_name_plural = _("sanctions list versions")
        constraints = [
            models.UniqueConstraint(fields=["list_name", "version"], name="sanctions_list_version")
        ]
