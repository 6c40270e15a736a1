"""Filing a claim and moving it through its life, every change an audited event.

``claim_submit`` is idempotent: a double tap, a retry after a time-out or a second tab
with the same Idempotency-Key returns the first claim; one claim may be open per member.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cairkan.accounts import throttle
from cairkan.accounts.closure import account_close_deceased, account_closed
from cairkan.audit.services import audit_record
from cairkan.biometrics.selectors import claim_face_passed
from cairkan.claims import appointments, drafts
from cairkan.claims.counter import claim_number, consent_text
from cairkan.claims.heirs import HeirInfo
from cairkan.claims.models import (
    OPEN_STATUSES,
    AppointmentKind,
    Channel,
    Claim,
    Claimant,
    ClaimDraft,
    ClaimEvent,
    CounterConsent,
    DocumentUpload,
    SeparationSource,
    Status,
)
from cairkan.claims.signals import payout_account_changed, send_claim_filed_on_commit
from cairkan.integrations import loading
from cairkan.integrations.bank.base import (
    AccountNotFound,
    AccountStatus,
    BankTimeout,
    BankUnavailable,
    UnknownBank,
)
from cairkan.integrations.registry.base import RegistryError
from cairkan.jht import Case, Decision, PriorPayout, Reason, decide
from cairkan.members.balances import participant_balance
from cairkan.members.identifiers import validate_npwp
from cairkan.members.models import Participant
from cairkan.members.names import compare_names
from cairkan.members.selectors import paid_withdrawals
from cairkan.notifications.gateway import notify
from cairkan.workdays.selectors import add_working_days

FACE_VALID_FOR = timedelta(minutes=15)
# Account numbers that are not the member's own (unknown, or someone else's), per member:
# a member who mistypes twice or thrice goes on; someone typing numbers to find whose
# they are stops (issue 14.4). The member's own account never counts.
BANK_CHECK_LIMIT = throttle.Limit("bank_check", 5, timedelta(hours=1))
BANK_CHECK_DAY_LIMIT = throttle.Limit("bank_check_day", 10, timedelta(days=1))
BANK_CHECK_COUNTED = frozenset({"bank_account_unknown", "bank_holder_mismatch"})
# Which moves a claim may make (architecture: claim lifecycle).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.SUBMITTED: (
        Status.IN_REVIEW,
        Status.APPROVED,
        Status.NEEDS_FIX,
        Status.REJECTED,
        Status.CANCELLED,
    ),
    Status.IN_REVIEW: (Status.APPROVED, Status.NEEDS_FIX, Status.REJECTED),
    Status.NEEDS_FIX: (Status.SUBMITTED, Status.CANCELLED),
    # The payout moves these (cairkan.payouts): to payout_queued when the bank has the
    # transfer, or straight to paid / payout_failed when its first answer is final.
    Status.APPROVED: (Status.PAYOUT_QUEUED, Status.PAID, Status.PAYOUT_FAILED),
    Status.PAYOUT_QUEUED: (Status.PAID, Status.PAYOUT_FAILED),
    Status.PAYOUT_FAILED: (Status.PAYOUT_QUEUED, Status.CANCELLED),
}
# The five stages members know from BPJS by these names, and where each status sits.
STAGES = ("Agenda Klaim", "Penetapan Klaim", "Persetujuan Klaim", "Pembayaran Klaim", "Selesai")
STAGE_OF = {
    Status.SUBMITTED: 0,
    Status.IN_REVIEW: 1,
    Status.NEEDS_FIX: 1,
    Status.APPROVED: 2,
    Status.PAYOUT_QUEUED: 3,
    Status.PAYOUT_FAILED: 3,
    Status.PAID: 4,
    Status.REJECTED: 1,
    Status.CANCELLED: 0,
}


class ClaimError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    reason: str
    separation_date: date | None
    bank_code: str
    account_number: str
    npwp: str = ""
    prefer_branch: bool = False
    # The officer's verification on the assisted channels: "video" or "branch", and when.
    appointment_kind: str = ""
    appointment_at: datetime | None = None
    # Prefilled facts the member flagged as wrong (drafts.FLAGGABLE) and their note.
    flagged: tuple[str, ...] = ()
    note: str = ""
    # Filed by an officer for a member present at the counter (Channel.COUNTER).
    at_counter: bool = False
    # A death claim filed for an heir under 18: the rules then ask for the guardian's letter.
    heir_is_minor: bool = False


@dataclass(frozen=True, slots=True)
class CounterFiling:
    """An officer filing at the counter for the member standing there: who files, and the
    member's consent exactly as it was read to them (``claims.counter.consent_text``)."""

    officer: Any
    consent_text: str
    consent_method: str


