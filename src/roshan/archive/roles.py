"""Workbench roles as Django groups, with the permissions each role needs.

intake     adds sources, records and evidence; views everything
analyst    curates persons and incidents, links records; views everything
reviewer   reviews persons, incidents, actors and attributions
publisher  marks reviewed items for publication
admin      everything, including users (a superuser)
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User

from roshan.errors import BadInput

ROLES = ("intake", "analyst", "reviewer", "publisher", "admin")
_MODELS = (
    "sourcelist",
    "source",
    "record",
    "person",
    "incident",
    "evidence",
    "custodyevent",
    "accessevent",
    "actor",
    "position",
    "attribution",
    "designation",
)
_GRANTS: dict[str, list[str]] = {
    "intake": ["add_source", "add_sourcelist", "add_record", "add_evidence", "change_evidence"],
    "analyst": [
        "add_person",
        "change_person",
        "change_record",
        "add_incident",
        "change_incident",
        "add_actor",
        "change_actor",
        "add_position",
        "change_position",
        "add_attribution",
        "change_attribution",
    ],
    "reviewer": [
        "change_person",
        "review_person",
        "change_incident",
        "change_actor",
        "change_attribution",
        "change_designation",
    ],
    "publisher": ["change_person", "publish_person", "change_incident"],
}


def ensure_roles() -> None:
    """Create or refresh the groups; idempotent."""
    view = [f"view_{m}" for m in _MODELS]
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        if role == "admin":
            continue
        codenames = set(view) | set(_GRANTS[role])
        perms = Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
        group.permissions.set(perms)


def assign(user: User, role: str) -> None:
    if role not in ROLES:
        raise BadInput(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    ensure_roles()
    user.is_staff = True
    user.is_superuser = role == "admin"
    user.save()
    user.groups.set([Group.objects.get(name=role)])
