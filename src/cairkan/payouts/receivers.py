"""Signals from the apps below that the payouts app answers."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from cairkan.claims.models import Claim
from cairkan.claims.signals import payout_account_changed
from cairkan.payouts.services import payout_requeue


@receiver(payout_account_changed)
def _new_account(sender: Any, *, claim: Claim, acting_user: Any = None, **kwargs: Any) -> None:
    payout_requeue(claim=claim, acting_user=acting_user)