@dataclass(frozen=True, slots=True)
class HelperInfo:
    """A relative filling the form on their own phone for a member who is present."""

    name: str
    relation: str
    phone: str


@dataclass(frozen=True, slots=True)
class Preview:
    """What filing would give today: the decision, the channel and the payment date."""

    case: Case
    decision: Decision
    channel: str
    payment_due: date
    # Who gave the separation date: the employer, the member (an officer checks it), or "".
    separation_source: str = ""


def reported_separation_date(participant: Participant) -> date | None:
    """The day the employer reported the member stopped working (latest membership)."""
    latest = participant.memberships.order_by("start_date").last()
    return latest.separation_date if latest else None


def _separation(
    reason: Reason, reported: date | None, typed: date | None
) -> tuple[date | None, str]:
    """The separation date the rules use, and who gave it.

    The employer's report governs whenever there is one: the waiting period runs from it
    (Permenaker 4/2022 Art. 8-11), so a different date the member types is refused, never
    used. Only without a report does the member's own date count, and then as declared by
    the member, for an officer to check with the employer.
    """
    if reported is not None:
        if typed is not None and typed != reported:
            raise ClaimError("separation_date_reported", reported=reported.isoformat())
        return reported, SeparationSource.EMPLOYER
    if typed is not None and reason.needs_separation_date:
        return typed, SeparationSource.MEMBER
    return None, ""


def _case(participant: Participant, request: ClaimRequest, as_of: date) -> tuple[Case, str]:
    """The case the rules decide, and the source of its separation date."""
    memberships = list(participant.memberships.order_by("start_date"))
    if not memberships:
        raise ClaimError("no_membership")
    latest = memberships[-1]
    reason = Reason(request.reason)
    separation, source = _separation(reason, latest.separation_date, request.separation_date)
    case = Case(
        as_of=as_of,
        reason=reason,
        birth_date=participant.birth_date,
        retirement_age=latest.contractual_retirement_age,
        membership_start=memberships[0].start_date,
        membership_active=latest.status == "active",
        separation_date=separation,
        balance=participant_balance(participant=participant, as_of=as_of),
        has_npwp=bool(request.npwp),
        heir_is_minor=request.heir_is_minor,
        # The paid history (PP 46/2015 Art. 22: one partial withdrawal; PP 68/2009: the
        # payments that share a tax band) is the withdrawal ledger.
        prior_payouts=tuple(
            PriorPayout(w.paid_on, Reason(w.reason), w.gross)
            for w in paid_withdrawals(participant=participant, as_of=as_of)
        ),
    )
    return case, source


def check_bank_account(
    *, participant: Participant, bank_code: str, account_number: str, payee_name: str = ""
) -> str:
    """The account exists, can receive money and is in the member's own name (tolerant
    of titles, spacing and abbreviations); returns the holder's name as the bank has it.

    The answer about someone else's account is only "not in your name": never the
    holder's name nor whether it is dormant or closed, so typing numbers learns nothing
    about strangers. Numbers that are not the member's own are limited per member (what
    a prober cannot vary, unlike an address); the member's own account costs no try.

    An heir's death claim is paid to the heir: ``payee_name`` is the heir's (registry) name."""
    limits = [(BANK_CHECK_LIMIT, str(participant.pk)), (BANK_CHECK_DAY_LIMIT, str(participant.pk))]
    try:
        ticket = throttle.take(limits)
    except throttle.Throttled as exc:
        raise ClaimError("bank_check_throttled", until=exc.until) from None
    try:
        holder = _own_account_holder(participant, bank_code, account_number, payee_name)
    except ClaimError as exc:
        if exc.code not in BANK_CHECK_COUNTED:
            throttle.give_back(ticket)
        raise
    except BaseException:
        throttle.give_back(ticket)
        raise
    throttle.give_back(ticket)
    return holder


