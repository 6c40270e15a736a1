"""Reads of the gateway layer's own records."""

from __future__ import annotations

import hashlib

from cairkan.integrations.models import BankFile


def content_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def bank_file_with_content(content: bytes) -> BankFile | None:
    """The recorded file with exactly these bytes, if any (a cheap check before parsing)."""
    return BankFile.objects.filter(sha256=content_sha256(content)).first()


def bank_file_sent(*, bank_code: str, message_id: str) -> BankFile | None:
    """The pain.001 Cairkan sent under ``message_id`` to ``bank_code``."""
    return BankFile.objects.filter(
        kind="pain.001", bank_code=bank_code, message_id=message_id
    ).first()
