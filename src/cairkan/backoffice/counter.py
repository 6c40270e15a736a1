"""The counter's walk-in claims (/kantor/loket/): an officer files a claim for a member who
is standing at the counter — an elderly member, someone without a phone — through the
wizard's own services (preview, uploads, bank check, ``claim_submit``), with a live face
check on the counter's camera under the member's own attempt policy and the member's
recorded consent. Thin: reads in ``claims.counter``, writes in the claims and biometrics
services. Every view needs ``claims.file_on_behalf``.

The member being served is kept in the officer's session (found by NIK + KPJ), so no URL
names a member and another officer's walk-in is never at hand.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cairkan.audit.services import audit_record
from cairkan.backoffice import selectors
from cairkan.backoffice.access import staff_required
from cairkan.backoffice.counter_forms import BankForm, ConsentForm, ReasonForm, WalkInForm
from cairkan.biometrics.models import FaceAttempt, Outcome, Purpose
from cairkan.biometrics.services import (
    face_status,
)
from cairkan.claims import drafts
from cairkan.claims.counter import (
    WalkInRefused,
    claim_number,
    claims_by_number,
    consent_text,
    walk_in_member,
)
from cairkan.claims.documents import UploadError, upload_whole
from cairkan.claims.messages import DOCUMENT_LABELS, REASON_LABELS, claim_message, document_rows
from cairkan.claims.models import (
    OPEN_STATUSES,
    Claim,
    ClaimDraft,
    DocumentUpload,
    Status,
)
from cairkan.claims.services import (
    FACE_VALID_FOR,
    ClaimError,
    ClaimRequest,
    CounterFiling,
    Preview,
    claim_preview,
    claim_submit,
    reported_separation_date,
    request_from_draft,
    stage_of,
    step_save,
)
from cairkan.integrations.bank.base import BANKS
from cairkan.jht.messages import rupiah
from cairkan.members.models import Participant

PERMISSION = "claims.file_on_behalf"
WALK_IN_KEY = "cairkan_counter_walk_in"
MAX_FRAME = 8 * 1024 * 1024  # as the member's face page
MAX_COACHING_FRAME = 300 * 1024
# Where the member can ask about the claim by its number (printed on the receipt).
HELP_DESK = "Mall Pelayanan Publik Amuntai · BPJS Ketenagakerjaan 175"


def page_language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def walk_in_of(request: HttpRequest) -> Participant | None:
    pk = request.session.get(WALK_IN_KEY)
    return Participant.objects.filter(pk=pk).first() if pk else None


def no_walk_in(request: HttpRequest) -> HttpResponse:
    messages.warning(request, claim_message("walk_in_none"))
    return redirect("backoffice:counter")


def _counter_face_passed(participant: Participant, officer: Any) -> FaceAttempt | None:
    """This officer's passed check of the member on the counter's camera, still valid."""
    return (
        FaceAttempt.objects.filter(
            participant=participant,
            purpose=Purpose.CLAIM,
            outcome=Outcome.PASSED,
            helper=officer,
            created_at__gte=timezone.now() - FACE_VALID_FOR,
        )
        .order_by("-created_at")
        .first()
    )


# --- find the member ---------------------------------------------------------------------


@staff_required(PERMISSION)
def find(request: HttpRequest) -> HttpResponse:
    """The member's e-KTP and KPJ card are on the counter: find them, or ask about a
    claim by the number on its receipt."""
    form = WalkInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            participant, _person = walk_in_member(
                nik=form.cleaned_data["nik"], kpj=form.cleaned_data["kpj"]
            )
        except WalkInRefused as refused:
            error = claim_message(refused.code)
        else:
            request.session[WALK_IN_KEY] = participant.pk
            audit_record(
                actor_kind="officer",
                actor_user=request.user,
                action="counter.walk_in",
                subject=participant,
                why="member at the counter with e-KTP and KPJ card",
            )
            return redirect("backoffice:counter_claim")
    number = request.GET.get("nomor", "").strip()
    found = [
        claim
        for claim in claims_by_number(number)
        if selectors.visible_claim(request.user, claim.public_id)
        or claim.helper_id == request.user.pk
    ]
    context = {
        "form": form,
        "error": error,
        "number": number,
        "found": [_status_line(claim) for claim in found],
    }
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    return render(request, "backoffice/counter/find.html", context, status=status)


# --- the claim, section by section -------------------------------------------------------


def _preview(draft: ClaimDraft) -> Preview | None:
    if "reason" not in draft.data:
        return None
    try:
        return claim_preview(participant=draft.participant, request=_counter_request(draft))
    except ClaimError:
        return None


def _counter_request(draft: ClaimDraft) -> ClaimRequest:
    """The claim the answers describe, on the counter channel."""
    return replace(request_from_draft(draft), at_counter=True)


def _save(request: HttpRequest, draft: ClaimDraft, step: str, answers: dict[str, Any]) -> str:
    """Save a step as the wizard does; '' or what went wrong."""
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = draft.version
    try:
        step_save(
            participant=draft.participant, draft=draft, step=step, answers=answers, version=version
        )
    except drafts.DraftConflict:
        return _("The answers changed meanwhile (the member's phone?). Check them and save again.")
    except drafts.DraftError as exc:
        return claim_message(exc.code, exc.params)
    except ClaimError as exc:
        return claim_message(exc.code, exc.params)
    return ""


def _receive(request: HttpRequest, draft: ClaimDraft, kinds: tuple[str, ...]) -> list[str]:
    """Documents scanned or photographed at the counter: the wizard's upload checks."""
    errors = []
    for kind in kinds:
        upload = request.FILES.get(kind)
        if upload is None:
            continue
        try:
            upload_whole(draft=draft, kind=kind, filename=upload.name or kind, data=upload.read())
        except UploadError as exc:
            errors.append(
                f"{DOCUMENT_LABELS.get(kind, kind)}: {claim_message(exc.code, exc.params)}"
            )
    return errors


