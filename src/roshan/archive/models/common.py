"""Choices and small field groups shared by the models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class Calendar(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian")
    JALALI = "jalali", _("Solar Hijri")


class Status(models.TextChoices):
    KILLED = "killed", _("killed")
    EXECUTED = "executed", _("executed")
    DISAPPEARED = "disappeared", _("disappeared")
    DETAINED = "detained", _("detained")
    INJURED = "injured", _("injured")
    UNKNOWN = "unknown", _("unknown")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEWED = "reviewed", _("reviewed")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class DatedMixin(models.Model):
    """A date as reported: ISO Gregorian day plus the precision and calendar it was given in."""

    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = models.CharField(
        _("date precision"), max_length=5, choices=Precision.choices, blank=True
    )
    date_calendar = models.CharField(
        _("calendar as reported"), max_length=9, choices=Calendar.choices, blank=True
    )

    class Meta:
        abstract = True