def _own_account_holder(
    participant: Participant, bank_code: str, account_number: str, payee_name: str
) -> str:
    try:
        holder = loading.bank().inquire_account(bank_code=bank_code, account_number=account_number)
    except (UnknownBank, AccountNotFound):
        raise ClaimError("bank_account_unknown") from None
    except (BankTimeout, BankUnavailable):
        raise ClaimError("bank_unavailable") from None
    if payee_name:
        registry_name = payee_name
    else:
        try:
            registry_name = loading.population_registry().lookup(participant.nik).full_name
        except RegistryError:
            registry_name = participant.full_name
    if not compare_names(holder.holder_name, registry_name).same:
        raise ClaimError("bank_holder_mismatch", name=registry_name)
    if holder.status is not AccountStatus.ACTIVE:  # the member's own account: say why
        raise ClaimError(f"bank_account_{holder.status.value}")
    return holder.holder_name


def claim_preview(
    *, participant: Participant, request: ClaimRequest, now: datetime | None = None
) -> Preview:
    """The rules on the member's own records for this request, and the channel it takes:
    the app when the rules allow it and the member did not ask for the branch, else the
    online assisted channel (video call) or the branch (domain reference, Channels)."""
    try:
        Reason(request.reason)
    except ValueError:
        raise ClaimError("reason_unknown") from None
    as_of = timezone.localdate(now or timezone.now())
    case, source = _case(participant, request, as_of)
    decision = decide(case)
    wants_branch = request.prefer_branch or request.appointment_kind == AppointmentKind.BRANCH
    return Preview(
        case=case,
        decision=decision,
        channel=channel_for(decision, wants_branch=wants_branch, at_counter=request.at_counter),
        payment_due=payment_due(as_of, decision.payment_within_working_days),
        separation_source=source,
    )


def channel_for(decision: Decision, *, wants_branch: bool, at_counter: bool = False) -> str:
    """The app when the rules allow it and the member did not ask for the branch, else
    the branch when asked, else online with an officer (domain reference, Channels). A
    claim an officer files at the counter is the rules' branch channel: any eligible
    claim, on the counter channel."""
    if at_counter:
        return Channel.COUNTER
    if "app" in decision.channels and not wants_branch:
        return Channel.APP
    return Channel.BRANCH if wants_branch else Channel.ONLINE_ASSISTED


# Refusals the member lifts inside the wizard itself: the NPWP is given on the bank
# screen (PP 68/2009 threshold), so it never stops a member before they start.
LIFTED_IN_WIZARD = frozenset({"npwp_missing"})


def blocking_refusals(decision: Decision) -> tuple[str, ...]:
    """The refusals that stop a claim before any effort (all but those the wizard lifts)."""
    return tuple(code for code in decision.refusals if code not in LIFTED_IN_WIZARD)


def _refuse_early(
    participant: Participant, draft: ClaimDraft, step: str, cleaned: dict[str, Any]
) -> None:
    """Tell "not yet" on the screen that decides it (reason, or the date the member
    types), never after the uploads, the face check, the bank and the booking."""
    answered = ClaimDraft(participant=participant, data={**draft.data, step: cleaned})
    request = request_from_draft(answered)
    if not request.reason:
        return
    reason = Reason(request.reason)
    if (
        step == "data"
        and reason.needs_separation_date
        and reported_separation_date(participant) is None
        and request.separation_date is None
    ):
        # Without the employer's report the waiting period runs from the member's date
        # (Permenaker 4/2022 Art. 8-11): it is needed to tell them when they can claim.
        raise drafts.DraftError("separation_date", "separation_date_required")
    decision = claim_preview(participant=participant, request=request).decision
    refusals = blocking_refusals(decision)
    if refusals:
        raise ClaimError(
            "not_eligible",
            refusals=list(refusals),
            decision=decision,
            explanations=[e for e in decision.explain("id") if e["code"] in refusals],
        )


