"""Officers' moves on a claim. Each checks the officer's permission and branch, locks the
claim's row, and writes its event (a ClaimEvent for a status change, a ReviewEvent for
the rest) in the same transaction.

Two officers cannot take one claim: taking locks the claim's row (``select_for_update``)
and refuses when someone else holds it. Four eyes: above ``CAIRKAN_FOUR_EYES_ABOVE`` the
first approval is recorded and a second, different person with the right completes it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from cairkan.audit.services import audit_record
from cairkan.backoffice.models import ClaimReview, ReviewEvent
from cairkan.backoffice.selectors import four_eyes_limit, visible_claims
from cairkan.claims.messages import REJECTION_LABELS
from cairkan.claims.models import Claim, Status
from cairkan.claims.services import ClaimError, claim_transition
from cairkan.jht import REFUSAL_CODES
from cairkan.payouts.services import claim_approve

# What an officer may give as the reason of a rejection: the rules' refusal codes and the
# back office's own (each has the member's words in claims.messages / jht.messages).
REJECTION_CODES = tuple(dict.fromkeys((*REFUSAL_CODES, *REJECTION_LABELS)))
CORRECTABLE_OTHER = ("bank",)
DECIDING_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)


class ReviewError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _require(officer: Any, permission: str) -> None:
    if not officer.has_perm(permission):
        raise ReviewError("forbidden")


def _locked(officer: Any, claim: Claim) -> tuple[Claim, ClaimReview]:
    """The claim's row locked for this transaction, if the officer may read it."""
    locked = visible_claims(officer).select_for_update(of=("self",)).filter(pk=claim.pk).first()
    if locked is None:
        raise ReviewError("forbidden")
    review, _created = ClaimReview.objects.get_or_create(claim=locked)
    return locked, review


def _holder(review: ClaimReview) -> str:
    return review.assignee.get_username() if review.assignee else ""


def _not_someone_elses(officer: Any, review: ClaimReview) -> None:
    if review.assignee_id is not None and review.assignee_id != officer.pk:
        raise ReviewError("taken_by_other", name=_holder(review))


def claim_take(*, claim: Claim, officer: Any) -> ClaimReview:
    """Take a claim to work on it; refused when another officer holds it. Taking it
    again is a no-op (a double click)."""
    _require(officer, "claims.assess_claim")
    with transaction.atomic():
        locked, review = _locked(officer, claim)
        if locked.status not in DECIDING_STATUSES:
            raise ReviewError("not_in_queue")
        _not_someone_elses(officer, review)
        if review.assignee_id == officer.pk:
            return review
        review.assignee = officer
        review.assigned_at = timezone.now()
        review.save(update_fields=["assignee", "assigned_at"])
        _review_event(claim=locked, officer=officer, action=ReviewEvent.Action.TAKEN)
        if locked.status == Status.SUBMITTED:
            claim_transition(
                claim=locked,
                to_status=Status.IN_REVIEW,
                actor="officer",
                acting_user=officer,
                reason="taken for review",
            )
    return review


def claim_release(*, claim: Claim, officer: Any) -> ClaimReview:
    """Give a claim back to the queue (its holder, or a supervisor for anyone's)."""
    _require(officer, "claims.assess_claim")
    with transaction.atomic():
        locked, review = _locked(officer, claim)
        if review.assignee_id is None:
            return review
        if review.assignee_id != officer.pk and not officer.has_perm("claims.approve_claim"):
            raise ReviewError("taken_by_other", name=_holder(review))
        review.assignee = None
        review.assigned_at = None
        review.save(update_fields=["assignee", "assigned_at"])
        _review_event(claim=locked, officer=officer, action=ReviewEvent.Action.RELEASED)
    return review


def _approve(*, claim: Claim, officer: Any, reason: str) -> Claim:
    """The one approving call: the payout is made and queued with the approval."""
    return claim_approve(claim=claim, actor="officer", acting_user=officer, reason=reason)


def _review_event(*, claim: Claim, officer: Any, action: str, note: str = "") -> ReviewEvent:
    """An officer's step that is not a status change, in the tamper-evident trail too."""
    event = ReviewEvent.objects.create(claim=claim, officer=officer, action=action, note=note)
    audit_record(
        actor_kind="officer",
        actor_user=officer,
        action=f"review.{action}",
        subject=claim,
        participant=claim.participant_id,
        why=note,
    )
    return event