def _consent(draft: ClaimDraft, preview: Preview, officer: Any) -> str:
    bank = draft.data.get("bank", {})
    return consent_text(
        participant=draft.participant,
        reason=draft.data["reason"]["reason"],
        net=preview.decision.net,
        bank_code=bank.get("bank_code", ""),
        account_number=bank.get("account_number", ""),
        holder=bank.get("holder", ""),
        officer=officer,
    )


def _file(request: HttpRequest, draft: ClaimDraft, preview: Preview) -> tuple[Claim | None, str]:
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return None, " ".join(str(e) for errors in form.errors.values() for e in errors)
    try:
        claim = claim_submit(
            participant=draft.participant,
            request=_counter_request(draft),
            idempotency_key=request.POST.get("key", "")[:64],
            counter=CounterFiling(
                officer=request.user,
                consent_text=request.POST.get("consent_text", ""),
                consent_method=form.cleaned_data["method"],
            ),
        )
    except ClaimError as exc:
        params = dict(exc.params)
        text = claim_message(exc.code, params)
        reasons = [item["message"] for item in params.get("explanations", [])]
        return None, " ".join([text, *reasons])
    return claim, ""


@staff_required(PERMISSION)
def claim_form(request: HttpRequest) -> HttpResponseBase:
    participant = walk_in_of(request)
    if participant is None:
        return no_walk_in(request)
    open_claim = Claim.objects.filter(participant=participant, status__in=OPEN_STATUSES).first()
    if open_claim is not None:  # one claim at a time: its status line, not a second filing
        messages.info(request, claim_message("claim_in_progress"))
        return redirect(reverse("backoffice:counter") + f"?nomor={claim_number(open_claim)}")
    draft = drafts.draft_for(participant=participant, helper=request.user)
    errors: list[str] = []
    if request.method == "POST":
        action = request.POST.get("action", "")
        preview = _preview(draft)
        if action == "reason":
            reason_form = ReasonForm(request.POST)
            if reason_form.is_valid():
                errors.append(
                    _save(request, draft, "reason", {"reason": reason_form.cleaned_data["reason"]})
                )
                day: date | None = reason_form.cleaned_data["separation_date"]
                if not errors[-1]:
                    draft.refresh_from_db()
                    answers = {"separation_date": day.isoformat() if day else ""}
                    errors.append(_save(request, draft, "data", {**answers, "flagged": []}))
            else:
                errors += [str(e) for field in reason_form.errors.values() for e in field]
        elif action == "documents" and preview is not None:
            errors += _receive(request, draft, preview.decision.documents)
        elif action == "bank":
            bank_form = BankForm(request.POST)
            if bank_form.is_valid():
                errors.append(_save(request, draft, "bank", bank_form.cleaned_data))
            else:
                errors += [str(e) for field in bank_form.errors.values() for e in field]
        elif action == "file" and preview is not None:
            claim, error = _file(request, draft, preview)
            if claim is not None:
                request.session.pop(WALK_IN_KEY, None)
                messages.success(
                    request, _("The claim is filed. Print the receipt for the member.")
                )
                return redirect("backoffice:counter_receipt", claim_id=claim.public_id)
            errors.append(error)
        errors = [e for e in errors if e]
        if not errors:
            return redirect(reverse("backoffice:counter_claim") + f"#{action or 'reason'}")
        draft.refresh_from_db()
    return _claim_page(request, draft, errors)