def _appointment_kind(channel: str, request: ClaimRequest) -> str:
    """The appointment the channel needs: none in the app, a video call online, a visit
    at the branch."""
    if channel in (Channel.APP, Channel.COUNTER):  # at the counter the officer sees them now
        return ""
    kind = AppointmentKind.BRANCH if channel == Channel.BRANCH else AppointmentKind.VIDEO
    if request.appointment_at is None:
        raise ClaimError("appointment_required", kind=kind)
    return kind


def _documents_ready(draft: ClaimDraft | None, required: tuple[str, ...]) -> list[DocumentUpload]:
    """Every required document uploaded and readable, or the list of those missing."""
    uploads = (
        list(draft.uploads.filter(state=DocumentUpload.State.COMPLETE, kind__in=required))
        if draft
        else []
    )
    missing = [code for code in required if code not in {u.kind for u in uploads}]
    if missing:
        raise ClaimError("documents_missing", missing=missing)
    return uploads


def payment_due(start: date, working_days: int) -> date:
    """The day payment is due: the service level's working days after ``start``, on the
    service's calendar (weekends, public holidays, cuti bersama and closures off)."""
    return add_working_days(start, working_days)


def _event(
    claim: Claim,
    from_status: str,
    to_status: str,
    *,
    actor: str,
    acting_user: Any = None,
    reason: str = "",
    at: datetime | None = None,
) -> None:
    ClaimEvent.objects.create(
        claim=claim,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        acting_user=acting_user,
        reason=reason,
        at=at or timezone.now(),
    )
    audit_record(
        actor_kind=actor,
        actor_user=acting_user,
        action="claim.submit" if not from_status else "claim.transition",
        subject=claim,
        before={"status": from_status} if from_status else None,
        after={"status": to_status},
        why=reason,
    )


def claim_submit(
    *,
    participant: Participant,
    request: ClaimRequest,
    idempotency_key: str,
    helper: Any = None,
    helper_info: HelperInfo | None = None,
    counter: CounterFiling | None = None,
    heir: HeirInfo | None = None,
    now: datetime | None = None,
) -> Claim:
    """File a claim. The same key returns the same claim; nothing is filed twice.

    A death claim is filed only by an heir (``heir``, checked by ``claims.heirs``): the
    participant is the deceased member, the money goes to the heir's account in the
    heir's name, and the member's account is closed in the same transaction.

    The draft's uploads become the claim's documents and the draft is deleted, in the
    same transaction as the claim, its appointment (assisted channels) and its event.
    ``counter``: an officer files for the member present at the counter (a walk-in), with
    the member's recorded consent, on the counter channel.
    """
    if not idempotency_key or len(idempotency_key) > 64:
        raise ClaimError("idempotency_key_invalid")
    try:
        return _file(participant, request, idempotency_key, helper, helper_info, counter, heir, now)
    except ClaimError:
        # The same submission may have been filed meanwhile by another tab or a retry
        # (its draft is gone, its claim is open): that claim is the answer.
        again = Claim.objects.filter(
            participant=participant, idempotency_key=idempotency_key
        ).first()
        if again:
            return again
        raise


