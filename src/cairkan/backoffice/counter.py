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

import contextlib
from dataclasses import replace
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from cairkan.audit.services import audit_record
from cairkan.backoffice import selectors
from cairkan.backoffice.access import staff_required
from cairkan.biometrics import runtime
from cairkan.biometrics.engine import UnreadableImage, assess_quality, decode_image
from cairkan.biometrics.frames import count_frames, frame_parts
from cairkan.biometrics.messages import COACHING, LOCKED, OUTCOMES, STEPS
from cairkan.biometrics.messages import ERRORS as FACE_ERRORS
from cairkan.biometrics.models import FaceAttempt, Outcome, Purpose
from cairkan.biometrics.policy import policy
from cairkan.biometrics.services import (
    ChallengeInvalid,
    FaceError,
    FaceStepLocked,
    Prompt,
    answer_check,
    answered_frames,
    challenge_issue,
    challenge_prompt,
    face_status,
    frames_count_check,
    prompt_answer,
    verification_submit,
)
from cairkan.claims import drafts
from cairkan.claims.counter import (
    WalkInRefused,
    claim_number,
    claims_by_number,
    consent_text,
    counter_face_reference,
    counter_tester_mode,
    walk_in_member,
)
from cairkan.claims.documents import UploadError, upload_whole
from cairkan.claims.messages import DOCUMENT_LABELS, REASON_LABELS, claim_message
from cairkan.claims.models import (
    OPEN_STATUSES,
    Claim,
    ClaimDraft,
    CounterConsent,
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
from cairkan.integrations import loading
from cairkan.integrations.bank.base import BANKS
from cairkan.integrations.registry.sandbox import SandboxPopulationRegistry
from cairkan.jht.messages import rupiah
from cairkan.members.models import Participant

PERMISSION = "claims.file_on_behalf"
WALK_IN_KEY = "cairkan_counter_walk_in"
MAX_FRAME = 8 * 1024 * 1024  # as the member's face page
MAX_COACHING_FRAME = 300 * 1024
# Where the member can ask about the claim by its number (printed on the receipt).
HELP_DESK = "Mall Pelayanan Publik Amuntai · BPJS Ketenagakerjaan 175"
NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}
# A death claim is the heirs' (domain reference, Channels), never the member's own.
OWN_REASONS = [(code, label) for code, label in REASON_LABELS.items() if code != "death"]


