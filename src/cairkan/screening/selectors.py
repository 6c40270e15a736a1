"""Reads for screening: the facts the risk rules judge, gathered in one place."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max

from cairkan.accounts.models import AccountEvent
from cairkan.biometrics.models import FaceAttempt, FaceReview, Outcome, Purpose
from cairkan.claims.models import (
    OPEN_STATUSES,
    Claim,
    Claimant,
    ClaimEvent,
    SeparationSource,
    Status,
)
from cairkan.claims.services import ClaimError, ClaimRequest, claim_preview
from cairkan.integrations import loading
from cairkan.integrations.registry.base import (
    RegistryError,
    RegistryPerson,
    RegistryTimeout,
    RegistryUnavailable,
)
from cairkan.members.names import compare_names
from cairkan.screening.rules import Facts


def filing_event(claim: Claim) -> ClaimEvent | None:
    """The claim's latest move into ``submitted``: the filing being screened."""
    return claim.events.filter(to_status=Status.SUBMITTED).order_by("-at", "-pk").first()


class RegistryOutage(Exception):
    """The registry did not answer now; the same question may be answered later."""


def _registry(nik: str, *, wait_out_outage: bool) -> RegistryPerson | None:
    """The registry's record, or None when it has none (or, unless told to wait out an
    outage, when it does not answer: an unconfirmed identity, for a person to check)."""
    try:
        return loading.population_registry().lookup(nik)
    except (RegistryTimeout, RegistryUnavailable):
        if wait_out_outage:
            raise RegistryOutage(nik) from None
        return None
    except RegistryError:
        return None


def _duplicate_claims(claim: Claim) -> tuple[str, ...]:
    """Other open claims of this person: on the same record, or on another record with
    the same birth date and the same name (one person registered twice)."""
    person = claim.participant
    candidates = (
        Claim.objects.filter(status__in=OPEN_STATUSES, participant__birth_date=person.birth_date)
        .exclude(pk=claim.pk)
        .select_related("participant")
    )
    return tuple(
        str(other.public_id)
        for other in candidates
        if other.participant_id == person.pk
        or compare_names(other.participant.full_name, person.full_name).same
    )


def _rules_agree(claim: Claim, now: datetime) -> tuple[bool, str]:
    """The rules on today's records give the claim's own answer: still eligible, the
    same gross, tax and net, still allowed in the app when filed there."""
    request = ClaimRequest(
        reason=claim.reason,
        separation_date=claim.separation_date
        if claim.separation_date_source == SeparationSource.MEMBER
        else None,
        bank_code=claim.bank_code,
        account_number=claim.account_number,
        npwp=claim.npwp,
    )
    try:
        preview = claim_preview(participant=claim.participant, request=request, now=now)
    except ClaimError as exc:
        return False, exc.code
    decision = preview.decision
    if not decision.eligible:
        return False, "not eligible: " + ",".join(decision.refusals)
    if (decision.gross, decision.tax, decision.net) != (claim.gross, claim.tax, claim.net):
        return False, f"amounts now {decision.gross}/{decision.tax}/{decision.net}"
    if claim.channel == "app" and "app" not in decision.channels:
        return False, "no longer allowed in the app"
    return True, ""


def screening_facts(
    *, claim: Claim, filed_at: datetime, now: datetime, wait_out_outage: bool = False
) -> Facts:
    """Raises ``RegistryOutage`` when ``wait_out_outage`` and the registry is down."""
    person = claim.participant
    registry = _registry(person.nik, wait_out_outage=wait_out_outage)
    name_of_record = registry.full_name if registry else person.full_name
    heir = Claimant.objects.filter(claim=claim).first()
    if heir is not None:  # a death claim is paid to the heir, in the heir's name
        name_of_record = heir.full_name
    other_accounts = (
        Claim.objects.filter(participant=person, submitted_at__lte=filed_at)
        .exclude(pk=claim.pk)
        .exclude(bank_code=claim.bank_code, account_number=claim.account_number)
        .aggregate(last=Max("submitted_at"))["last"]
    )
    # claim_correct's reason lists the items sent back: "bank" is a new account (an item
    # "document:bank_account" is only the savings book's photo again).
    bank_corrected = claim.events.filter(reason__regex=r"^corrected: (.*, )?bank(,|$)").aggregate(
        last=Max("at")
    )["last"]
    changes = [moment for moment in (other_accounts, bank_corrected) if moment is not None]
    agree, note = _rules_agree(claim, now)
    return Facts(
        filed_at=filed_at,
        channel=claim.channel,
        gross=claim.gross,
        flagged_fields=tuple(claim.flagged_fields),
        separation_declared_by_member=claim.separation_date_source == SeparationSource.MEMBER,
        registry_found=registry is not None,
        registry_deceased=bool(registry and registry.deceased),
        registry_same_birth_date=bool(registry and registry.birth_date == person.birth_date),
        registry_same_name=bool(
            registry and compare_names(registry.full_name, person.full_name).same
        ),
        holder_matches_name=compare_names(claim.account_holder, name_of_record).same,
        duplicate_claims=_duplicate_claims(claim),
        account_shared_with=Claim.objects.filter(
            bank_code=claim.bank_code, account_number=claim.account_number
        )
        .exclude(participant=person)
        .values("participant")
        .distinct()
        .count(),
        # A change after the filing but before screening counts too: the payment is ahead.
        contact_changed_at=AccountEvent.objects.filter(
            participant=person, kind=AccountEvent.Kind.CONTACT_CHANGED
        ).aggregate(last=Max("created_at"))["last"],
        bank_changed_at=max(changes) if changes else None,
        # A borderline result a verifier accepted was decided by a person already (the
        # face review queue); one still pending or refused is for a person to see.
        face_review_at=FaceAttempt.objects.filter(
            participant=person,
            purpose=Purpose.CLAIM,
            outcome=Outcome.REVIEW,
            created_at__lte=filed_at,
        )
        .exclude(review__status=FaceReview.Status.ACCEPTED)
        .aggregate(last=Max("created_at"))["last"],
        rules_agree=agree,
        rules_note=note,
        returned_after_correction=claim.events.filter(to_status=Status.NEEDS_FIX).exists(),
        filed_by_heir=heir is not None,
    )


def claims_awaiting_screening() -> list[int]:
    """Ids of claims still ``submitted`` whose filing has no screening result: a broker
    that lost the task, a worker that died, or a screening that failed."""
    waiting = []
    for claim in Claim.objects.filter(status=Status.SUBMITTED).order_by("pk"):
        filing = filing_event(claim)
        if filing is not None and not hasattr(filing, "screening"):
            waiting.append(claim.pk)
    return waiting
