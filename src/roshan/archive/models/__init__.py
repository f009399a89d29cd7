"""The archive's data model (DESIGN.md, "Data model").

Sources are never edited after ingest; Records are never merged or overwritten; Persons are
clusters of Records with a curated profile. Dates are ISO Gregorian with the precision that was
reported. No model of an actor has a field for where a living person can be found.
"""

from roshan.archive.models.accountability import (
    Actor,
    Attribution,
    Designation,
    Position,
    SanctionsListVersion,
)
from roshan.archive.models.evidence import AccessEvent, CustodyEvent, Evidence
from roshan.archive.models.people import Incident, Person, Record, ReviewPair
from roshan.archive.models.sources import Source, SourceList

__all__ = [
    "AccessEvent",
    "Actor",
    "Attribution",
    "CustodyEvent",
    "Designation",
    "Evidence",
    "Incident",
    "Person",
    "Position",
    "Record",
    "ReviewPair",
    "SanctionsListVersion",
    "Source",
    "SourceList",
]
