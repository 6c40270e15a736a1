"""SNAP BI (Bank Indonesia's national open API for payments): the client Cairkan pays
through, and the sandbox bank that speaks it (docs/payments.md)."""

from cairkan.integrations.bank.snap.client import SnapBank

__all__ = ["SnapBank"]
