"""A working day of claims for the demo: filed through the real services, so the
officers' queue at /kantor/ has work and the sandbox bank has payouts to make.

Every claim is filed as the wizard files one: the required documents uploaded to the
member's draft (``upload_whole``, with a photographed letter drawn here, not a
committed file), a passed claim face check recorded by the biometrics service's demo
entry point, then ``claim_submit``. Screening runs on the commit as in production: the
clean app claims are approved by the system and their payouts go to the sandbox bank;
the others wait in the queue with the codes that held them.

A few claims are taken further, as the day before would have left them: paid (with
the tax withheld, for the bukti potong), failed on a closed account, and sent back to
the member for a correction by the demo verifier. Two were filed days ago and still wait
for the employer to confirm the member's separation date: past their service-level
deadline, they fill the supervisor's breach list. They are filed with the filing
service's own clock (``claim_submit(now=...)``), not edited afterwards.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image, ImageDraw

from cairkan.biometrics.services import face_check_pass_for_demo
from cairkan.claims import appointments
from cairkan.claims.documents import upload_whole
from cairkan.claims.drafts import draft_for
from cairkan.claims.models import Channel, Claim
from cairkan.claims.services import (
    ClaimError,
    ClaimRequest,
    claim_correct,
    claim_preview,
    claim_submit,
    claim_transition,
)
from cairkan.demo.specs import BankAccountSpec, PersonSpec
from cairkan.integrations import loading
from cairkan.integrations.models import SandboxBankAccount, SandboxTransfer
from cairkan.jht.cases import Reason
from cairkan.jht.dates import age_on
from cairkan.members.models import Participant
from cairkan.members.services import membership_correct
from cairkan.payouts.models import Payout
from cairkan.payouts.services import claim_approve, payout_poll
from cairkan.workdays.selectors import is_working_day

# A branch's day: about this many app claims, plus the assisted and declared ones.
APP_CLAIMS = 40
VIDEO_CLAIMS = 3
# App claims of members whose birth date the employer mistyped (the registry differs).
MISTYPED_CLAIMS = 1
DECLARED_CLAIMS = 2
# Declared-date claims filed this many working days ago and still unchecked: past the
# deadline of either service level (1 or 5 working days), so the supervisor sees a breach.
LATE_CLAIMS = 2
LATE_WORKING_DAYS = 6
# Of the clean app claims, the first ones are taken further, as yesterday left them.
PAID_YESTERDAY = 3
ASKED_TO_FIX = 2
FLAGGED = 2
DEMO_VERIFIER = "verifikator"
DEMO_SUPERVISOR = "penyelia"
IDEMPOTENCY_KEY = "demo-day"
# The kinds of claim the day files, by the channel filing gives them.
CHANNEL_KIND: dict[str, str] = {Channel.APP: "app", Channel.ONLINE_ASSISTED: "video"}


@dataclass
class DayFigures:
    """What the demo day filed and where each claim is now."""

    filed: int = 0
    app_filed: int = 0
    straight_through: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    queue_reasons: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)

    @property
    def straight_through_share(self) -> float:
        return self.straight_through / self.app_filed if self.app_filed else 0.0


def letter_photo() -> bytes:
    """A photographed letter: a white page with lines of "text", large enough to read."""
    page = Image.new("RGB", (900, 1200), "white")
    pen = ImageDraw.Draw(page)
    for y in range(80, 1120, 40):
        pen.line((60, y, 840, y), fill="black", width=3)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=80)
    return out.getvalue()


@contextmanager
def _quick_sandboxes() -> Iterator[None]:
    """The sandboxes without their network latency while the day is filed (seconds per
    claim otherwise); ``make run`` keeps them afterwards."""
    saved = (settings.CAIRKAN_REGISTRY_OPTIONS, settings.CAIRKAN_BANK_OPTIONS)
    settings.CAIRKAN_REGISTRY_OPTIONS = {**saved[0], "latency_ms": (0, 0)}
    settings.CAIRKAN_BANK_OPTIONS = {**saved[1], "latency_ms": (0, 0)}
    loading.reset()
    try:
        yield
    finally:
        settings.CAIRKAN_REGISTRY_OPTIONS, settings.CAIRKAN_BANK_OPTIONS = saved
        loading.reset()


def _own_active_account(person: PersonSpec) -> BankAccountSpec | None:
    if person.registry_fault:
        return None  # a registry that never answers would stall the filing
    for account in person.bank_accounts:
        if account.status == "active" and not account.fault:
            return account
    return None


def _ready(
    participant: Participant, documents: tuple[str, ...], photo: bytes, now: datetime | None
) -> None:
    """The wizard's steps before submit: each document uploaded, the face check passed
    (a few minutes before a claim filed days ago)."""
    draft = draft_for(participant=participant)
    for kind in documents:
        upload_whole(draft=draft, kind=kind, filename=f"{kind}.jpg", data=photo)
    face_check_pass_for_demo(participant=participant, at=now and now - timedelta(minutes=5))


def _file(
    participant: Participant,
    request: ClaimRequest,
    documents: tuple[str, ...],
    photo: bytes,
    now: datetime | None = None,
) -> Claim:
    _ready(participant, documents, photo, now)
    claim = claim_submit(
        participant=participant, request=request, idempotency_key=IDEMPOTENCY_KEY, now=now
    )
    claim.refresh_from_db()
    return claim


def _pay_now(claim: Claim) -> None:
    """Yesterday's straight-through payout, settled: the sandbox bank credited it a day
    ago, and the status inquiry learns it as the sweeper's would."""
    payout = Payout.objects.filter(claim=claim).order_by("-pk").first()
    if payout is None:
        return
    SandboxTransfer.objects.filter(reference=payout.reference).update(
        settles_at=timezone.now() - timedelta(days=1)
    )
    payout_poll(payout_id=payout.pk, now=timezone.now() + timedelta(days=1))