def _file(
    participant: Participant,
    request: ClaimRequest,
    idempotency_key: str,
    helper: Any,
    helper_info: HelperInfo | None,
    counter: CounterFiling | None,
    heir: HeirInfo | None,
    now: datetime | None,
) -> Claim:
    existing = Claim.objects.filter(
        participant=participant, idempotency_key=idempotency_key
    ).first()
    if existing:
        return existing
    relative = _checked_helper(helper_info)
    now = now or timezone.now()
    if counter is not None:
        _checked_counter(counter)
        request, helper = replace(request, at_counter=True), counter.officer
    elif request.at_counter:
        raise ClaimError("file_on_behalf_not_allowed")  # only an officer files at the counter
    if heir is None:
        _own_claim_allowed(participant, request)
    elif request.reason != Reason.DEATH:
        raise ClaimError("heir_death_only")
    elif request.heir_is_minor != heir.is_minor:
        raise ClaimError("heir_minor_mismatch")
    if Claim.objects.filter(participant=participant, status__in=OPEN_STATUSES).exists():
        raise ClaimError("claim_in_progress")
    npwp = _checked_npwp(request.npwp)
    # The member's own face check: a pass now, or a borderline result a verifier accepted
    # (biometrics decides which). At the counter only the live check on the counter's
    # camera made by this officer counts: a pass on the member's phone does not stand in.
    # An heir is checked against the registry instead (claims.heirs) and seen with their
    # e-KTP at the officer's call or counter.
    face_ok = heir is not None or claim_face_passed(
        participant=participant,
        now=now,
        valid_for=FACE_VALID_FOR,
        checked_by=counter.officer if counter is not None else None,
    )
    if not face_ok:
        raise ClaimError("face_required")
    preview = claim_preview(participant=participant, request=request, now=now)
    case, decision = preview.case, preview.decision
    if not decision.eligible:
        raise ClaimError(
            "not_eligible", refusals=decision.refusals, explanations=decision.explain("id")
        )
    appointment_kind = _appointment_kind(preview.channel, request)
    draft = ClaimDraft.objects.filter(participant=participant).first()
    uploads = _documents_ready(draft, decision.documents)
    holder = check_bank_account(
        participant=participant,
        bank_code=request.bank_code,
        account_number=request.account_number,
        payee_name=heir.full_name if heir else "",
    )
    if counter is not None:
        _consent_matches(counter, participant, request, preview, holder)
    try:
        with transaction.atomic():
            claim = Claim.objects.create(
                participant=participant,
                reason=request.reason,
                channel=preview.channel,
                separation_date=case.separation_date,
                separation_date_source=preview.separation_source,
                balance=case.balance,
                gross=decision.gross,
                tax=decision.tax,
                net=decision.net,
                documents_required=list(decision.documents),
                npwp=npwp,
                bank_code=request.bank_code,
                account_number=request.account_number,
                account_holder=holder,
                helper=helper,
                helper_name=relative.name,
                helper_relation=relative.relation,
                helper_phone=relative.phone,
                flagged_fields=[f for f in request.flagged if f in drafts.FLAGGABLE],
                member_note=request.note[:500],
                idempotency_key=idempotency_key,
                payment_due=preview.payment_due,
                submitted_at=now,
            )
            if appointment_kind:
                assert request.appointment_at is not None
                try:
                    appointments.book(
                        claim=claim,
                        kind=appointment_kind,
                        starts_at=request.appointment_at,
                        now=now,
                    )
                except appointments.AppointmentError as exc:
                    raise ClaimError(exc.code) from None
            DocumentUpload.objects.filter(pk__in=[u.pk for u in uploads]).update(
                claim=claim, draft=None
            )
            if draft is not None:
                draft.delete()  # the claim now holds the answers; the next claim starts afresh
            assisted = " with a helper" if helper or relative.name else ""
            if counter is not None:
                _counter_consent_record(claim, counter, now)
                assisted = " by the officer for the member present, with recorded consent"
            if heir is not None:
                _heir_record(claim, heir, helper)
                assisted = f" by an heir ({heir.relation})"
            _event(
                claim,
                "",
                Status.SUBMITTED,
                actor="officer" if counter is not None else "member",
                acting_user=helper,
                reason=f"filed on the {preview.channel} channel{assisted}",
                at=now,
            )
            if preview.separation_source == SeparationSource.MEMBER:
                # No employer report: the waiting period runs from the member's word, so an
                # officer checks the date with the employer before anything is paid.
                claim.status = Status.IN_REVIEW
                claim.save(update_fields=["status"])
                _event(
                    claim,
                    Status.SUBMITTED,
                    Status.IN_REVIEW,
                    actor="system",
                    reason="separation date declared by the member: an officer checks it",
                    at=now,
                )
            _notify(claim)
            send_claim_filed_on_commit(claim.pk)
    except IntegrityError:  # the same submission, or another claim, raced in
        raise ClaimError("claim_in_progress") from None
    return claim


