"""Writing the audit trail: ``audit_record`` appends one sealed entry to the chain.

Call it inside the transaction that makes the change it records: the entry commits or
rolls back with the change. Writers queue on the chain head's row lock (taken last, held
to the commit), so two transactions at once cannot both extend the same entry.

Personal data is minimised (UU 27/2022 Pasal 16(2): processing limited to its purpose):
values under the keys in ``PERSONAL_KEYS`` are masked wherever they appear in ``before``
and ``after``, so an auditor sees that a name changed and roughly how, not the name.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from cairkan.audit.chain import seal
from cairkan.audit.models import GENESIS_HASH, ActorKind, AuditChainHead, AuditEntry

# Field names whose values identify or reach a person (UU 27/2022 Pasal 4): kept masked.
PERSONAL_KEYS = frozenset(
    {
        "nik",
        "full_name",
        "name",
        "mother_maiden_name",
        "birth_date",
        "phone",
        "email",
        "npwp",
        "account_number",
        "account_holder",
        "helper_name",
        "helper_phone",
        "address",
    }
)
_MAX_DEPTH = 8
_HEAD = 1  # the chain head's primary key


class AuditRecordError(ValueError):
    """The caller passed something the trail cannot record (a programming error)."""


def masked(value: object) -> str:
    """Enough to tell two values apart by eye, not enough to read one: the first and the
    last character of a value of 6 or more, nothing of a shorter one."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    if len(text) < 6:
        return "*" * len(text)
    return text[0] + "*" * (len(text) - 2) + text[-1]


def _plain(value: Any, depth: int = 0, *, personal: bool = False) -> Any:
    """JSON that reads back the same from either database: no floats (PostgreSQL's
    jsonb may respell them), no NUL characters (PostgreSQL refuses them)."""
    if depth > _MAX_DEPTH:
        raise AuditRecordError("before/after nested too deep")
    if personal and value not in (None, ""):
        return masked(_plain(value, depth + 1))
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {
            str(key): _plain(item, depth + 1, personal=str(key) in PERSONAL_KEYS)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(item, depth + 1) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(item, depth + 1) for item in value)
    return str(value).replace("\x00", "")


def _subject(subject: models.Model | tuple[str, object]) -> tuple[str, str]:
    if isinstance(subject, models.Model):
        if subject.pk is None:
            raise AuditRecordError("the subject must be saved before it is audited")
        return subject._meta.label_lower, str(subject.pk)
    kind, ident = subject
    return str(kind).replace("\x00", ""), str(ident).replace("\x00", "")


def _participant_of(subject: models.Model | tuple[str, object]) -> int | None:
    """The participant an entry concerns, so an auditor can pull one member's trail."""
    if isinstance(subject, models.Model):
        if subject._meta.label_lower == "members.participant":
            return int(subject.pk)
        participant_id = getattr(subject, "participant_id", None)
        if isinstance(participant_id, int):
            return participant_id
    return None


def _head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=_HEAD).first()
    if head is not None:
        return head
    # A new database (or one flushed by a test): start the head from the last entry.
    last = AuditEntry.objects.order_by("-sequence").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                pk=_HEAD,
                sequence=last.sequence if last else 0,
                entry_hash=last.entry_hash if last else GENESIS_HASH,
            )
    except IntegrityError:  # another writer made it first; its lock is what we wait for
        pass
    return AuditChainHead.objects.select_for_update().get(pk=_HEAD)


def audit_record(
    *,
    actor_kind: str,
    actor_user: Any = None,
    action: str,
    subject: models.Model | tuple[str, object],
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    why: str = "",
    participant: Any = None,
) -> AuditEntry:
    """Append who (``actor_kind``: member, officer or system; ``actor_user``) did
    ``action`` to ``subject`` (a saved model instance, or ``(type, id)``), what it was
    and became, and why. ``participant`` (an instance or id) defaults to the subject's."""
    if actor_kind not in ActorKind.values:
        raise AuditRecordError(f"unknown actor kind {actor_kind!r}")
    if not action or len(action) > 64:
        raise AuditRecordError("an action is 1 to 64 characters")
    subject_type, subject_id = _subject(subject)
    if len(subject_type) > 64 or len(subject_id) > 64:
        raise AuditRecordError("subject type and id are at most 64 characters")
    participant_id = (
        _participant_of(subject)
        if participant is None
        else int(getattr(participant, "pk", participant))
    )
    # A user, or only its id when that is what the caller has (no query for the row).
    actor_user_id = actor_user if isinstance(actor_user, int) else getattr(actor_user, "pk", None)
    before_plain = None if before is None else _plain(before)
    after_plain = None if after is None else _plain(after)
    why = why.replace("\x00", "")[:500]
    # No savepoint of its own: an entry that fails fails the caller's transaction anyway.
    with transaction.atomic(savepoint=False):
        head = _head()
        sequence = head.sequence + 1
        at = timezone.now()  # after the lock: times follow the sequence
        fields: dict[str, Any] = {
            "sequence": sequence,
            "at": at,
            "actor_kind": actor_kind,
            "actor_user_id": actor_user_id,
            "participant_id": participant_id,
            "action": action,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "before": before_plain,
            "after": after_plain,
            "why": why,
            "previous_hash": head.entry_hash,
        }
        # The hash seals exactly the fields the row stores.
        entry = AuditEntry.objects.create(**fields, entry_hash=seal(**fields))
        head.sequence, head.entry_hash = sequence, entry.entry_hash
        head.save(update_fields=["sequence", "entry_hash"])
    return entry