def _fail_on_closed_account(claim: Claim, officer: Any) -> None:
    """The member closed the account after filing; the verifier approved the claim and
    the bank inquiry before sending found the account closed."""
    SandboxBankAccount.objects.filter(
        bank_code=claim.bank_code, account_number=claim.account_number
    ).update(status="closed")
    claim_approve(
        claim=claim,
        actor="officer",
        acting_user=officer,
        reason="demo: employer confirmed the separation date",
    )


def _ask_to_fix(claim: Claim, officer: Any, kind: str) -> None:
    claim_transition(
        claim=claim,
        to_status="needs_fix",
        actor="officer",
        acting_user=officer,
        reason="Foto dokumen buram, mohon unggah ulang yang jelas",
        correction_fields=[f"document:{kind}"],
    )


def _second_account(person: PersonSpec, used: BankAccountSpec) -> BankAccountSpec:
    """Another account in the member's own name at the sandbox bank."""
    account = BankAccountSpec(
        bank_code="009" if used.bank_code != "009" else "002",
        account_number=f"77{person.nik[-8:]}",
        holder_name=used.holder_name,
    )
    SandboxBankAccount.objects.get_or_create(
        bank_code=account.bank_code,
        account_number=account.account_number,
        defaults={"holder_name": account.holder_name, "status": "active"},
    )
    return account


def file_day(*, people: list[PersonSpec], as_of: date) -> DayFigures:
    """File the demo day for ``people`` (the generated population, whose bank accounts
    the database keeps only on the sandbox bank's side)."""
    figures = DayFigures()
    staff = get_user_model().objects.filter(username__in=(DEMO_VERIFIER, DEMO_SUPERVISOR))
    officers = {user.username: user for user in staff}
    verifier, supervisor = officers.get(DEMO_VERIFIER), officers.get(DEMO_SUPERVISOR)
    participants = {p.nik: p for p in Participant.objects.prefetch_related("memberships")}
    photo = letter_photo()
    video_slots = iter(appointments.free_slots(kind="video"))
    filed: Counter[str] = Counter()  # app, video, declared (and declared_tries)
    paid = 0
    wanted = {
        "app": APP_CLAIMS,
        "mistyped": MISTYPED_CLAIMS,
        "video": VIDEO_CLAIMS,
        "declared": DECLARED_CLAIMS + LATE_CLAIMS,
    }
    with _quick_sandboxes():
        for person in people:
            if all(filed[kind] >= count for kind, count in wanted.items()):
                break
            participant = participants.get(person.nik)
            account = _own_active_account(person)
            if participant is None or account is None or person.persona:
                continue  # the named personas stay free for the visitor to try
            request, kind = _request(participant, account, as_of)
            if kind == "skip" or (kind == "declared" and filed[kind] >= wanted[kind]):
                continue
            if kind == "declared":
                # Few tries: a correction that ends in no claim is a change for nothing.
                if supervisor is None or filed["declared_tries"] >= 3 * wanted["declared"]:
                    continue
                filed["declared_tries"] += 1
                _departure_reported_without_date(participant, supervisor)
            try:
                preview = claim_preview(participant=participant, request=request)
            except ClaimError:
                continue
            if not preview.decision.eligible or (kind == "declared" and preview.channel != "app"):
                continue
            kind = kind or CHANNEL_KIND.get(preview.channel, "")
            if kind == "app" and person.registry_birth_date not in (None, person.birth_date):
                kind = "mistyped"
            if kind not in wanted or filed[kind] >= wanted[kind]:
                continue
            if kind == "video":
                slot = next(video_slots, None)
                if slot is None:
                    continue
                request = replace(request, appointment_kind="video", appointment_at=slot.starts_at)
            # After yesterday's paid claims, a few members flag a prefilled fact.
            flagging = kind == "app" and 0 <= filed["app"] - PAID_YESTERDAY < FLAGGED
            if flagging:
                request = replace(
                    request, flagged=("employer",), note="Nama perusahaan saya sudah berganti"
                )
            # After the day's declared claims, the late ones: filed days ago.
            late = kind == "declared" and filed[kind] >= DECLARED_CLAIMS
            filed_at = _working_days_ago(as_of, LATE_WORKING_DAYS) if late else None
            try:
                claim = _file(participant, request, preview.decision.documents, photo, filed_at)
            except ClaimError as exc:
                figures.refused[exc.code] += 1
                continue
            filed[kind] += 1
            figures.filed += 1
            through = claim.events.filter(to_status="approved", actor="system").exists()
            if kind in ("app", "mistyped"):
                figures.app_filed += 1
                figures.straight_through += through
            if kind == "app":
                if through:
                    if paid < PAID_YESTERDAY:
                        _pay_now(claim)
                        paid += 1
                elif flagging and verifier is not None and filed["app"] == PAID_YESTERDAY + 1:
                    _ask_to_fix(claim, verifier, claim.documents_required[0])
            elif kind == "declared" and verifier is not None and supervisor is not None:
                if filed[kind] == 1:
                    _fail_on_closed_account(claim, supervisor)
                elif filed[kind] == 2:
                    _bank_changed(claim, verifier, person, account)
    for claim in Claim.objects.all():
        figures.by_status[claim.status] += 1
        if claim.status == "in_review":
            figures.queue_reasons.update(claim.review_reasons)
    return figures


