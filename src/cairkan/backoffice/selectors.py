"""What officers read: the claims of their branches, the work queue in deadline order,
and why each claim waits for a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cairkan.backoffice.models import Branch, ClaimReview, ReviewEvent
from cairkan.biometrics.models import DeskCheck, FaceEvent, FaceReview, UnlockBooking
from cairkan.biometrics.selectors import pending_reviews
from cairkan.claims.models import Claim, ClaimEvent, SeparationSource, Status
from cairkan.members.models import Membership, Participant
from cairkan.screening import rules as screening_rules
from cairkan.workdays.selectors import add_working_days

# BPJS Ketenagakerjaan's service level for JHT: paid within 1 working day for balances up
# to Rp 10 juta, 5 working days above (domain reference, Service levels), counted from a
# complete application on the service's one working-day calendar.
SLA_SMALL_BALANCE = 10_000_000  # Rp
SLA_SMALL_DAYS = 1
SLA_LARGE_DAYS = 5

# Claims waiting for a person; needs_fix waits for the member and is a stage filter only.
QUEUE_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)
STAGE_FILTERS = (Status.SUBMITTED, Status.IN_REVIEW, Status.NEEDS_FIX)

# Why a person must look at a claim, in words (never the raw code on a page).
REVIEW_REASON_LABELS: dict[str, Any] = {
    "member_separation_date": _(
        "Separation date declared by the member: check it with the employer"
    ),
    "flagged_fields": _("The member marked prefilled data as wrong"),
    "resubmitted": _("The member sent a correction"),
    "escalated": _("Escalated to a supervisor"),
    "second_approval": _("Approved once: a second person must approve"),
    "assisted_channel": _("Assisted channel: verified by an officer in a call or at the counter"),
    "not_straight_through": _("Not approved automatically: an officer decides"),
    # Risk checks (straight-through processing's rules) as they are named there.
    "same_person_elsewhere": _("Another claim for the same person or KPJ is in progress"),
    "deceased": _("The registry records the member as deceased"),
    "bank_account_shared": _("The bank account is used by another member"),
    "recent_contact_change": _("Contact details changed in the last days"),
    "recent_bank_change": _("Bank details changed in the last days"),
    "member_declared_separation": _(
        "Separation date declared by the member: check it with the employer"
    ),
    "flagged_prefill": _("The member marked prefilled data as wrong"),
    "face_review_band": _("The face check result needs a person's look"),
    "amount_above_ceiling": _("The amount is above the straight-through ceiling"),
}


def reason_label(code: str) -> str:
    label = REVIEW_REASON_LABELS.get(code)
    if label is None and code in screening_rules.RULE_BY_CODE:
        # Straight-through processing's own codes, in its own words (screening.rules).
        return screening_rules.label(code)
    if label is None:
        return str(_("Flagged by a risk check (%(code)s)") % {"code": code})
    return str(label)


def four_eyes_limit() -> int:
    """Above this gross amount (Rp) approval needs two different people."""
    return int(settings.CAIRKAN_FOUR_EYES_ABOVE)


def with_regency(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Each claim with ``regency``: the regency of the member's latest employer."""
    latest = Membership.objects.filter(participant=OuterRef("participant")).order_by(
        "-start_date", "-pk"
    )
    return claims.annotate(
        regency=Substr(Subquery(latest.values("employer__district_code")[:1]), 1, 5)
    )


def sees_all_branches(user: Any) -> bool:
    return bool(user.has_perm("backoffice.view_all_branches"))


def user_branches(user: Any) -> list[Branch]:
    if sees_all_branches(user):
        return list(Branch.objects.all())
    return list(Branch.objects.filter(postings__user=user))


def visible_claims(user: Any) -> QuerySet[Claim]:
    """The claims ``user`` may read: their branches' (or every branch's with the right).
    A claim whose regency no branch serves is seen only with the right to all."""
    claims = with_regency(Claim.objects.select_related("participant"))
    if sees_all_branches(user):
        return claims
    regencies = {code for branch in user_branches(user) for code in branch.regency_codes}
    return claims.filter(**{"regency__in": sorted(regencies)})