def claim_review_approve(*, claim: Claim, officer: Any) -> str:
    """Approve, or record the first of two approvals above the four-eyes limit.

    Returns ``"approved"`` or ``"first_approval"``. The same person approving twice is
    refused: the second approval must be another's."""
    _require(officer, "claims.approve_claim")
    with transaction.atomic():
        locked, review = _locked(officer, claim)
        if locked.status not in DECIDING_STATUSES:
            raise ReviewError("not_in_queue")
        _not_someone_elses(officer, review)
        if locked.channel == "counter" and locked.helper_id == officer.pk:
            raise ReviewError("filed_it_yourself")  # a walk-in's claim: another person approves
        if locked.gross > four_eyes_limit():
            if review.first_approver_id is None:
                review.first_approver = officer
                review.first_approved_at = timezone.now()
                # The second approver must be able to take it.
                review.assignee = None
                review.assigned_at = None
                review.save()
                _review_event(
                    claim=locked, officer=officer, action=ReviewEvent.Action.FIRST_APPROVAL
                )
                return "first_approval"
            if review.first_approver_id == officer.pk:
                raise ReviewError("four_eyes_same_person")
            _approve(
                claim=locked,
                officer=officer,
                reason=f"second approval (four eyes; first by user {review.first_approver_id})",
            )
        else:
            _approve(claim=locked, officer=officer, reason="approved by an officer")
        review.assignee = None
        review.assigned_at = None
        review.save(update_fields=["assignee", "assigned_at"])
    return "approved"


def _decide(*, claim: Claim, officer: Any, to_status: str, note: str, **move: Any) -> Claim:
    """Move a claim the officer holds (or nobody does) and give it back to the queue."""
    with transaction.atomic():
        locked, review = _locked(officer, claim)
        _not_someone_elses(officer, review)
        try:
            moved = claim_transition(
                claim=locked,
                to_status=to_status,
                actor="officer",
                acting_user=officer,
                reason=note[:200],
                **move,
            )
        except ClaimError as exc:
            raise ReviewError(exc.code) from None
        review.assignee = None
        review.save(update_fields=["assignee"])
    return moved


def claim_review_reject(*, claim: Claim, officer: Any, code: str, note: str) -> Claim:
    """Reject with a reason code from the rules and a note the member reads."""
    _require(officer, "claims.reject_claim")
    if code not in REJECTION_CODES:
        raise ReviewError("rejection_code_unknown")
    note = note.strip()
    if not note:
        raise ReviewError("note_required")
    return _decide(
        claim=claim, officer=officer, to_status=Status.REJECTED, note=note, rejection_code=code
    )


def claim_review_ask_correction(
    *, claim: Claim, officer: Any, items: list[str], note: str
) -> Claim:
    """Ask the member to correct exactly these items (``document:<code>`` of the claim's
    required documents, or ``bank``) and say why."""
    _require(officer, "claims.request_correction")
    allowed = {f"document:{code}" for code in claim.documents_required} | set(CORRECTABLE_OTHER)
    if not items:
        raise ReviewError("correction_items_required")
    if any(item not in allowed for item in items):
        raise ReviewError("correction_item_unknown")
    note = note.strip()
    if not note:
        raise ReviewError("note_required")
    return _decide(
        claim=claim,
        officer=officer,
        to_status=Status.NEEDS_FIX,
        note=note,
        correction_fields=sorted(set(items)),
    )


def claim_review_escalate(*, claim: Claim, officer: Any, note: str) -> ClaimReview:
    """Hand a claim to a supervisor with a note saying why."""
    _require(officer, "backoffice.escalate_claim")
    note = note.strip()
    if not note:
        raise ReviewError("note_required")
    with transaction.atomic():
        locked, review = _locked(officer, claim)
        if locked.status not in DECIDING_STATUSES:
            raise ReviewError("not_in_queue")
        _not_someone_elses(officer, review)
        review.escalated_at = timezone.now()
        review.escalation_note = note[:500]
        review.assignee = None
        review.assigned_at = None
        review.save()
        _review_event(
            claim=locked, officer=officer, action=ReviewEvent.Action.ESCALATED, note=note[:500]
        )
    return review
