"""What a member can do next about their claim, in plain words: one text per claim
status, and the payment's own news where the status alone would mislead (a payout held
for an officer is delayed, not on its way). Read by the claim's page and the account
page's claim card."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from cairkan.claims.models import Claim, Status
from cairkan.payouts.models import PayoutState
from cairkan.payouts.selectors import payout_of

WHAT_NEXT: dict[str, Promise] = {
    Status.SUBMITTED: gettext_lazy("Nothing to do now. An officer checks your documents."),
    Status.IN_REVIEW: gettext_lazy("Nothing to do now. An officer is checking your documents."),
    Status.NEEDS_FIX: gettext_lazy(
        "An officer asks you to correct something. Only that, nothing else."
    ),
    Status.APPROVED: gettext_lazy("Approved. The payment is being prepared."),
    Status.PAYOUT_QUEUED: gettext_lazy("The money is on its way to your account."),
    Status.PAID: gettext_lazy("Paid. Check your savings book or banking app."),
    Status.PAYOUT_FAILED: gettext_lazy(
        "The bank could not credit your account. Give another account in your own name."
    ),
    Status.REJECTED: gettext_lazy("The claim was rejected. The reason and what to do are below."),
    Status.CANCELLED: gettext_lazy("The claim was cancelled."),
}
# A payout whose retries ran out waits for an officer (payouts.services): the member is
# told it is delayed and that nothing is asked of them, rather than "on its way".
DELAYED = gettext_lazy(
    "The payment is delayed: our officers are checking it with the bank. "
    "You need not do anything; we will message you."
)


def what_next(claim: Claim) -> Promise:
    if claim.status in (Status.APPROVED, Status.PAYOUT_QUEUED):
        payout = payout_of(claim)
        if payout is not None and payout.state == PayoutState.HELD:
            return DELAYED
    return WHAT_NEXT[Status(claim.status)]