def _checked_counter(counter: CounterFiling) -> None:
    """Only an officer holding ``claims.file_on_behalf`` files for someone at the counter
    (checked here, not only by the page), and the member's consent says how it was given."""
    officer = counter.officer
    if officer is None or not officer.has_perm("claims.file_on_behalf"):
        raise ClaimError("file_on_behalf_not_allowed")
    if counter.consent_method not in CounterConsent.Method.values:
        raise ClaimError("consent_method_unknown")
    if not counter.consent_text.strip():
        raise ClaimError("consent_outdated")


def _consent_matches(
    counter: CounterFiling,
    participant: Participant,
    request: ClaimRequest,
    preview: Preview,
    holder: str,
) -> None:
    """The consent read to the member names this very claim: if the amount, reason or
    account changed since the page showed it, the member must hear it again."""
    expected = consent_text(
        participant=participant,
        reason=request.reason,
        net=preview.decision.net,
        bank_code=request.bank_code,
        account_number=request.account_number,
        holder=holder,
        officer=counter.officer,
    )
    if " ".join(counter.consent_text.split()) != " ".join(expected.split()):
        raise ClaimError("consent_outdated")


def _counter_consent_record(claim: Claim, counter: CounterFiling, now: datetime) -> None:
    consent = CounterConsent.objects.create(
        claim=claim,
        text=counter.consent_text,
        method=counter.consent_method,
        witnessed_by=counter.officer,
        given_at=now,
    )
    audit_record(
        actor_kind="officer",
        actor_user=counter.officer,
        action="claim.counter_consent",
        subject=consent,
        participant=claim.participant_id,
        after={"claim": str(claim.public_id), "method": consent.method, "text": consent.text},
        why="the member's consent to a claim filed for them at the counter",
    )


def _own_claim_allowed(participant: Participant, request: ClaimRequest) -> None:
    """A member files for themselves only while alive: a death claim is the heirs'
    (PP 46/2015 Art. 26), and a member the registry records as deceased files nothing
    (their account is closed on the spot: whoever holds it is not the member)."""
    if request.reason == Reason.DEATH:
        raise ClaimError("death_claim_by_heir")
    if account_closed(participant=participant):
        raise ClaimError("member_deceased")
    try:
        deceased = loading.population_registry().lookup(participant.nik).deceased
    except RegistryError:
        deceased = False  # screening holds a claim the registry could not confirm
    if deceased:
        with transaction.atomic():
            account_close_deceased(
                participant=participant,
                why="the population registry records the member as deceased",
            )
        raise ClaimError("member_deceased")


def _heir_record(claim: Claim, heir: HeirInfo, helper: Any) -> None:
    """The heir on the claim, and the deceased member's account closed, in the filing's
    transaction."""
    Claimant.objects.create(
        claim=claim,
        nik=heir.nik,
        full_name=heir.full_name,
        birth_date=heir.birth_date,
        relation=heir.relation,
        phone=heir.phone,
        is_minor=heir.is_minor,
        guardian_nik=heir.guardian_nik if heir.is_minor else "",
        guardian_name=heir.guardian_name if heir.is_minor else "",
    )
    audit_record(
        actor_kind="officer" if helper else "member",
        actor_user=helper,
        action="claim.heir",
        subject=claim,
        after={"relation": heir.relation, "minor": heir.is_minor, "heir_nik": heir.nik},
        why="death claim filed by an heir (PP 46/2015 Art. 26)",
    )
    account_close_deceased(
        participant=claim.participant,
        why="an heir filed a death claim: the member is deceased",
        acting_user=helper,
    )


