"""The workbench: Django's admin shaped for documentation teams.

Records and sources are read-only once in (never overwritten); the custody and access logs
cannot be edited by anyone. Dates show in both calendars. Exports are logged as custody events
(``exported``) and access events, and never include witness details (the device fingerprint,
channel and capture metadata stay out of every export).
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from roshan.archive import custody
from roshan.archive.access import log_access
from roshan.archive.models import (
    AccessEvent,
    Actor,
    Attribution,
    CustodyEvent,
    Designation,
    Evidence,
    Incident,
    Person,
    Position,
    Record,
    ReviewPair,
    SanctionsListVersion,
    Source,
    SourceList,
)
from roshan.linkage.dates import both_calendars

EXPORT_FIELDS = (
    "id",
    "source",
    "external_id",
    "name_fa",
    "name_latin",
    "age",
    "gender",
    "date",
    "date_precision",
    "place",
    "province",
    "status",
    "person_id",
)


class DatedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    @admin.display(description=_("date (Solar Hijri / Gregorian)"), ordering="date")
    def both_dates(self, obj: Any) -> str:
        return both_calendars(obj.date, obj.date_precision, obj.date_calendar)


@admin.action(description=_("Export selected as CSV"))
def export_csv(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Record]
) -> HttpResponse:  # type: ignore[type-arg]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="records.csv"'
    response.write("\ufeff")  # BOM: spreadsheets then show Persian
    writer = csv.writer(response)
    writer.writerow(EXPORT_FIELDS)
    n = 0
    for r in queryset.select_related("source").iterator():
        writer.writerow(
            [
                r.pk,
                str(r.source),
                r.external_id,
                r.name_fa,
                r.name_latin,
                r.age,
                r.gender,
                r.date.isoformat() if r.date else "",
                r.date_precision,
                r.place,
                r.province,
                r.status,
                r.person_id or "",
            ]
        )
        n += 1
    user = request.user.get_username()
    log_access(user, "export", "record", "", request.path)
    custody.append("exported", subject="records", user=user, detail={"records": n, "format": "csv"})
    return response


@admin.register(SourceList)
class SourceListAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "simulated")
    list_filter = ("kind", "simulated")
    search_fields = ("name",)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "version", "source_list", "current", "row_count", "received_at")
    list_filter = ("source_list", "current")
    search_fields = ("name", "file_sha256", "report_id")
    exclude = ("device_fingerprint",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Record)
class RecordAdmin(DatedAdmin):
    list_display = ("name_fa", "name_latin", "age", "both_dates", "province", "status", "source", "person")
    list_filter = ("source__source_list", "source__current", "province", "status", "date_precision")
    search_fields = ("name_fa", "name_latin", "external_id", "place")
    readonly_fields = [f for f in EXPORT_FIELDS if f not in ("id", "person_id")] + [
        "date_calendar",
        "date_as_written",
        "circumstance",
        "extra",
        "line",
    ]
    actions = [export_csv]
    list_select_related = ("source", "person")
    raw_id_fields = ("person",)


@admin.register(Person)
class PersonAdmin(DatedAdmin):
    list_display = ("name_fa", "name_latin", "age", "both_dates", "province", "status", "review_status")
    list_filter = ("status", "review_status", "province")
    search_fields = ("name_fa", "name_latin")
    raw_id_fields = ("photo",)


@admin.register(Incident)
class IncidentAdmin(DatedAdmin):
    list_display = ("title", "both_dates", "province", "review_status")
    list_filter = ("review_status", "province")
    search_fields = ("title", "description", "place")
    filter_horizontal = ("persons", "sources", "evidence")
    raw_id_fields = ("records",)


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("original_name", "sha256", "size", "media_type", "added_at")
    search_fields = ("sha256", "original_name")
    list_filter = ("media_type",)
    readonly_fields = ("sha256", "size", "added_at", "capture_metadata", "source")


class ReadOnlyLog(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyLog):
    list_display = ("seq", "at", "action", "subject", "evidence_sha256", "user")
    list_filter = ("action",)
    search_fields = ("evidence_sha256", "subject")


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyLog):
    list_display = ("at", "user", "action", "model", "object_id")
    list_filter = ("action", "model")
    search_fields = ("user",)


class PositionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Position
    fk_name = "actor"
    extra = 0


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name_fa", "name_latin", "kind", "parent", "review_status", "simulated")
    list_filter = ("kind", "review_status", "simulated")
    search_fields = ("name_fa", "name_latin")
    inlines = [PositionInline]


@admin.register(Attribution)
class AttributionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("actor", "incident", "role", "confidence", "review_status")
    list_filter = ("role", "confidence", "review_status")
    search_fields = ("actor__name_fa", "actor__name_latin", "incident__title")
    filter_horizontal = ("sources", "evidence")


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "jurisdiction", "list_name", "list_identifier", "listed_on", "actor", "match")
    list_filter = ("jurisdiction", "list_name", "match", "simulated")
    search_fields = ("name", "list_identifier")
    exclude = ("birth_dates",)


def _decide(decision: str):  # type: ignore[no-untyped-def]
    labels = {"same": _("Same person"), "different": _("Not the same person"), "unsure": _("Unsure")}

    @admin.action(description=labels[decision])
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[ReviewPair]) -> None:  # type: ignore[type-arg]
        from django.utils import timezone

        user = request.user.get_username()
        n = queryset.update(decision=decision, decided_by=user, decided_at=timezone.now())
        custody.append(
            "reviewed", subject="review-queue", user=user, detail={"decision": decision, "pairs": n}
        )

    action.__name__ = f"decide_{decision}"
    return action


@admin.register(ReviewPair)
class ReviewPairAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("score", "left", "right", "decision", "decided_by")
    list_filter = ("decision",)
    list_select_related = ("record_a__source", "record_b__source")
    actions = [_decide("same"), _decide("different"), _decide("unsure")]
    readonly_fields = ("record_a", "record_b", "score")

    @admin.display(description=_("record"))
    def left(self, obj: ReviewPair) -> str:
        return _describe(obj.record_a)

    @admin.display(description=_("other record"))
    def right(self, obj: ReviewPair) -> str:
        return _describe(obj.record_b)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


def _describe(r: Record) -> str:
    parts = [
        r.name_fa or r.name_latin or "—",
        str(r.age or ""),
        both_calendars(r.date, r.date_precision, r.date_calendar),
        r.province,
        f"[{r.source}]",
    ]
    return " · ".join(p for p in parts if p)


@admin.action(description=_("Merge selected persons into one"))
def merge_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Person]) -> None:  # type: ignore[type-arg]
    from roshan.archive.linking import merge_persons

    ids = list(queryset.values_list("pk", flat=True))
    if len(ids) > 1:
        merge_persons(ids, request.user.get_username())


@admin.action(description=_("Split selected records into a new person"))
def split_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Record]) -> None:  # type: ignore[type-arg]
    from roshan.archive.linking import split_records

    split_records(list(queryset.values_list("pk", flat=True)), request.user.get_username())


PersonAdmin.actions = [merge_selected]
RecordAdmin.actions = [export_csv, split_selected]


@admin.action(description=_("Confirm the proposed match"))
def confirm_match(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Designation]
) -> None:  # type: ignore[type-arg]
    n = queryset.filter(actor__isnull=False).update(match="confirmed")
    custody.append(
        "reviewed", subject="sanctions-matching", user=request.user.get_username(), detail={"confirmed": n}
    )


@admin.action(description=_("Reject the proposed match"))
def reject_match(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Designation]) -> None:  # type: ignore[type-arg]
    n = queryset.update(match="rejected")
    custody.append(
        "reviewed", subject="sanctions-matching", user=request.user.get_username(), detail={"rejected": n}
    )


DesignationAdmin.actions = [confirm_match, reject_match]
DesignationAdmin.list_display = (
    "name",
    "jurisdiction",
    "list_name",
    "list_identifier",
    "listed_on",
    "removed_on",
    "actor",
    "match",
    "match_score",
    "simulated",
)
DesignationAdmin.exclude = ("birth_dates", "history")


@admin.register(SanctionsListVersion)
class SanctionsListVersionAdmin(ReadOnlyLog):
    list_display = ("list_name", "version", "jurisdiction", "entries", "imported_at", "simulated")
