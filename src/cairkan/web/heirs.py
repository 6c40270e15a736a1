"""The heirs' pages (``/ahli-waris/``): an heir files a death claim for a deceased member
on the online assisted channel, on the claims services the wizard uses.

The heir has no Cairkan account (the member's is closed once the claim is filed): the
first screen checks the heir, the member and a minor heir's guardian against the
population registry (``claims.heirs.heir_check``), and the session then holds the heir's
draft. Documents go up through the same resumable, checked uploads as the wizard's;
the account must be in the heir's own name; an officer's video call or branch visit is
booked; ``claim_submit`` files it (the draft's key: a double tap files one claim).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import wraps
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from cairkan.accounts.clients import client_address
from cairkan.claims import appointments, drafts
from cairkan.claims.documents import UploadError, upload_append, upload_start, upload_summary
from cairkan.claims.heirs import HeirError, HeirInfo, heir_check, heir_draft_start, heir_of_draft
from cairkan.claims.messages import CHANNEL_LABELS, DOCUMENT_LABELS, claim_message, document_rows
from cairkan.claims.models import (
    OPEN_STATUSES,
    Claim,
    ClaimDraft,
    DocumentUpload,
    HeirRelation,
    Status,
)
from cairkan.claims.services import (
    ClaimError,
    ClaimRequest,
    Preview,
    check_bank_account,
    claim_preview,
    claim_submit,
    request_from_draft,
    stage_of,
)
from cairkan.integrations.bank.base import BANKS
from cairkan.jht.messages import rupiah
from cairkan.web import face
from cairkan.web.claim_forms import BankForm
from cairkan.web.wizard import language, receive_files, upload_texts

SESSION_KEY = "heir_claim"
FILED_KEY = "heir_claims"
STEPS = ("identity", "documents", "bank", "schedule", "review")
STEP_URLS = {
    "identity": "heir_start",
    "documents": "heir_documents",
    "bank": "heir_bank",
    "schedule": "heir_schedule",
    "review": "heir_review",
}
STEP_TITLES = {
    "identity": gettext_lazy("The member and you"),
    "documents": gettext_lazy("Documents"),
    "bank": gettext_lazy("Your bank account"),
    "schedule": gettext_lazy("Appointment"),
    "review": gettext_lazy("Check and send"),
}
NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}
View = Callable[..., HttpResponse]


class HeirForm(forms.Form):
    member_nik = forms.CharField(
        label=gettext_lazy("The member's NIK (16 digits, on the e-KTP or the family card)"),
        max_length=24,
        widget=forms.TextInput(attrs=NUMERIC),
    )
    member_kpj = forms.CharField(
        label=gettext_lazy("The member's KPJ number (11 digits, on the membership card)"),
        max_length=24,
        widget=forms.TextInput(attrs=NUMERIC),
    )
    nik = forms.CharField(
        label=gettext_lazy("Your NIK (16 digits)"),
        max_length=24,
        widget=forms.TextInput(attrs=NUMERIC),
    )
    full_name = forms.CharField(
        label=gettext_lazy("Your full name, as on your e-KTP"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    birth_date = forms.DateField(
        label=gettext_lazy("Your date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Write the date as DD-MM-YYYY, or pick it.")},
    )
    relation = forms.ChoiceField(
        label=gettext_lazy("You are the member's"),
        choices=[("", "—"), *HeirRelation.choices],
    )
    phone = forms.CharField(
        label=gettext_lazy("Your mobile number, for the claim's news"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    guardian_nik = forms.CharField(
        label=gettext_lazy("Only if you are under 18: your guardian's NIK"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs=NUMERIC),
    )
    guardian_name = forms.CharField(
        label=gettext_lazy("Only if you are under 18: your guardian's full name"),
        max_length=120,
        required=False,
    )

    def clean_birth_date(self) -> date:
        day: date = self.cleaned_data["birth_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return day


# --- the heir's session ---------------------------------------------------------------------


def _heir_session(request: HttpRequest) -> tuple[ClaimDraft, HeirInfo] | None:
    """The heir's draft, while the session holds it and the draft is still the heir's."""
    held = request.session.get(SESSION_KEY)
    if not held:
        return None
    draft = ClaimDraft.objects.select_related("participant").filter(public_id=held["draft"]).first()
    heir = heir_of_draft(draft) if draft else None
    if draft is None or heir is None or heir.nik != held["nik"]:
        return None
    return draft, heir


def heir_screen(view: View) -> View:
    """A screen after the first: the heir's checked draft (``request.heir_draft``)."""

    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        session = _heir_session(request)
        filed = request.session.get(FILED_KEY, [])
        if session is None and filed:  # filed already (a second tap, a back button)
            return redirect("heir_claim", claim_id=filed[-1])
        if session is None:
            messages.warning(request, claim_message("heir_session_ended"))
            return redirect("heir_start")
        draft, heir = session
        request.heir_draft, request.heir = draft, heir  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _request(draft: ClaimDraft, heir: HeirInfo) -> ClaimRequest:
    return replace(request_from_draft(draft), heir_is_minor=heir.is_minor)