def branch_of(regency: str | None, branches: Iterable[Branch]) -> Branch | None:
    for branch in branches:
        if regency in branch.regency_codes:
            return branch
    return None


def complete_since(claim: Claim) -> datetime:
    """When the application was last complete: filed, or sent back corrected."""
    annotated: datetime | None = getattr(claim, "complete_at", None)
    if annotated is not None:
        return annotated
    event = (
        ClaimEvent.objects.filter(claim=claim, to_status=Status.SUBMITTED)
        .order_by("-at", "-pk")
        .first()
    )
    return event.at if event else claim.submitted_at


def sla_days(claim: Claim) -> int:
    return SLA_SMALL_DAYS if claim.balance <= SLA_SMALL_BALANCE else SLA_LARGE_DAYS


def sla_deadline(claim: Claim, cache: dict[tuple[date, int], date] | None = None) -> date:
    """The day the service level ends; ``cache`` shares the calendar's answers between
    the claims of one queue (many start on the same day)."""
    key = (timezone.localdate(complete_since(claim)), sla_days(claim))
    if cache is None:
        return add_working_days(*key)
    if key not in cache:
        cache[key] = add_working_days(*key)
    return cache[key]


def with_queue_facts(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Each claim with ``complete_at`` and ``resubmitted``, read in the same query (the
    queue shows hundreds of claims: no query per claim)."""
    latest_complete = ClaimEvent.objects.filter(
        claim=OuterRef("pk"), to_status=Status.SUBMITTED
    ).order_by("-at", "-pk")
    return claims.annotate(
        complete_at=Coalesce(Subquery(latest_complete.values("at")[:1]), F("submitted_at")),
        resubmitted=Exists(
            ClaimEvent.objects.filter(
                claim=OuterRef("pk"),
                to_status=Status.SUBMITTED,
                actor="member",
                reason__startswith="corrected",  # claims.services.claim_correct's event
            )
        ),
    )


def review_reasons(claim: Claim, review: ClaimReview | None) -> list[str]:
    """Why this claim waits for a person: the risk flags straight-through processing
    wrote (``Claim.review_reasons`` when present), the member's own declarations and
    flags, and the back office's own steps."""
    codes: list[str] = list(getattr(claim, "review_reasons", None) or [])
    if claim.separation_date_source == SeparationSource.MEMBER:
        codes.append("member_separation_date")
    if claim.flagged_fields:
        codes.append("flagged_fields")
    if claim.channel != "app":
        codes.append("assisted_channel")
    resubmitted = getattr(claim, "resubmitted", None)
    if resubmitted is None:  # a claim read without with_queue_facts
        resubmitted = ClaimEvent.objects.filter(
            claim=claim, to_status=Status.SUBMITTED, actor="member", reason__startswith="corrected"
        ).exists()
    if resubmitted:
        codes.append("resubmitted")
    if review is not None and review.escalated_at:
        codes.append("escalated")
    if review is not None and review.first_approver_id:
        codes.append("second_approval")
    if not codes:
        codes.append("not_straight_through")
    return list(dict.fromkeys(codes))


@dataclass
class QueueItem:
    claim: Claim
    review: ClaimReview | None
    branch: Branch | None
    deadline: date
    urgency: str  # "breached", "today", "soon", "ok"
    reasons: list[str] = field(default_factory=list)

    @property
    def reason_labels(self) -> list[str]:
        return [reason_label(code) for code in self.reasons]


def urgency(deadline: date, today: date, next_working_day: date | None = None) -> str:
    """Past the deadline, due today, due by the next working day, or not yet."""
    if deadline < today:
        return "breached"
    if deadline == today:
        return "today"
    if deadline <= (next_working_day or add_working_days(today, 1)):
        return "soon"
    return "ok"


@dataclass(frozen=True)
class QueueFilters:
    channel: str = ""
    reason: str = ""
    branch: str = ""
    stage: str = ""
    mine: bool = False
    urgent: bool = False


def work_queue(user: Any, filters: QueueFilters, *, today: date | None = None) -> list[QueueItem]:
    """The claims waiting for a person that ``user`` may read, the nearest deadline first."""
    today = today or timezone.localdate()
    statuses = [filters.stage] if filters.stage in STAGE_FILTERS else list(QUEUE_STATUSES)
    claims = with_queue_facts(visible_claims(user).filter(status__in=statuses))
    if filters.channel:
        claims = claims.filter(channel=filters.channel)
    branches = user_branches(user)
    if filters.branch:
        chosen = [b for b in branches if b.code == filters.branch]
        chosen_codes = sorted({c for b in chosen for c in b.regency_codes})
        claims = claims.filter(**{"regency__in": chosen_codes})
    reviews = {
        r.claim_id: r
        for r in ClaimReview.objects.filter(claim__in=claims).select_related(
            "assignee", "first_approver"
        )
    }
    next_working_day = add_working_days(today, 1)
    items = []
    calendar: dict[tuple[date, int], date] = {}
    for claim in claims:
        review = reviews.get(claim.pk)
        if filters.mine and (review is None or review.assignee_id != user.pk):
            continue
        reasons = review_reasons(claim, review)
        if filters.reason and filters.reason not in reasons:
            continue
        deadline = sla_deadline(claim, calendar)
        how_urgent = urgency(deadline, today, next_working_day)
        if filters.urgent and how_urgent == "ok":
            continue
        items.append(
            QueueItem(
                claim=claim,
                review=review,
                branch=branch_of(getattr(claim, "regency", None), branches),
                deadline=deadline,
                urgency=how_urgent,
                reasons=reasons,
            )
        )
    items.sort(key=lambda item: (item.deadline, item.claim.submitted_at, item.claim.pk))
    return items


def visible_claim(user: Any, public_id: Any) -> Claim | None:
    return visible_claims(user).filter(public_id=public_id).first()


@dataclass
class StageFigure:
    status: str
    label: str
    count: int
    oldest_days: int


@dataclass
class OfficerFigure:
    username: str
    decided: int
    claims: list[Claim]


@dataclass
class Supervision:
    stages: list[StageFigure]
    urgent: list[QueueItem]
    officers: list[OfficerFigure]
    held: list[ClaimReview]
    taken_today: int
    released_today: int
    approved_today: int
    approved_by_system_today: int
    face_locked_today: int
    face_unlocked_today: int


def supervision(user: Any, *, now: datetime | None = None) -> Supervision:
    """The supervisor's figures over the claims ``user`` may read, each with the claims
    behind it: queue sizes and ages per stage, what is about to breach, each officer's
    decisions today, who holds which claim, taken and released today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    claims = visible_claims(user)
    stages = []
    for status in (*STAGE_FILTERS, Status.APPROVED):
        in_stage = claims.filter(status=status)
        oldest = in_stage.order_by("submitted_at").first()
        stages.append(
            StageFigure(
                status=status,
                label=str(Status(status).label),
                count=in_stage.count(),
                oldest_days=(today - timezone.localdate(oldest.submitted_at)).days if oldest else 0,
            )
        )
    urgent = [
        item
        for item in work_queue(user, QueueFilters(), today=today)
        if item.urgency in ("breached", "today", "soon")
    ]
    decided = (
        ClaimEvent.objects.filter(
            claim__in=claims.values("pk"),
            actor="officer",
            at__gte=start,
            to_status__in=(Status.APPROVED, Status.REJECTED, Status.NEEDS_FIX),
        )
        .select_related("acting_user", "claim__participant")
        .order_by("acting_user__username", "at")
    )
    by_officer: dict[str, OfficerFigure] = {}
    for event in decided:
        name = event.acting_user.get_username() if event.acting_user else "?"
        figure = by_officer.setdefault(name, OfficerFigure(name, 0, []))
        figure.decided += 1
        figure.claims.append(event.claim)
    reviews_today = ReviewEventCounts.of(claims, start)
    approved = ClaimEvent.objects.filter(
        claim__in=claims.values("pk"), to_status=Status.APPROVED, at__gte=start
    )
    # The face step's locks and the officers' unlocks (video call), for the branch's members.
    face_today = FaceEvent.objects.filter(
        created_at__gte=start,
        participant__in=Participant.objects.filter(_members_of(user)).values("pk"),
    )
    return Supervision(
        stages=stages,
        urgent=urgent,
        officers=list(by_officer.values()),
        held=list(
            ClaimReview.objects.filter(claim__in=claims.values("pk"), assignee__isnull=False)
            .select_related("assignee", "claim__participant")
            .order_by("assigned_at")
        ),
        taken_today=reviews_today.taken,
        released_today=reviews_today.released,
        approved_today=approved.count(),
        approved_by_system_today=approved.filter(actor="system").count(),
        face_locked_today=face_today.filter(kind=FaceEvent.Kind.LOCKED).count(),
        face_unlocked_today=face_today.filter(kind=FaceEvent.Kind.UNLOCKED).count(),
    )


def _members_of(user: Any) -> Q:
    """Members whose latest employer's regency is one of the user's branches' (all for
    the right to every branch)."""
    if sees_all_branches(user):
        return Q()
    regencies = sorted({code for branch in user_branches(user) for code in branch.regency_codes})
    if not regencies:
        return Q(pk__in=[])
    area = Q()
    for regency in regencies:
        area |= Q(memberships__employer__district_code__startswith=f"{regency}.")
    return area


@dataclass
class ReviewEventCounts:
    taken: int
    released: int

    @classmethod
    def of(cls, claims: QuerySet[Claim], since: datetime) -> ReviewEventCounts:
        events = ReviewEvent.objects.filter(claim__in=claims.values("pk"), at__gte=since)
        return cls(
            taken=events.filter(action=ReviewEvent.Action.TAKEN).count(),
            released=events.filter(action=ReviewEvent.Action.RELEASED).count(),
        )


def members_visible_to(user: Any) -> QuerySet[Participant]:
    """The members whose records ``user`` may read: their branches' (all with the right)."""
    return Participant.objects.filter(_members_of(user)).distinct()