class WalkInForm(forms.Form):
    nik = forms.CharField(
        label=gettext_lazy("NIK (16 digits, from the e-KTP)"),
        max_length=24,
        widget=forms.TextInput(attrs=NUMERIC),
    )
    kpj = forms.CharField(
        label=gettext_lazy("KPJ number (11 digits, from the membership card)"),
        max_length=20,
        widget=forms.TextInput(attrs=NUMERIC),
    )


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why the member claims"),
        choices=OWN_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose one of the listed reasons.")},
    )
    separation_date = forms.DateField(
        label=gettext_lazy("The day the member stopped working (only without an employer report)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )


class BankForm(forms.Form):
    bank_code = forms.ChoiceField(
        label=gettext_lazy("Bank"),
        choices=[("", "—"), *BANKS.items()],
        error_messages={"required": gettext_lazy("Choose the member's bank from the list.")},
    )
    account_number = forms.CharField(
        label=gettext_lazy("Account number (from the savings book)"),
        max_length=24,
        widget=forms.TextInput(attrs=NUMERIC),
    )
    npwp = forms.CharField(
        label=gettext_lazy("NPWP (tax number), if the member has one"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs=NUMERIC),
    )


class ConsentForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("How the member agreed"),
        choices=CounterConsent.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how the member agreed.")},
    )
    agreed = forms.BooleanField(
        label=gettext_lazy("I read the consent to the member and the member agreed"),
        error_messages={
            "required": gettext_lazy("Read the consent to the member and record that they agreed.")
        },
    )


def _language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _walk_in(request: HttpRequest) -> Participant | None:
    pk = request.session.get(WALK_IN_KEY)
    return Participant.objects.filter(pk=pk).first() if pk else None


def _no_walk_in(request: HttpRequest) -> HttpResponse:
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


def _documents(draft: ClaimDraft, preview: Preview | None) -> list[dict[str, Any]]:
    if preview is None:
        return []
    uploads = {u.kind: u for u in draft.uploads.all()}
    return [
        {
            "kind": kind,
            "label": DOCUMENT_LABELS.get(kind, kind),
            "upload": uploads.get(kind),
            "rejection": claim_message(uploads[kind].rejection) if kind in uploads else "",
        }
        for kind in preview.decision.documents
    ]


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
    participant = _walk_in(request)
    if participant is None:
        return _no_walk_in(request)
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
    language = _language()
    documents = _documents(draft, preview)
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


def _prompt_data(prompt: Prompt) -> dict[str, Any]:
    return {
        "challenge_id": str(prompt.challenge_id),
        "index": prompt.index,
        "count": prompt.count,
        "code": prompt.code,
        "text": str(STEPS.get(prompt.code, prompt.code)),
        "nonce": prompt.nonce,
        "last": prompt.last,
    }


def _face_error(code: str) -> str:
    return str(FACE_ERRORS.get(code, FACE_ERRORS.get("invalid_capture", code)))


@require_GET
@staff_required(PERMISSION)
def face(request: HttpRequest) -> HttpResponseBase:
    participant = _walk_in(request)
    if participant is None:
        return _no_walk_in(request)
    return _face_page(request, participant)


def _face_page(
    request: HttpRequest,
    participant: Participant,
    *,
    prompt: Prompt | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    locked = False
    if prompt is None:
        try:
            prompt = challenge_prompt(
                challenge=challenge_issue(participant=participant, purpose=Purpose.CLAIM)
            )
        except FaceStepLocked:
            locked = True
    context = {
        "participant": participant,
        "tester": not locked and counter_tester_mode(participant=participant),
        "prompt": _prompt_data(prompt) if prompt else None,
        "locked": locked,
        "locked_message": str(LOCKED) % {"count": policy().max_failures},
        "failures_left": face_status(participant=participant).failures_left,
        "error": error,
        "texts": {
            "ready": _("Get ready"),
            "sending": _("Sending the photos…"),
            "again": _("Try again"),
            "continue": _("Continue"),
            "tries_left": _("You have %(left)s tries left."),
            "no_camera": _("The camera could not be started. Use the photo form below."),
            "network": _("The connection dropped. Nothing is lost: press the button again."),
        },
    }
    return render(request, "backoffice/counter/face.html", context, status=status)


def _answer(request: HttpRequest, body: dict[str, Any], status: int = 200) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(body, status=status)
    participant = _walk_in(request)
    if status >= 400 and participant is not None:
        return _face_page(request, participant, error=body["message"], status=status)
    level = messages.SUCCESS if body.get("outcome") == Outcome.PASSED else messages.WARNING
    messages.add_message(request, level, body["message"])
    return redirect(body.get("redirect") or reverse("backoffice:counter_face"))


def _next_challenge(participant: Participant) -> dict[str, Any] | None:
    try:
        challenge = challenge_issue(participant=participant, purpose=Purpose.CLAIM)
    except FaceStepLocked:
        return None
    return {"id": str(challenge.pk), "prompt": _prompt_data(challenge_prompt(challenge=challenge))}


@csrf_exempt  # checked by _face_submit, once the frame counter is in place
@require_POST
@staff_required(PERMISSION)
def face_submit(request: HttpRequest) -> HttpResponseBase:
    count_frames(request)  # before anything reads the body (CSRF reads the form)
    return _face_submit(request)


@csrf_protect
def _face_submit(request: HttpRequest) -> HttpResponse:
    """The member's face check on the counter's camera: the member's own challenge and
    attempt policy (``verification_submit``: counted failures count, three lock the step),
    compared with their enrolled face or the registry photo, recorded as this officer's."""
    body: dict[str, Any]
    participant = _walk_in(request)
    if participant is None:
        body = {
            "outcome": "error",
            "message": claim_message("walk_in_none"),
            "redirect": reverse("backoffice:counter"),
        }
        return _answer(request, body, 403)
    answer: dict[str, Any] = {
        "challenge_id": request.POST.get("challenge_id", ""),
        "index": request.POST.get("step", ""),
        "nonce": request.POST.get("nonce", ""),
    }
    try:
        challenge, prompt, _resent = answer_check(participant=participant, **answer)
        frames_count_check(frame_parts(request))
        uploads = list(request.FILES.getlist("frames"))
        if any((upload.size or 0) > MAX_FRAME for upload in uploads):
            raise FaceError("too_large")
        frames = [upload.read() for upload in uploads]
        if not prompt.last:
            following = prompt_answer(participant=participant, frames=frames, **answer)
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse({"outcome": "next", "prompt": _prompt_data(following)})
            return _face_page(request, participant, prompt=following)
        tester = request.POST.get("tester") == "1" and counter_tester_mode(participant=participant)
        earlier = answered_frames(challenge_id=challenge.pk)
        front = earlier[0][0] if earlier else frames[0]
        verdict = verification_submit(
            participant=participant,
            frames=frames,
            reference=counter_face_reference(
                participant=participant, tester_front=front if tester else None
            ),
            helper=request.user,
            **answer,
        )
    except WalkInRefused as refused:
        return _answer(request, {"outcome": "error", "message": claim_message(refused.code)}, 409)
    except FaceStepLocked:
        return _answer(request, _locked_body())
    except ChallengeInvalid as exc:
        body = {
            "outcome": "error",
            "message": _face_error(exc.code),
            "code": exc.code,
            "challenge": _next_challenge(participant),
        }
        return _answer(request, body, 409)
    except FaceError as exc:
        body = {"outcome": "error", "message": _face_error(exc.code), "code": exc.code}
        return _answer(request, body, 400)
    if verdict.outcome == Outcome.PASSED:
        if tester:  # the sandbox keeps the tester's face as the registry photo from now on
            registry = loading.population_registry()
            assert isinstance(registry, SandboxPopulationRegistry)
            registry.tester_photo_set(nik=participant.nik, photo_jpeg=front)
        draft = drafts.draft_for(participant=participant, helper=request.user)
        with contextlib.suppress(drafts.DraftConflict):
            drafts.draft_save(draft=draft, step="face", answers={}, version=draft.version)
        body = {
            "outcome": Outcome.PASSED,
            "message": str(OUTCOMES["passed"]),
            "redirect": reverse("backoffice:counter_claim") + "#bank",
        }
        return _answer(request, body)
    if verdict.locked:
        return _answer(request, _locked_body())
    lines = [str(OUTCOMES.get(verdict.outcome, ""))]
    lines += [
        str(COACHING[c]) for c in (*verdict.quality, verdict.liveness_reason) if c in COACHING
    ]
    if verdict.counted:
        lines.append(_("You have %(left)s tries left.") % {"left": verdict.failures_left})
    body = {
        "outcome": verdict.outcome,
        "message": " ".join(line for line in lines if line),
        "failures_left": verdict.failures_left,
        "challenge": None if verdict.outcome == Outcome.REVIEW else _next_challenge(participant),
        "redirect": reverse("backoffice:counter_claim")
        if verdict.outcome == Outcome.REVIEW
        else "",
    }
    return _answer(request, body)


def _locked_body() -> dict[str, Any]:
    return {
        "outcome": "locked",
        "message": str(LOCKED) % {"count": policy().max_failures},
        "redirect": reverse("backoffice:counter_face"),
    }


@require_POST
@staff_required(PERMISSION)
def face_quality(request: HttpRequest) -> HttpResponseBase:
    """Live coaching on one small frame; never an attempt."""
    if _walk_in(request) is None:
        return JsonResponse({"ok": False, "message": claim_message("walk_in_none")}, status=403)
    upload = request.FILES.get("frame")
    if upload is None or (upload.size or 0) > MAX_COACHING_FRAME:
        return JsonResponse({"ok": False, "message": _face_error("invalid_capture")}, status=400)
    try:
        image = decode_image(upload.read())
    except UnreadableImage as exc:
        return JsonResponse({"ok": False, "message": _face_error(exc.code)}, status=400)
    report = assess_quality(runtime.engine(), image, runtime.quality_limits())
    codes = [code for code in report.codes if code in COACHING]
    message = str(COACHING[codes[0]]) if codes else _("Good. Hold the phone still.")
    return JsonResponse({"ok": report.ok, "codes": list(report.codes), "message": message})


# --- the receipt ---------------------------------------------------------------------------


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
