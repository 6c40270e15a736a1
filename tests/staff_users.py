"""Back-office users as they exist in production: staff with a role (a group) or with
named permissions, never a superuser."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

ROLES = ("Petugas loket", "Verifikator", "Penyelia", "Auditor")


def staff_user(username: str, *perms: str, role: str | None = None) -> object:
    """A staff user holding exactly ``perms`` ("app.codename") and/or the group ``role``
    (named ``uji-<username>``: apart from the demo's officers, which seed-demo makes)."""
    user = get_user_model().objects.create_user(f"uji-{username}", password="x", is_staff=True)
    for dotted in perms:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client