# --- the face desk (issue 13.2, 13.3): members of the officer's branches -------------------


def visible_participants(user: Any) -> QuerySet[Participant]:
    """The members ``user`` may check at the desk: those of their branches (every one
    with the right to all branches), as claims are scoped."""
    return Participant.objects.filter(_members_of(user)).distinct()


def visible_participant(user: Any, identifier: str) -> Participant | None:
    """A member of the officer's branches by NIK (16 digits) or KPJ (11 digits)."""
    digits = "".join(ch for ch in identifier if ch.isdigit())
    if len(digits) == 16:
        found = Q(nik=digits)
    elif len(digits) == 11:
        found = Q(memberships__kpj=digits)
    else:
        return None
    return visible_participants(user).filter(found).first()


def desk_bookings(user: Any) -> QuerySet[UnlockBooking]:
    """Booked unlock calls of the officer's branches' members, earliest first (a missed
    one stays until an officer decides it)."""
    return (
        UnlockBooking.objects.filter(
            status=UnlockBooking.Status.BOOKED,
            participant__in=visible_participants(user).values("pk"),
        )
        .select_related("participant")
        .order_by("starts_at", "pk")
    )


def desk_checks_open(user: Any) -> QuerySet[DeskCheck]:
    return (
        DeskCheck.objects.filter(
            status=DeskCheck.Status.OPEN,
            participant__in=visible_participants(user).values("pk"),
        )
        .select_related("participant", "officer", "booking")
        .order_by("started_at")
    )


def visible_desk_check(user: Any, public_id: Any) -> DeskCheck | None:
    return (
        DeskCheck.objects.filter(
            public_id=public_id, participant__in=visible_participants(user).values("pk")
        )
        .select_related("participant", "booking", "officer")
        .first()
    )


def review_queue(user: Any) -> QuerySet[FaceReview]:
    return pending_reviews().filter(participant__in=visible_participants(user).values("pk"))


def visible_review(user: Any, public_id: Any) -> FaceReview | None:
    return (
        FaceReview.objects.filter(
            public_id=public_id, participant__in=visible_participants(user).values("pk")
        )
        .select_related("attempt", "participant", "decided_by")
        .first()
    )
