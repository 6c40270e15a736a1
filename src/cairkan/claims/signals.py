"""What the claims app tells the layers above it, without knowing them.

``claim_filed`` is sent once a claim's filing (or the member's correction that sends it
back to ``submitted``) has committed: screening listens to decide, straight through or
an officer's queue. Sent after the commit so a listener never sees a claim that a
rolled-back transaction then takes away, with ``claim_id`` only (listeners load it).
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

claim_filed = Signal()  # kwargs: claim_id: int

# Sent inside the transaction that puts a claim whose payment failed back in the payment
# queue with the member's new account (claim=, acting_user=). cairkan.payouts answers
# with a new payout for that account, so the claim is never queued without one.
payout_account_changed = Signal()


def send_claim_filed_on_commit(claim_id: int) -> None:
    """Send ``claim_filed`` when the current transaction commits. ``robust``: a failing
    listener is logged and never undoes or errors the member's filing, which is already
    saved (an unscreened claim waits in ``submitted`` for `screen-claims`)."""
    transaction.on_commit(
        lambda: claim_filed.send_robust(sender=None, claim_id=claim_id), robust=True
    )