def _claim_page(request: HttpRequest, draft: ClaimDraft, errors: list[str]) -> HttpResponse:
    participant = draft.participant
    preview = _preview(draft)
    language = page_language()
    documents = document_rows(draft=draft, kinds=preview.decision.documents if preview else ())
    documents_done = bool(documents) and all(
        row["upload"] and row["upload"].state == DocumentUpload.State.COMPLETE for row in documents
    )
    face = _counter_face_passed(participant, request.user)
    bank = draft.data.get("bank", {})
    ready = bool(preview and documents_done and face and bank.get("holder"))
    account = getattr(participant, "account", None)
    reason = draft.data.get("reason", {}).get("reason", "")
    context = {
        "participant": participant,
        "kpjs": ", ".join(m.kpj for m in participant.memberships.order_by("start_date")),
        "draft": draft,
        "preview": preview,
        "reason_form": ReasonForm(
            initial={
                "reason": reason,
                "separation_date": draft.data.get("data", {}).get("separation_date") or None,
            }
        ),
        "reported": reported_separation_date(participant),
        "documents": documents,
        "documents_done": documents_done,
        "face": face,
        "face_status": face_status(participant=participant),
        "bank_form": BankForm(initial=bank),
        "bank": bank,
        "bank_name": BANKS.get(bank.get("bank_code", ""), ""),
        "ready": ready,
        "consent_form": ConsentForm(),
        "consent_text": _consent(draft, preview, request.user) if ready and preview else "",
        "key": f"counter-{draft.public_id}",
        "net": rupiah(preview.decision.net, language) if preview else "",
        "gross": rupiah(preview.decision.gross, language) if preview else "",
        "tax": rupiah(preview.decision.tax, language) if preview else "",
        "explanations": [e["message"] for e in preview.decision.explain(language)]
        if preview
        else [],
        "phone": account.phone if account is not None else "",
        "errors": errors,
        "accept": "image/jpeg,image/png,application/pdf",
    }
    return render(request, "backoffice/counter/claim.html", context, status=400 if errors else 200)


# --- the face check on the counter's camera ----------------------------------------------


def _status_line(claim: Claim) -> dict[str, Any]:
    index, stage = stage_of(claim)
    return {
        "claim": claim,
        "number": claim_number(claim),
        "stage": stage,
        "status": Status(claim.status).label,
        "step": index + 1,
    }


@require_GET
@staff_required(PERMISSION)
def receipt(request: HttpRequest, claim_id: Any) -> HttpResponse:
    """The printed receipt for a member without a phone: the claim number to quote, the
    status line and where to ask; no NIK, no account number, no amount."""
    claim = selectors.visible_claim(request.user, claim_id)
    if claim is None:  # the officer who filed it reads it even for another branch's member
        claim = Claim.objects.filter(public_id=claim_id, helper_id=request.user.pk).first()
    if claim is None or claim.channel != "counter":
        raise Http404
    account = getattr(claim.participant, "account", None)
    context = {
        **_status_line(claim),
        "reason": REASON_LABELS.get(claim.reason, claim.reason),
        "help_desk": HELP_DESK,
        "phone_tail": account.phone[-4:] if account is not None and account.phone else "",
    }
    return render(request, "backoffice/counter/receipt.html", context)
