"""SNAP BI (Bank Indonesia's national open API for payments): the client Cairkan pays
through, and the sandbox bank that speaks it (docs/payments.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from cairkan.integrations.bank.snap.client import SnapBank

__all__ = ["SnapBank", "snap_bank"]


def snap_bank(**sandbox: Any) -> SnapBank:
    """The bank factory's default (``CAIRKAN_BANK_GATEWAY``): the client configured by
    ``CAIRKAN_SNAP``; ``sandbox`` (``CAIRKAN_BANK_OPTIONS``, the same keywords as
    ``SandboxBank``) shapes the embedded sandbox bank's network when there is no base URL."""
    return SnapBank(**settings.CAIRKAN_SNAP, sandbox=sandbox)
