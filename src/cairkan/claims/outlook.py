"""What a member can claim today, told before any effort (issue 14.1).

The rules engine decides each reason a member may claim for on the member's own records
in one pass (``jht.decide_many``): which are open today, on which channel (so the number
of screens is known from the first one), and for the others the refusal in plain words
and the day it changes. The wizard's first screen and the account page read this; the
claims services refuse the same reasons again on the reason and data screens.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.utils import timezone

from cairkan.claims.models import OPEN_STATUSES, Claim
from cairkan.claims.services import (
    ClaimError,
    ClaimRequest,
    _case,
    blocking_refusals,
    channel_for,
)
from cairkan.jht import Decision, Reason, decide_many
from cairkan.members.models import Participant

# A death claim is filed by an heir, never through the member's own account (domain
# reference, Channels).
OWN_REASONS = tuple(reason for reason in Reason if reason is not Reason.DEATH)
# Reasons that rest on a situation only its own proof shows (a passport and emigration,
# a doctor's certificate), not on the records: the rules never refuse them, so they are
# offered apart and do not make "you can claim" true for everyone.
PROVEN_BY_DOCUMENT = frozenset({Reason.LEAVING_INDONESIA.value, Reason.PERMANENT_DISABILITY.value})


@dataclass(frozen=True, slots=True)
class ReasonOutlook:
    reason: str
    decision: Decision
    # Where it would be filed when open: "app", "online_assisted" or "branch".
    channel: str
    # The member types the day they stopped working (no employer report): the waiting
    # period is checked on the screen that asks it.
    asks_date: bool

    @property
    def open(self) -> bool:
        return not blocking_refusals(self.decision)

    @property
    def opens_on(self) -> date | None:
        """The day the refusals end by themselves, when the rules know it."""
        codes = blocking_refusals(self.decision)
        dates = [self.decision.condition_dates.get(code) for code in codes]
        if not codes or None in dates:
            return None
        return max(d for d in dates if d is not None)

    def explain(self, language: str) -> list[str]:
        codes = blocking_refusals(self.decision)
        return [e["message"] for e in self.decision.explain(language) if e["code"] in codes]


@dataclass(frozen=True, slots=True)
class Outlook:
    as_of: date
    reasons: tuple[ReasonOutlook, ...]
    open_claim: Claim | None
    # The reason the employer reported for leaving, when there is one.
    reported: str = ""

    @property
    def usual(self) -> tuple[ReasonOutlook, ...]:
        """The reasons the records speak to (all but those proven by their own document,
        unless the employer reported that one)."""
        return tuple(
            r
            for r in self.reasons
            if r.reason not in PROVEN_BY_DOCUMENT or r.reason == self.reported
        )

    @property
    def can_start(self) -> bool:
        return self.open_claim is None and any(r.open for r in self.usual)

    @property
    def open_reasons(self) -> tuple[ReasonOutlook, ...]:
        return tuple(r for r in self.usual if r.open)

    def not_yet(self, language: str) -> list[str]:
        """Why the usual reasons are closed, each sentence once, the reported reason's
        first."""
        ordered = sorted(self.usual, key=lambda r: r.reason != self.reported)
        texts = [text for r in ordered if not r.open for text in r.explain(language)]
        return list(dict.fromkeys(texts))

    @property
    def channels(self) -> frozenset[str]:
        """The channels of the reasons open today: one channel, one number of screens."""
        return frozenset(r.channel for r in self.open_reasons)

    @property
    def next_opening(self) -> date | None:
        """The first day a reason closed today opens by itself (when nothing is open)."""
        days = [r.opens_on for r in self.usual if r.opens_on is not None]
        return min(days) if days else None

    def of(self, reason: str) -> ReasonOutlook | None:
        return next((r for r in self.reasons if r.reason == reason), None)


def claim_outlook(*, participant: Participant, as_of: date | None = None) -> Outlook:
    """Every reason of the member's own, decided on their records today."""
    as_of = as_of or timezone.localdate()
    open_claim = Claim.objects.filter(participant=participant, status__in=OPEN_STATUSES).first()
    try:
        # The member's records once (memberships, balance, paid history); only the reason
        # differs between the cases. The NPWP is assumed given (services.LIFTED_IN_WIZARD), so
        # the channel is the one the claim will take.
        base, _source = _case(participant, ClaimRequest("retirement", None, "", ""), as_of)
    except ClaimError:  # no membership: nothing to claim
        return Outlook(as_of=as_of, reasons=(), open_claim=open_claim)
    base = replace(base, has_npwp=True)
    cases = [replace(base, reason=reason) for reason in OWN_REASONS]
    decisions = decide_many(cases)
    latest = participant.memberships.order_by("start_date").last()
    unreported = latest is not None and latest.separation_date is None
    reasons = tuple(
        ReasonOutlook(
            reason=reason.value,
            decision=decision,
            channel=channel_for(decision, wants_branch=False),
            asks_date=reason.needs_separation_date and unreported,
        )
        for reason, decision in zip(OWN_REASONS, decisions, strict=True)
    )
    reported = latest.separation_reason if latest is not None else ""
    return Outlook(as_of=as_of, reasons=reasons, open_claim=open_claim, reported=reported)
