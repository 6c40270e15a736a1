"""Reads of the face step that other apps and the back office rely on: whether a claim's
face check stands as passed, what waits for a verifier, the questions asked at the desk."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cairkan.biometrics.models import FaceAttempt, FaceReview, Outcome, Purpose
from cairkan.members.models import Contribution, Membership, Participant

# A borderline claim check a verifier accepted stands as a pass this long after the
# decision: the member hears of it by message and comes back to the claim (a pass taken
# live stands for claims.services.FACE_VALID_FOR).
ACCEPTED_REVIEW_VALID_FOR = timedelta(hours=24)
DESK_QUESTIONS_ASKED = 3


def claim_face_passed(
    *, participant: Participant, now: datetime, valid_for: timedelta, checked_by: Any = None
) -> bool:
    """The one answer to "has this member passed the claim's face check": a pass within
    ``valid_for``, or a borderline result a verifier accepted (docs/face.md).

    ``checked_by``: only a check made in that officer's session counts (a walk-in's
    check on the counter's camera)."""
    by = {} if checked_by is None else {"helper": checked_by}
    if FaceAttempt.objects.filter(
        participant=participant,
        purpose=Purpose.CLAIM,
        outcome=Outcome.PASSED,
        created_at__gte=now - valid_for,
        **by,
    ).exists():
        return True
    return FaceReview.objects.filter(
        participant=participant,
        attempt__purpose=Purpose.CLAIM,
        status=FaceReview.Status.ACCEPTED,
        decided_at__gte=now - ACCEPTED_REVIEW_VALID_FOR,
        **{f"attempt__{k}": v for k, v in by.items()},
    ).exists()


def review_pending(*, participant: Participant) -> bool:
    return FaceReview.objects.filter(
        participant=participant, status=FaceReview.Status.PENDING
    ).exists()


def review_refused_unanswered(*, participant: Participant) -> FaceReview | None:
    """The member's latest borderline result, if a verifier refused it and the member
    has not tried again since: what their face page tells them."""
    review = FaceReview.objects.filter(participant=participant).order_by("-created_at").first()
    if review is None or review.status != FaceReview.Status.REFUSED or review.decided_at is None:
        return None
    if FaceAttempt.objects.filter(
        participant=participant, created_at__gt=review.decided_at
    ).exists():
        return None
    return review


def pending_reviews() -> QuerySet[FaceReview]:
    """The verifiers' queue: oldest first, the member waits on each."""
    return (
        FaceReview.objects.filter(status=FaceReview.Status.PENDING)
        .select_related("attempt", "participant")
        .order_by("created_at", "pk")
    )


def failed_attempts(*, participant: Participant, limit: int = 10) -> QuerySet[FaceAttempt]:
    """The member's latest attempts that did not pass, with their evidence."""
    return (
        FaceAttempt.objects.filter(participant=participant)
        .exclude(outcome=Outcome.PASSED)
        .select_related("helper")
        .order_by("-created_at")[:limit]
    )


@dataclass(frozen=True, slots=True)
class DeskQuestion:
    code: str
    question: str
    answer: str  # from the member's records: shown to the officer only


def _records(participant: Participant) -> dict[str, DeskQuestion]:
    latest = (
        Membership.objects.filter(participant=participant)
        .select_related("employer")
        .order_by("-start_date", "-pk")
        .first()
    )
    if latest is None:
        return {}
    first_paid = (
        Contribution.objects.filter(membership__participant=participant).order_by("period").first()
    )
    known = {
        "employer": DeskQuestion(
            "employer", str(_("Where did you work last? (employer's name)")), latest.employer.name
        ),
        "kpj_last4": DeskQuestion(
            "kpj_last4", str(_("The last four digits of your KPJ number")), latest.kpj[-4:]
        ),
        "membership_start": DeskQuestion(
            "membership_start",
            str(_("The month and year you joined through that employer")),
            latest.start_date.strftime("%m/%Y"),
        ),
    }
    if first_paid is not None:
        known["first_contribution_year"] = DeskQuestion(
            "first_contribution_year",
            str(_("The year your first contribution was paid")),
            str(first_paid.period.year),
        )
    return known


def desk_questions_pick(*, participant: Participant) -> list[str]:
    """Codes of the questions to ask, picked at random from the member's records, so
    someone who sat in on one check cannot learn the next one's answers."""
    codes = sorted(_records(participant))
    picker = secrets.SystemRandom()
    return picker.sample(codes, min(DESK_QUESTIONS_ASKED, len(codes)))


def desk_questions(*, participant: Participant, codes: list[str]) -> list[DeskQuestion]:
    """The questions of a check with the answers on record, for the officer's screen."""
    known = _records(participant)
    return [known[code] for code in codes if code in known]
