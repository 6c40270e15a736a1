"""Screening a filed claim: straight through to approval when every check passes, to
the officers' queue with the codes saying why otherwise (issue 12, item 5).

The facts are gathered first (the registry is asked over the network) with no lock
held; the decision is then taken under the claim's row lock, once per filing: a second
screening of the same filing, or one that arrives after an officer moved the claim,
changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from cairkan.claims.models import Claim, ClaimEvent, Status
from cairkan.claims.services import claim_transition
from cairkan.payouts.services import claim_approve
from cairkan.screening.models import ScreeningResult
from cairkan.screening.rules import configuration, evaluate
from cairkan.screening.selectors import filing_event, screening_facts

SYSTEM = "system"


def _approve(*, claim: Claim, reason: str) -> Claim:
    """The one approving call of straight-through processing, as the system's act; the
    payout is made and queued in the same transaction."""
    return claim_approve(claim=claim, actor=SYSTEM, reason=reason)


def _screenable(claim: Claim, filing: ClaimEvent | None) -> bool:
    """A filing nobody has screened, that no person has moved since: still
    ``submitted``, or ``in_review`` where the filing itself put it (a separation date
    declared by the member) and screening only records why."""
    if filing is None or claim.status not in (Status.SUBMITTED, Status.IN_REVIEW):
        return False
    if ScreeningResult.objects.filter(filing_event=filing).exists():
        return False
    return not claim.events.filter(pk__gt=filing.pk).exclude(actor=SYSTEM).exists()


def claim_screen(
    *, claim_id: int, now: datetime | None = None, wait_out_outage: bool = False
) -> ScreeningResult | None:
    """Screen the claim's current filing; the result, or None when there was nothing to
    screen (already screened, moved by an officer, no longer open).

    ``wait_out_outage``: when the registry does not answer, raise ``RegistryOutage``
    (nothing written) so a worker tries again later, instead of sending the claim to an
    officer as unconfirmed."""
    now = now or timezone.now()
    claim = Claim.objects.select_related("participant").filter(pk=claim_id).first()
    if claim is None:
        return None
    filing = filing_event(claim)
    if not _screenable(claim, filing):
        return None
    assert filing is not None
    config = configuration()
    facts = screening_facts(
        claim=claim, filed_at=filing.at, now=now, wait_out_outage=wait_out_outage
    )
    verdicts = evaluate(facts, config)
    reasons = [v.code for v in verdicts if v.state == "flag"]
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim_id)
        if filing_event(locked) != filing or not _screenable(locked, filing):
            return None  # screened meanwhile, re-filed, or an officer took it
        straight_through = not reasons and locked.status == Status.SUBMITTED
        result = ScreeningResult.objects.create(
            claim=locked,
            filing_event=filing,
            outcome=ScreeningResult.Outcome.APPROVED
            if straight_through
            else ScreeningResult.Outcome.REFERRED,
            reasons=reasons,
            verdicts=[v.as_json() | _detail(v.code, facts.rules_note) for v in verdicts],
            configuration=config,
        )
        locked.review_reasons = reasons
        locked.save(update_fields=["review_reasons"])
        if straight_through:
            _approve(claim=locked, reason="straight through: every screening check passed")
        elif locked.status == Status.SUBMITTED:
            claim_transition(
                claim=locked,
                to_status=Status.IN_REVIEW,
                actor=SYSTEM,
                reason="screening: " + ", ".join(reasons),
            )
    return result


def _detail(code: str, rules_note: str) -> dict[str, Any]:
    return {"note": rules_note} if code == "rules_refer" and rules_note else {}