def _preview(draft: ClaimDraft, heir: HeirInfo) -> Preview | None:
    try:
        return claim_preview(participant=draft.participant, request=_request(draft, heir))
    except ClaimError:
        return None


def _page(
    request: HttpRequest, step: str, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    number = STEPS.index(step) + 1
    base = {
        "step": step,
        "step_number": number,
        "step_count": len(STEPS),
        "step_title": STEP_TITLES[step],
        "back_url": reverse(STEP_URLS[STEPS[number - 2]]) if number > 1 else reverse("landing"),
        "heir": getattr(request, "heir", None),
        "member": getattr(getattr(request, "heir_draft", None), "participant", None),
    }
    return render(request, f"web/heir/{template}", {**base, **context}, status=status)


def _save(draft: ClaimDraft, step: str, answers: dict[str, Any]) -> None:
    """Save a completed step on the newest version: only this heir writes the draft."""
    current = ClaimDraft.objects.get(pk=draft.pk)
    drafts.draft_save(draft=current, step=step, answers=answers, version=current.version)


def _open_claim(draft: ClaimDraft) -> Claim | None:
    return Claim.objects.filter(participant=draft.participant, status__in=OPEN_STATUSES).first()


# --- the screens ----------------------------------------------------------------------------


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    form = HeirForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        typed = HeirInfo(
            nik=data["nik"],
            full_name=" ".join(data["full_name"].split()),
            birth_date=data["birth_date"],
            relation=data["relation"],
            phone=data["phone"],
            guardian_nik=data["guardian_nik"],
            guardian_name=" ".join(data["guardian_name"].split()),
        )
        try:
            member, heir = heir_check(
                member_nik=data["member_nik"],
                kpj=data["member_kpj"],
                heir=typed,
                client=client_address(request),
            )
            draft = heir_draft_start(participant=member, heir=heir)
        except HeirError as exc:
            params = dict(exc.params)
            if "until" in params:
                params["until"] = formats.time_format(timezone.localtime(params["until"]), "H.i")
            message = claim_message(exc.code, params)
            if exc.field and exc.field in form.fields:
                form.add_error(exc.field, message)
            else:
                error = message
        else:
            request.session.cycle_key()  # a new session for the checked heir
            request.session[SESSION_KEY] = {"draft": str(draft.public_id), "nik": heir.nik}
            return redirect("heir_documents")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "error": error, "office": face.OFFICE}
    return _page(request, "identity", "start.html", context, status)