def _working_days_ago(as_of: date, count: int) -> datetime:
    """10:00 on the ``count``-th working day before ``as_of`` (the office's calendar)."""
    day = as_of
    while count:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _departure_reported_without_date(participant: Participant, supervisor: Any) -> None:
    """The employer reported that the member left, but not when: the supervisor records
    it (through the member-data service), and the member will declare the date."""
    latest = participant.memberships.order_by("start_date").last()
    if latest is None or latest.status != "active":
        return
    membership_correct(
        membership=latest,
        actor=supervisor,
        status="non_active",
        separation_date=None,
        separation_reason="",
        reason="Demo: pemberi kerja melaporkan peserta berhenti tanpa tanggal",
    )


def _request(
    participant: Participant, account: BankAccountSpec, as_of: date
) -> tuple[ClaimRequest, str]:
    """What the member asks for, and "declared" when the member gives the separation
    date: still active in BPJS's records, the employer has not reported the departure."""
    latest = max(participant.memberships.all(), key=lambda m: m.start_date)
    request = ClaimRequest(
        reason=Reason.RESIGNATION,
        separation_date=None,
        bank_code=account.bank_code,
        account_number=account.account_number,
    )
    if latest.status != "active":
        if latest.separation_reason == "death":
            return replace(request, reason=""), "skip"
        return replace(request, reason=latest.separation_reason), ""
    if age_on(participant.birth_date, as_of) >= 56:
        return replace(request, reason=Reason.RETIREMENT), ""
    # Resigned 45 days ago (past the one-month wait, Permenaker 4/2022 Art. 8-11).
    return replace(request, separation_date=as_of - timedelta(days=45)), "declared"


def _bank_changed(claim: Claim, officer: Any, person: PersonSpec, account: BankAccountSpec) -> None:
    """The verifier asked for another account; the member gave one: the claim comes back
    to the queue marked ``bank_changed`` and ``returned_after_correction``."""
    if officer is None:
        return
    claim = claim_transition(
        claim=claim,
        to_status="needs_fix",
        actor="officer",
        acting_user=officer,
        reason="Rekening tidak dapat dipakai, mohon rekening lain atas nama sendiri",
        correction_fields=["bank"],
    )
    other = _second_account(person, account)
    claim_correct(claim=claim, bank_code=other.bank_code, account_number=other.account_number)


@dataclass(frozen=True, slots=True)
class ClaimToShow:
    full_name: str
    nik: str
    kpj: str
    birth_date: date
    mother_maiden_name: str
    status: str
    reasons: tuple[str, ...]


def claims_to_show(*, per_status: int = 2) -> list[ClaimToShow]:
    """A few demo members per claim status, to register as and look at their claim."""
    shown: list[ClaimToShow] = []
    seen: Counter[str] = Counter()
    for claim in Claim.objects.select_related("participant").order_by("pk"):
        if seen[claim.status] >= per_status:
            continue
        seen[claim.status] += 1
        person = claim.participant
        latest = person.memberships.order_by("start_date").last()
        shown.append(
            ClaimToShow(
                full_name=person.full_name,
                nik=person.nik,
                kpj=latest.kpj if latest else "",
                birth_date=person.birth_date,
                mother_maiden_name=person.mother_maiden_name,
                status=claim.status,
                reasons=tuple(claim.review_reasons),
            )
        )
    return shown
