"""Writes of the gateway layer's own records: the bank files exchanged with banks."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from cairkan.integrations.models import BankFile
from cairkan.integrations.selectors import content_sha256


class BankFileSeen(Exception):
    """This file, or another with its message id, was recorded before: apply nothing.

    ``same_content`` tells a plain duplicate (a retry, a replay: harmless) from a second
    file reusing a message id with other content (suspicious: an officer looks)."""

    def __init__(self, existing: BankFile, *, same_content: bool) -> None:
        what = "this file" if same_content else "another file with this message id"
        super().__init__(
            f"{what} was recorded on {existing.received_at:%Y-%m-%d %H:%M} "
            f"({existing.kind} {existing.bank_code} {existing.message_id}); nothing changed"
        )
        self.existing = existing
        self.same_content = same_content


def bank_file_record(
    *,
    kind: str,
    bank_code: str,
    message_id: str,
    content: bytes,
    name: str = "",
    transfers: int = 0,
    total: int = 0,
    summary: dict[str, Any] | None = None,
) -> BankFile:
    """Record a file inside the caller's transaction, or raise ``BankFileSeen``.

    The unique constraints decide, so two workers ingesting one file at once cannot both
    pass: the second waits for the first's transaction and then finds its row.
    """
    sha256 = content_sha256(content)
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            return BankFile.objects.create(
                kind=kind,
                bank_code=bank_code,
                message_id=message_id,
                sha256=sha256,
                name=name[:200],
                transfers=transfers,
                total=total,
                summary=summary or {},
            )
    except IntegrityError:
        existing = BankFile.objects.filter(
            Q(sha256=sha256) | Q(kind=kind, bank_code=bank_code, message_id=message_id)
        ).first()
        if existing is None:  # another constraint failed: not a replay
            raise
        raise BankFileSeen(existing, same_content=existing.sha256 == sha256) from None