def claim_transition(
    *,
    claim: Claim,
    to_status: str,
    actor: str,
    acting_user: Any = None,
    reason: str = "",
    correction_fields: list[str] | None = None,
    rejection_code: str = "",
) -> Claim:
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if to_status not in TRANSITIONS.get(locked.status, ()):
            raise ClaimError("transition_not_allowed", current=locked.status, to=to_status)
        if to_status == Status.NEEDS_FIX and not correction_fields:
            raise ClaimError("correction_fields_required")
        if to_status == Status.REJECTED and not rejection_code:
            raise ClaimError("rejection_code_required")
        previous = locked.status
        locked.status = to_status
        locked.correction_fields = correction_fields or []
        locked.rejection_code = rejection_code
        locked.save(update_fields=["status", "correction_fields", "rejection_code"])
        _event(locked, previous, to_status, actor=actor, acting_user=acting_user, reason=reason)
        appointments.appointments_end(claim=locked, reason=reason)  # its seat is free again
        _notify(locked)
    return locked


def claim_cancellable(claim: Claim) -> bool:
    """Received and not yet started by an officer: no officer has moved or taken it."""
    return claim.status == Status.SUBMITTED and not claim.events.filter(actor="officer").exists()


def claim_cancel(*, claim: Claim, acting_user: Any = None) -> Claim:
    """The member withdraws a claim no officer has started; its appointment is freed. A
    second tap returns the cancelled claim unchanged."""
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status == Status.CANCELLED:
            return locked
        if not claim_cancellable(locked):
            raise ClaimError("cancel_not_allowed")
        return claim_transition(
            claim=locked,
            to_status=Status.CANCELLED,
            actor="member",
            acting_user=acting_user,
            reason="cancelled by the member",
        )


def step_save(
    *, participant: Participant, draft: ClaimDraft, step: str, answers: dict[str, Any], version: int
) -> ClaimDraft:
    """Save a wizard step for the web and the API alike. The bank step asks the bank at
    once, so a wrong number or someone else's account is explained on that screen."""
    if step == "bank":
        cleaned = drafts.clean_step(step, answers)
        holder = check_bank_account(
            participant=participant,
            bank_code=cleaned["bank_code"],
            account_number=cleaned["account_number"],
        )
        answers = {**answers, "holder": holder}
    if step == "data":
        typed = drafts.clean_step(step, answers).get("separation_date")
        reported = reported_separation_date(participant)
        if reported is not None and typed and date.fromisoformat(typed) != reported:
            raise ClaimError("separation_date_reported", reported=reported.isoformat())
    if step in ("reason", "data"):
        _refuse_early(participant, draft, step, drafts.clean_step(step, answers))
    return drafts.draft_save(draft=draft, step=step, answers=answers, version=version)


def request_from_draft(draft: ClaimDraft) -> ClaimRequest:
    """The claim the wizard's answers describe (missing answers are left empty)."""
    data = draft.data
    confirmed = data.get("data", {})
    # A date the member typed before the employer reported one no longer counts.
    separation = (
        confirmed.get("separation_date")
        if reported_separation_date(draft.participant) is None
        else None
    )
    schedule = data.get("schedule", {})
    bank = data.get("bank", {})
    return ClaimRequest(
        reason=data.get("reason", {}).get("reason", ""),
        separation_date=date.fromisoformat(separation) if separation else None,
        bank_code=bank.get("bank_code", ""),
        account_number=bank.get("account_number", ""),
        npwp=bank.get("npwp", ""),
        appointment_kind=schedule.get("kind", ""),
        appointment_at=datetime.fromisoformat(schedule["starts_at"]) if schedule else None,
        flagged=tuple(confirmed.get("flagged", ())),
        note=confirmed.get("note", ""),
    )


def _checked_npwp(value: str) -> str:
    """The NPWP's digits (empty when none was given), or why it is not an NPWP."""
    if not value:
        return ""
    try:
        return validate_npwp(value)
    except ValidationError as error:
        raise ClaimError("npwp_format", reason=error.messages[0]) from None


def _checked_helper(helper: HelperInfo | None) -> HelperInfo:
    """The wizard's own check of a helper (name, relation, Indonesian mobile number), for
    helpers given straight to the API too."""
    if helper is None:
        return HelperInfo("", "", "")
    who = drafts.clean_step(
        "who",
        {"helper": True, "name": helper.name, "relation": helper.relation, "phone": helper.phone},
    )
    return HelperInfo(who["name"], who["relation"], who["phone"])


