"""The hash that seals an entry, shared by writing and verifying.

SHA-256 over the previous entry's hash and a canonical JSON of the entry's fields
(sorted keys, no spaces, UTF-8, the time in UTC to the microsecond): the same entry read
back from SQLite or PostgreSQL gives the same bytes, so the same hash.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def seal(
    *,
    sequence: int,
    at: datetime,
    actor_kind: str,
    actor_user_id: int | None,
    participant_id: int | None,
    action: str,
    subject_type: str,
    subject_id: str,
    before: Any,
    after: Any,
    why: str,
    previous_hash: str,
) -> str:
    fields = {
        "sequence": sequence,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_kind": actor_kind,
        "actor_user": actor_user_id,
        "participant": participant_id,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "before": before,
        "after": after,
        "why": why,
    }
    return hashlib.sha256(previous_hash.encode() + b"\n" + canonical(fields)).hexdigest()


def entry_seal(entry: Any) -> str:
    """The hash an entry read from the database should carry."""
    return seal(
        sequence=entry.sequence,
        at=entry.at,
        actor_kind=entry.actor_kind,
        actor_user_id=entry.actor_user_id,
        participant_id=entry.participant_id,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        before=entry.before,
        after=entry.after,
        why=entry.why,
        previous_hash=entry.previous_hash,
    )
