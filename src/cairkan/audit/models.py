"""The tamper-evident audit trail: one append-only chain of entries, each sealed with
the hash of the one before it (docs/audit.md).

Rows are written only by ``cairkan.audit.services.audit_record`` and never changed: the
model refuses a save of an existing row, a delete, and a queryset's update, delete and
bulk writes; on PostgreSQL a trigger refuses UPDATE and DELETE as well (migration 0002).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64  # what the first entry's "previous hash" is


class AuditEntryImmutable(Exception):
    """An audit entry was about to be changed or removed."""


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise AuditEntryImmutable("audit entries are append-only")


class ActorKind(models.TextChoices):
    MEMBER = "member", _("member")
    OFFICER = "officer", _("officer")
    SYSTEM = "system", _("system")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    # Bulk writes would bypass the chain (bulk_create) or rewrite it (update, delete).
    update = _refuse
    delete = _refuse
    bulk_create = _refuse
    bulk_update = _refuse
    update_or_create = _refuse


class AuditEntry(models.Model):
    """Who (member, officer or system; the user; the participant concerned) did what (an
    action on a subject) when, what changed (before/after, personal values masked) and
    why — sealed by ``entry_hash`` over all of it and the previous entry's hash."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("when"), db_index=True)
    actor_kind = models.CharField(_("actor"), max_length=8, choices=ActorKind.choices)
    # Not a constraint: the trail outlives the accounts it names, and the id is sealed.
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The participant's id, not a key: the trail sits below the member data (layers).
    participant_id = models.BigIntegerField(_("participant id"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    why = models.CharField(_("why"), max_length=500, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject"),
            models.Index(fields=["participant_id"], name="audit_participant"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.subject_type}:{self.subject_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEntryImmutable("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditEntryImmutable("audit entries are append-only")


class AuditChainHead(models.Model):
    """The chain's last sequence number and hash, in one row. Writers lock this row, so
    two at once cannot both extend the same entry (a fork); verifying compares the last
    entry with it, so a removed tail is seen too."""

    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.entry_hash}"
