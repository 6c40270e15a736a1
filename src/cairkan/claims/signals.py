"""What the claims app announces to the apps above it (which it may not import)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that puts a claim whose payment failed back in the payment
# queue with the member's new account (claim=, acting_user=). cairkan.payouts answers
# with a new payout for that account, so the claim is never queued without one.
payout_account_changed = Signal()