def helper_from_draft(draft: ClaimDraft) -> HelperInfo | None:
    who = draft.data.get("who", {})
    if not who.get("helper"):
        return None
    return HelperInfo(who["name"], who["relation"], who["phone"])


def correction_items(claim: Claim) -> list[str]:
    """What the member must fix: ``document:<code>`` items and ``bank``. A failed payment
    asks for another account."""
    if claim.status == Status.PAYOUT_FAILED:
        return ["bank"]
    return list(claim.correction_fields) if claim.status == Status.NEEDS_FIX else []


def correction_asked_at(claim: Claim) -> datetime:
    """When the officer asked (the move into the current status)."""
    event = claim.events.filter(to_status=claim.status).order_by("-at", "-pk").first()
    return event.at if event else claim.submitted_at


def claim_correct(
    *,
    claim: Claim,
    bank_code: str = "",
    account_number: str = "",
    helper: Any = None,
) -> Claim:
    """Send back what the officer asked for, without starting over: each requested
    document uploaded again since the request, and/or another bank account in the
    member's own name. A claim whose payment failed goes back to the payment queue."""
    items = correction_items(claim)
    if not items:
        raise ClaimError("nothing_to_correct")
    asked_at = correction_asked_at(claim)
    missing = [
        item.removeprefix("document:")
        for item in items
        if item.startswith("document:")
        and not claim.documents.filter(
            kind=item.removeprefix("document:"),
            state=DocumentUpload.State.COMPLETE,
            created_at__gte=asked_at,
        ).exists()
    ]
    if missing:
        raise ClaimError("documents_missing", missing=missing)
    holder = ""
    if "bank" in items:
        if not bank_code or not account_number:
            raise ClaimError("bank_account_required")
        heir = Claimant.objects.filter(claim=claim).first()
        holder = check_bank_account(
            participant=claim.participant,
            bank_code=bank_code,
            account_number=account_number,
            payee_name=heir.full_name if heir else "",
        )
    to_status = Status.PAYOUT_QUEUED if claim.status == Status.PAYOUT_FAILED else Status.SUBMITTED
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != claim.status:  # a second tap after the first went through
            return locked
        if holder:
            locked.bank_code, locked.account_number = bank_code, account_number
            locked.account_holder = holder
        previous = locked.status
        locked.status = to_status
        locked.correction_fields = []
        locked.save()
        _event(
            locked,
            previous,
            to_status,
            actor="member",
            acting_user=helper,
            reason="corrected: " + ", ".join(items),
        )
        if to_status == Status.PAYOUT_QUEUED:
            # cairkan.payouts makes the payout for the new account, in this transaction.
            payout_account_changed.send(sender=Claim, claim=locked, acting_user=helper)
        _notify(locked)
        if to_status == Status.SUBMITTED:
            send_claim_filed_on_commit(locked.pk)
    return locked


def stage_of(claim: Claim) -> tuple[int, str]:
    index = STAGE_OF[Status(claim.status)]
    return index, STAGES[index]


def _notify(claim: Claim) -> None:
    """Tell the member on every change, on every verified contact. Called inside the
    change's transaction: the messages are written to the outbox with it, and go once it
    commits."""
    heir = Claimant.objects.filter(claim=claim).first()
    account = getattr(claim.participant, "account", None)
    # A death claim's news goes to the heir who filed it, never to the deceased's contacts.
    if heir is not None:
        contacts: tuple[tuple[str, str | None], ...] = (("sms", heir.phone),)
    elif account is not None:
        contacts = (("sms", account.phone), ("email", account.email))
    else:
        return
    stage = stage_of(claim)[1]
    body = _("Your JHT claim %(number)s: %(stage)s, %(status)s. Details in Cairkan.") % {
        "number": claim_number(claim),  # the number on a counter receipt too
        "stage": stage,
        "status": Status(claim.status).label,
    }
    for channel, to in contacts:
        if to:
            notify(channel=channel, to=to, subject=str(_("JHT claim status")), body=body)
