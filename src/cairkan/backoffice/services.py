"""Officers' moves on a claim. Each checks the officer's permission and branch, locks the
claim's row, and writes its event (a ClaimEvent for a status change, a ReviewEvent for
the rest) in the same transaction.

Two officers cannot take one claim: taking locks the claim's row (``select_for_update``)
and refuses when someone else holds it. Four eyes: a verifier or a supervisor approves up
to ``CAIRKAN_FOUR_EYES_ABOVE``; above it the first approval is recorded and a second,
different person who holds ``backoffice.approve_above_limit`` (a supervisor) completes it.
"""

from __future__ import annotations

import hashlib
import secrets
from base64 import b32encode
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairkan.audit.services import audit_record
from cairkan.backoffice.models import ClaimReview, ReviewEvent, StaffEnrolment
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
        if review.assignee_id != officer.pk and not officer.has_perm(
            "backoffice.release_any_claim"
        ):
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
    refused, and so is a second approval by someone without
    ``backoffice.approve_above_limit``: the second pair of eyes is another person's, and
    a supervisor's."""
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
            if not officer.has_perm("backoffice.approve_above_limit"):
                raise ReviewError("four_eyes_supervisor")
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


# Officers' second factor: enrolment is issued by an operator, never trusted to whoever
# knows the password (see StaffEnrolment).
ENROLMENT_VALID_FOR = timedelta(hours=24)  # long enough to reach the officer, then gone
ENROLMENT_CODE_BYTES = 10  # 80 random bits: 16 base32 characters, typed in groups of 4
DEVICE_NAME = "Cairkan kantor"


class EnrolmentError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def enrolment_code_hash(code: str) -> str:
    """The stored form of an enrolment code, whatever spaces, dashes or case it is typed
    with (base32 has no 0/1/8, so a typed O, I or B is the letter itself)."""
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _subject(user: Any) -> tuple[str, object]:
    return ("auth.user", user.pk)


def staff_enrolment_issue(
    *,
    user: Any,
    issued_by: Any = None,
    valid_for: timedelta = ENROLMENT_VALID_FOR,
    replace_device: bool = False,
    now: datetime | None = None,
) -> str:
    """Issue a one-time code with which ``user`` may enrol a TOTP device at their next
    sign-in, and return it (to show once; only its hash is kept). An earlier unused code
    is revoked. An officer who already has a device keeps it unless ``replace_device``
    (a lost phone): then the old device is removed at once, so the phone that is gone no
    longer signs in."""
    if not (user.is_active and user.is_staff):
        raise EnrolmentError("not_staff")
    now = now or timezone.now()
    with transaction.atomic():
        devices = TOTPDevice.objects.select_for_update().filter(user=user)
        replaced = devices.filter(confirmed=True).count()
        if replaced and not replace_device:
            raise EnrolmentError("already_enrolled")
        devices.delete()
        StaffEnrolment.objects.filter(
            user=user, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        code = b32encode(secrets.token_bytes(ENROLMENT_CODE_BYTES)).decode().rstrip("=")
        enrolment = StaffEnrolment.objects.create(
            user=user,
            code_hash=enrolment_code_hash(code),
            issued_by=issued_by,
            issued_at=now,
            expires_at=now + valid_for,
        )
        audit_record(
            actor_kind="officer" if issued_by is not None else "system",
            actor_user=issued_by,
            action="staff.enrolment_issued",
            subject=_subject(user),
            after={"enrolment": enrolment.pk, "expires_at": enrolment.expires_at.isoformat()},
            why=f"device replaced ({replaced})" if replaced else "first device",
        )
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def staff_enrolment_redeem(*, user: Any, code: str, now: datetime | None = None) -> TOTPDevice:
    """Spend ``user``'s enrolment code: a new, unconfirmed TOTP device whose key the
    sign-in shows once. Refused (``enrolment_code_invalid``) when the code is not this
    officer's, was used or revoked, or has expired — one message for all, so a guess
    learns nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = (
            StaffEnrolment.objects.select_for_update()
            .filter(
                user=user,
                code_hash=enrolment_code_hash(code),
                used_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
            )
            .first()
        )
        if enrolment is None:
            raise EnrolmentError("enrolment_code_invalid")
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise EnrolmentError("already_enrolled")
        enrolment.used_at = now
        enrolment.save(update_fields=["used_at"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        audit_record(
            actor_kind="officer",
            actor_user=user,
            action="staff.enrolment_redeemed",
            subject=_subject(user),
            after={"enrolment": enrolment.pk, "device": device.pk},
        )
    return device


def staff_device_confirm(*, device: TOTPDevice) -> TOTPDevice:
    """The first right code from the officer's app confirms the device they enrolled."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor_kind="officer",
            actor_user=device.user,
            action="staff.device_confirmed",
            subject=_subject(device.user),
            after={"device": device.pk},
        )
    return device