@heir_screen
def documents(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.heir_draft  # type: ignore[attr-defined]
    heir: HeirInfo = request.heir  # type: ignore[attr-defined]
    preview = _preview(draft, heir)
    if preview is None:
        return redirect("heir_start")
    errors: list[str] = []
    if request.method == "POST":
        errors = receive_files(request, preview.decision.documents, draft=draft)
        rows = document_rows(draft=draft, kinds=preview.decision.documents)
        missing = [r["kind"] for r in rows if not r["upload"] or r["upload"].state != "complete"]
        if request.POST.get("action") == "continue" and not errors:
            if not missing:
                _save(draft, "documents", {})
                return redirect("heir_bank")
            errors.append(claim_message("documents_missing", {"missing": missing}))
        elif not errors:
            return redirect("heir_documents")
    context = {
        "rows": document_rows(draft=draft, kinds=preview.decision.documents),
        "errors": errors,
        "accept": "image/jpeg,image/png,application/pdf",
        "upload_texts": upload_texts(),
    }
    return _page(request, "documents", "documents.html", context, 400 if errors else 200)


@heir_screen
def bank(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.heir_draft  # type: ignore[attr-defined]
    heir: HeirInfo = request.heir  # type: ignore[attr-defined]
    preview = _preview(draft, heir)
    if preview is None:
        return redirect("heir_start")
    form = BankForm(request.POST or None, initial=draft.data.get("bank", {}))
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            cleaned = drafts.clean_step("bank", form.cleaned_data)
            # Paid to the heir: the account must be in the heir's own name.
            holder = check_bank_account(
                participant=draft.participant,
                bank_code=cleaned["bank_code"],
                account_number=cleaned["account_number"],
                payee_name=heir.full_name,
            )
            _save(draft, "bank", {**cleaned, "holder": holder})
        except drafts.DraftError as exc:
            form.add_error(exc.field, claim_message(exc.code, exc.params))
        except ClaimError as exc:
            error = claim_message(exc.code, exc.params)
        else:
            return redirect("heir_schedule")
    context = {
        "form": form,
        "error": error,
        "npwp_needed": "npwp" in preview.decision.documents,
        "npwp_threshold": rupiah(preview.decision.npwp_threshold, language()),
    }
    status = 400 if request.method == "POST" else 200
    return _page(request, "bank", "bank.html", context, status)


@heir_screen
def schedule(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.heir_draft  # type: ignore[attr-defined]
    heir: HeirInfo = request.heir  # type: ignore[attr-defined]
    preview = _preview(draft, heir)
    if preview is None:
        return redirect("heir_start")
    kind = request.POST.get("kind") or request.GET.get("jenis") or "video"
    if kind not in ("video", "branch"):
        kind = "video"
    error = ""
    if request.method == "POST" and request.POST.get("starts_at"):
        try:
            _save(draft, "schedule", {"kind": kind, "starts_at": request.POST["starts_at"]})
        except drafts.DraftError as exc:
            error = claim_message(exc.code, exc.params)
        else:
            return redirect("heir_review")
    elif request.method == "POST":
        error = claim_message("slot_required")
    days: dict[Any, list[tuple[str, str]]] = {}
    for slot in appointments.free_slots(kind=kind):
        local = timezone.localtime(slot.starts_at)
        days.setdefault(local.date(), []).append((local.isoformat(), local.strftime("%H.%M")))
    context = {
        "kind": kind,
        "days": list(days.items()),
        "chosen": draft.data.get("schedule", {}).get("starts_at", ""),
        "error": error,
        "office": face.OFFICE,
    }
    return _page(request, "schedule", "schedule.html", context, 400 if error else 200)


FIX_AT = {
    "documents_missing": "heir_documents",
    "appointment_required": "heir_schedule",
    "slot_unavailable": "heir_schedule",
    "npwp_format": "heir_bank",
    "bank_account_unknown": "heir_bank",
    "bank_account_dormant": "heir_bank",
    "bank_account_closed": "heir_bank",
    "bank_holder_mismatch": "heir_bank",
    "heir_minor_mismatch": "heir_start",
}


@heir_screen
def review(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.heir_draft  # type: ignore[attr-defined]
    heir: HeirInfo = request.heir  # type: ignore[attr-defined]
    key = f"heir-{draft.public_id}"
    if request.method == "POST":
        try:
            claim = claim_submit(
                participant=draft.participant,
                request=_request(draft, heir),
                idempotency_key=key,
                heir=heir,
            )
        except ClaimError as exc:
            again = Claim.objects.filter(participant=draft.participant, idempotency_key=key)
            if exc.code == "claim_in_progress" and again.exists():
                claim = again.get()
            else:
                messages.error(request, claim_message(exc.code, exc.params))
                return redirect(FIX_AT.get(exc.code, "heir_review"))
        filed = [*request.session.get(FILED_KEY, []), str(claim.public_id)]
        request.session[FILED_KEY] = list(dict.fromkeys(filed))
        messages.success(request, _("The claim is sent. We will tell you at every step."))
        return redirect("heir_claim", claim_id=claim.public_id)
    for step in ("documents", "bank", "schedule"):
        if step not in draft.data:
            return redirect(STEP_URLS[step])
    preview = _preview(draft, heir)
    if preview is None:
        return redirect("heir_start")
    request_ = _request(draft, heir)
    lang = language()
    decision = preview.decision
    context = {
        "key": key,
        "gross": rupiah(decision.gross, lang),
        "tax": rupiah(decision.tax, lang),
        "net": rupiah(decision.net, lang),
        "payment_due": preview.payment_due,
        "channel_label": CHANNEL_LABELS[preview.channel],
        "bank_name": BANKS.get(request_.bank_code, request_.bank_code),
        "account_number": request_.account_number,
        "holder": draft.data.get("bank", {}).get("holder", ""),
        "appointment": request_.appointment_at,
        "appointment_kind": request_.appointment_kind,
        "relation": HeirRelation(heir.relation).label,
        "documents": [
            DOCUMENT_LABELS.get(u.kind, u.kind)
            for u in draft.uploads.filter(state=DocumentUpload.State.COMPLETE)
        ],
        "explanations": [e["message"] for e in decision.explain(lang)],
        "eligible": decision.eligible,
    }
    return _page(request, "review", "review.html", context)


@never_cache
def claim_page(request: HttpRequest, claim_id: UUID) -> HttpResponse:
    """The heir's claim, for the session that filed it (later: the SMS and the branch)."""
    if str(claim_id) not in request.session.get(FILED_KEY, []):
        return redirect("heir_start")
    claim = Claim.objects.select_related("claimant", "participant").get(public_id=claim_id)
    stage, stage_name = stage_of(claim)
    appointment = claim.appointments.filter(state="booked").first()
    context = {
        "claim": claim,
        "heir_row": claim.claimant,
        "stage": stage,
        "stage_name": stage_name,
        "status": Status(claim.status).label,
        "net": rupiah(claim.net, language()),
        "appointment": appointment,
        "office": face.OFFICE,
    }
    return render(request, "web/heir/claim.html", context)


# --- documents in resumable chunks, for the heir's draft -----------------------------------


def _refuse(code: str, params: dict[str, Any] | None = None, status: int = 400) -> JsonResponse:
    body = {"code": code, "message": claim_message(code, params), "details": params or {}}
    return JsonResponse(body, status=status)


@never_cache
def upload_open(request: HttpRequest) -> JsonResponse:
    session = _heir_session(request)
    if session is None:
        return _refuse("heir_session_ended", status=403)
    if request.method != "POST":
        return _refuse("method", status=405)
    try:
        size = int(request.POST.get("size", ""))
        upload = upload_start(
            kind=request.POST.get("kind", ""),
            filename=request.POST.get("filename", ""),
            size=size,
            draft=session[0],
        )
    except ValueError:
        return _refuse("file_empty")
    except UploadError as exc:
        status = 413 if exc.code == "file_too_large" else 400
        return _refuse(exc.code, dict(exc.params), status)
    return JsonResponse(upload_summary(upload), status=201)


@never_cache
def upload_bytes(request: HttpRequest, upload_id: UUID) -> JsonResponse:
    """GET: where to resume. POST: the next bytes at ``Upload-Offset``."""
    session = _heir_session(request)
    if session is None:
        return _refuse("heir_session_ended", status=403)
    upload = DocumentUpload.objects.filter(Q(draft=session[0]), public_id=upload_id).first()
    if upload is None:
        return _refuse("upload_unknown", status=404)
    if request.method == "GET":
        return JsonResponse(upload_summary(upload))
    if request.method != "POST":
        return _refuse("method", status=405)
    try:
        offset = int(request.headers.get("Upload-Offset", ""))
        upload = upload_append(upload=upload, offset=offset, chunk=request.body)
    except ValueError:
        return _refuse("offset_mismatch", {"expected": upload.received}, 409)
    except UploadError as exc:
        status = {"offset_mismatch": 409, "file_too_large": 413}.get(exc.code, 400)
        return _refuse(exc.code, dict(exc.params), status)
    return JsonResponse(upload_summary(upload))
