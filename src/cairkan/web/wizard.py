"""The claim wizard as pages, one question per screen, on the claims services.

Each completed screen is saved as the member's ``ClaimDraft`` (optimistic version in a
hidden field), so a dropped connection, a closed tab or another phone resumes at the
right screen; ``wizard.js`` also keeps typed answers in the browser while offline. The
confirm button carries the draft's idempotency key: a double tap files one claim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from cairkan.accounts.messages import MESSAGES
from cairkan.accounts.models import MemberAccount
from cairkan.accounts.selectors import verified_participant
from cairkan.biometrics.models import Purpose
from cairkan.claims import appointments, drafts
from cairkan.claims.appointment_selectors import days_then_times
from cairkan.claims.documents import UploadError, upload_whole
from cairkan.claims.messages import (
    CHANNEL_LABELS,
    DOCUMENT_LABELS,
    REASON_LABELS,
    RELATION_LABELS,
    claim_message,
    document_rows,
)
from cairkan.claims.models import OPEN_STATUSES, Claim, ClaimDraft, DocumentUpload
from cairkan.claims.outlook import PROVEN_BY_DOCUMENT, Outlook, ReasonOutlook, claim_outlook
from cairkan.claims.services import (
    ClaimError,
    Preview,
    claim_preview,
    claim_submit,
    helper_from_draft,
    request_from_draft,
    step_save,
)
from cairkan.integrations.bank.base import BANKS
from cairkan.jht import Reason
from cairkan.jht.messages import rupiah
from cairkan.web import face
from cairkan.web.claim_forms import OWN_REASONS, BankForm, DataForm, ReasonForm, WhoForm
from cairkan.web.members import RESUME_URLS, member_required

STEP_URLS = RESUME_URLS
STEP_TITLES = {
    "who": gettext_lazy("Before you start"),
    "reason": gettext_lazy("Reason"),
    "data": gettext_lazy("Your data"),
    "documents": gettext_lazy("Documents"),
    "face": gettext_lazy("Face check"),
    "bank": gettext_lazy("Bank account"),
    "schedule": gettext_lazy("Appointment"),
    "review": gettext_lazy("Check and send"),
}
# The claims services' refusals and the screen where the member can fix each.
FIX_AT = {
    "face_required": "face",
    "documents_missing": "documents",
    "appointment_required": "schedule",
    "slot_unavailable": "schedule",
    "npwp_format": "bank",
    "bank_account_unknown": "bank",
    "bank_account_dormant": "bank",
    "bank_account_closed": "bank",
    "bank_holder_mismatch": "bank",
    "bank_check_throttled": "bank",
    "reason_unknown": "reason",
}

View = Callable[..., HttpResponse]


def language() -> str:
    return "en" if (translation.get_language() or "id").startswith("en") else "id"


def upload_texts() -> dict[str, str]:
    """What wizard.js says while a document goes up."""
    return {
        "sending": _("Sending…"),
        "received": _("Received"),
        "rejected": _("Not accepted"),
        "paused": _("The connection dropped. The upload continues where it stopped."),
        "failed": _(
            "The upload was refused. Reload the page (you may need to log in again) "
            "and choose the file again."
        ),
    }


def receive_files(
    request: HttpRequest,
    kinds: Iterable[str],
    *,
    draft: ClaimDraft | None = None,
    claim: Claim | None = None,
) -> list[str]:
    """Documents posted by the page without JavaScript, one file input per kind; what
    each refusal says, by document."""
    errors = []
    for kind in kinds:
        upload = request.FILES.get(kind)
        if upload is None:
            continue
        try:
            upload_whole(
                draft=draft,
                claim=claim,
                kind=kind,
                filename=upload.name or kind,
                data=upload.read(),
            )
        except UploadError as exc:
            label = DOCUMENT_LABELS.get(kind, kind)
            errors.append(f"{label}: {claim_message(exc.code, exc.params)}")
    return errors


def wizard_screen(view: View) -> View:
    """A logged-in member with no claim in progress, and their draft (``request.draft``)."""

    @wraps(view)
    @never_cache
    @member_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account: MemberAccount = request.member  # type: ignore[attr-defined]
        if verified_participant(account=account) is None:  # the claim shows member data
            messages.warning(request, str(MESSAGES["face_not_enrolled"]))
            return redirect("register_face")
        open_claim = Claim.objects.filter(
            participant=account.participant, status__in=OPEN_STATUSES
        ).first()
        if open_claim is not None:
            return redirect("claim_detail", claim_id=open_claim.public_id)
        draft = drafts.draft_for(participant=account.participant)
        outlook = claim_outlook(participant=account.participant)
        if view.__name__ != "start" and not outlook.can_start and "who" not in draft.data:
            # Not yet: the first screen (``start``) says why and from when, before any
            # effort; the later screens send the member there.
            return redirect("claim_start")
        request.draft = draft  # type: ignore[attr-defined]
        request.outlook = outlook  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _steps_for(draft: ClaimDraft, outlook: Outlook) -> tuple[list[str], bool]:
    """The screens this claim goes through (the appointment only off the app channel),
    and whether their number is known. The outlook gives the channel from the first
    screen: the reason's once chosen, before that the one every open reason shares. When
    open reasons differ (rare: a working member past retirement age with ten years of
    membership), the count is left out until the reason is chosen rather than changed."""
    chosen = outlook.of(draft.data.get("reason", {}).get("reason", ""))
    channels = {chosen.channel} if chosen is not None else set(outlook.channels)
    in_app = channels == {"app"} or not channels
    steps = [s for s in drafts.STEPS if not (s == "schedule" and in_app)]
    return steps, len(channels) <= 1


def _preview(draft: ClaimDraft) -> Preview | None:
    if "reason" not in draft.data:
        return None
    try:
        return claim_preview(participant=draft.participant, request=request_from_draft(draft))
    except ClaimError:
        return None


def _next_url(draft: ClaimDraft, step: str, outlook: Outlook) -> str:
    steps, _known = _steps_for(draft, outlook)
    following = steps[min(steps.index(step) + 1, len(steps) - 1)] if step in steps else "review"
    return reverse(STEP_URLS[following])


def _page(
    request: HttpRequest,
    step: str,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    steps, known = _steps_for(draft, request.outlook)  # type: ignore[attr-defined]
    number = steps.index(step) + 1 if step in steps else len(steps)
    base = {
        "draft": draft,
        "step": step,
        "step_number": number,
        "step_count": len(steps) if known else None,
        "step_title": STEP_TITLES[step],
        "back_url": reverse(STEP_URLS[steps[number - 2]]) if number > 1 else reverse("account"),
        "helper": helper_from_draft(draft),
    }
    return render(request, f"web/claim/{template}", {**base, **context}, status=status)


def _save(
    request: HttpRequest, step: str, answers: dict[str, Any]
) -> tuple[HttpResponse | None, str, str]:
    """Save the step; (redirect, "", "") on success or (None, field, message)."""
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = draft.version
    try:
        saved = step_save(
            participant=draft.participant, draft=draft, step=step, answers=answers, version=version
        )
    except drafts.DraftConflict as conflict:
        messages.warning(
            request,
            _(
                "These answers were changed on another phone or tab meanwhile. "
                "Here is the newest version: check it and continue."
            ),
        )
        request.draft = conflict.current  # type: ignore[attr-defined]
        return redirect(STEP_URLS[step]), "", ""
    except drafts.DraftError as exc:
        return None, exc.field, claim_message(exc.code, exc.params)
    except ClaimError as exc:
        return None, "", _refusal_text(exc)
    return redirect(_next_url(saved, step, request.outlook)), "", ""  # type: ignore[attr-defined]


def _refusal_text(exc: ClaimError) -> str:
    """The refusal's sentence; for "not yet", each reason and its date in the member's
    language."""
    message = claim_message(exc.code, exc.params)
    decision = exc.params.get("decision")
    if exc.code != "not_eligible" or decision is None:
        return message
    codes = exc.params.get("refusals", [])
    reasons = [e["message"] for e in decision.explain(language()) if e["code"] in codes]
    return " ".join([message, *reasons])


def _bind_error(form: Any, field: str, message: str) -> str:
    """Put the message next to its field when the form has it; else return it."""
    if field and field in form.fields:
        form.add_error(field, message)
        return ""
    return message


def _form_step(
    request: HttpRequest,
    step: str,
    form: Any,
    template: str,
    extra: dict[str, Any] | None = None,
    answers: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Show ``form`` for ``step``; on a valid POST save it and go on, or say why not."""
    error = ""
    if request.method == "POST" and form.is_valid():
        cleaned = answers(form.cleaned_data) if answers else form.cleaned_data
        response, field, message = _save(request, step, cleaned)
        if response:
            return response
        error = _bind_error(form, field, message)
    status = 400 if request.method == "POST" else 200
    return _page(request, step, template, {"form": form, "error": error, **(extra or {})}, status)


# --- the screens ------------------------------------------------------------------------


OTHER_PATH = "lain"  # ?lain=1: the reasons proven by their own document, when nothing else is open


@wizard_screen
def start(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    outlook: Outlook = request.outlook  # type: ignore[attr-defined]
    if not outlook.can_start and request.GET.get(OTHER_PATH) != "1" and "who" not in draft.data:
        return _not_yet(request, outlook)
    saved = draft.data.get("who", {})
    initial = {**saved, "helper": "1" if saved.get("helper") else "0"}
    form = WhoForm(request.POST or None, initial=initial)
    extra = {
        "open_reasons": _reason_labels(outlook.open_reasons),
        "action": request.get_full_path(),
    }
    return _form_step(request, "who", form, "who.html", extra)


def _reason_labels(reasons: Iterable[ReasonOutlook]) -> list[str]:
    return [str(REASON_LABELS.get(r.reason, r.reason)) for r in reasons]


def _not_yet(request: HttpRequest, outlook: Outlook) -> HttpResponse:
    """The first screen of a member who cannot claim yet: why, in plain words, and from
    when; nothing to fill in. A tap on "start" anyway (an old tab) gets the same page."""
    context = {
        "not_yet": outlook.not_yet(language()),
        "opens_on": outlook.next_opening,
        "other": _reason_labels(r for r in outlook.reasons if r.reason in PROVEN_BY_DOCUMENT),
        "other_url": f"{reverse('claim_start')}?{OTHER_PATH}=1",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "web/claim/not_yet.html", context, status=status)


@wizard_screen
def reason(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    outlook: Outlook = request.outlook  # type: ignore[attr-defined]
    form = ReasonForm(request.POST or None, initial=draft.data.get("reason", {}))
    chosen = form["reason"].value()
    mixed = len(outlook.channels) > 1
    lang = language()
    rows = []
    for code, label in OWN_REASONS:
        known = outlook.of(str(code))
        rows.append(
            {
                "value": code,
                "label": label,
                "open": known is None or known.open,
                "checked": str(chosen) == str(code),
                # When open reasons take different channels, each says which (and so
                # how many screens) before it is chosen.
                "channel": CHANNEL_LABELS[known.channel] if known and known.open and mixed else "",
                "why_not": " ".join(known.explain(lang)) if known and not known.open else "",
            }
        )
    return _form_step(request, "reason", form, "reason.html", {"rows": rows})


def _prefilled(draft: ClaimDraft) -> list[tuple[str, str, str]]:
    """(field, label, value) of the member's records, to confirm or flag."""
    participant = draft.participant
    memberships = list(participant.memberships.select_related("employer").order_by("start_date"))
    latest = memberships[-1] if memberships else None
    rows = [
        ("full_name", _("Full name"), participant.full_name),
        ("birth_date", _("Date of birth"), participant.birth_date.strftime("%d-%m-%Y")),
        ("kpj", _("KPJ number"), ", ".join(m.kpj for m in memberships)),
    ]
    if latest is not None:
        rows += [
            ("employer", _("Last employer"), latest.employer.name),
            ("membership_start", _("Member since"), memberships[0].start_date.strftime("%d-%m-%Y")),
        ]
        if latest.separation_date:
            rows.append(
                (
                    "separation_date",
                    _("Stopped working on (employer's report)"),
                    latest.separation_date.strftime("%d-%m-%Y"),
                )
            )
    return rows


def _dated(cleaned: dict[str, Any]) -> dict[str, Any]:
    day = cleaned["separation_date"]
    return {**cleaned, "separation_date": day.isoformat() if day else ""}


@wizard_screen
def data(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    if "reason" not in draft.data:
        return redirect("claim_reason")
    rows = _prefilled(draft)
    reported = any(field == "separation_date" for field, _label, _value in rows)
    reason = Reason(draft.data["reason"]["reason"])
    form = DataForm(request.POST or None, initial=draft.data.get("data", {}))
    # Asked only when the rules count from it and the employer did not report it: not of
    # a partial-withdrawal or retirement claimant (Permenaker 4/2022 Art. 8-11).
    extra = {"rows": rows, "asks_date": reason.needs_separation_date and not reported}
    return _form_step(request, "data", form, "data.html", extra, answers=_dated)


@wizard_screen
def documents(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    preview = _preview(draft)
    if preview is None:
        return redirect("claim_reason")
    errors: list[str] = []
    if request.method == "POST":
        errors = receive_files(request, preview.decision.documents, draft=draft)
        rows = document_rows(draft=draft, kinds=preview.decision.documents)
        missing = [r["kind"] for r in rows if not r["upload"] or r["upload"].state != "complete"]
        if request.POST.get("action") == "continue" and not errors:
            if not missing:
                response, _field, message = _save(request, "documents", {})
                if response:
                    return response
                errors.append(message)
            else:
                errors.append(claim_message("documents_missing", {"missing": missing}))
        elif not errors:
            return redirect("claim_documents")
    context = {
        "preview": preview,
        "rows": document_rows(draft=draft, kinds=preview.decision.documents),
        "errors": errors,
        "accept": "image/jpeg,image/png,application/pdf",
        "upload_texts": upload_texts(),
    }
    status = 400 if errors else 200
    return _page(request, "documents", "documents.html", context, status)


@wizard_screen
def claim_face(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    if not hasattr(draft.participant, "face_enrolment"):
        messages.warning(
            request, _("Enrol your face first: the claim's face check compares with it.")
        )
        return redirect("register_face")
    steps, _known = _steps_for(draft, request.outlook)  # type: ignore[attr-defined]
    return face.face_page(
        request,
        Purpose.CLAIM,
        extra={"step_number": steps.index("face") + 1, "step_count": len(steps)},
    )


@wizard_screen
def bank(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    preview = _preview(draft)
    if preview is None:
        return redirect("claim_reason")
    form = BankForm(request.POST or None, initial=draft.data.get("bank", {}))
    extra = {
        "npwp_needed": "npwp" in preview.decision.documents,
        "npwp_threshold": rupiah(preview.decision.npwp_threshold, language()),
        "registry_name": draft.participant.full_name,
        "preview": preview,
    }
    return _form_step(request, "bank", form, "bank.html", extra)


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None  # no day, or a mistyped one: the page asks for a day


@wizard_screen
def schedule(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    preview = _preview(draft)
    if preview is None:
        return redirect("claim_reason")
    if preview.channel == "app":
        return redirect("claim_review")
    kind = request.POST.get("kind") or request.GET.get("jenis") or "video"
    if kind not in ("video", "branch"):
        kind = "video"
    error = ""
    if request.method == "POST" and request.POST.get("starts_at"):
        answers = {"kind": kind, "starts_at": request.POST.get("starts_at", "")}
        response, _field, error = _save(request, "schedule", answers)
        if response:
            return response
    elif request.method == "POST":
        error = claim_message("slot_required")
    # Day first, then its times (issue 14.5): never every start of two weeks at once.
    chosen = draft.data.get("schedule", {})
    days, chosen_day, times = days_then_times(
        appointments.free_slots(kind=kind),
        _day(request.POST.get("hari") or request.GET.get("hari")),
    )
    context = {
        "preview": preview,
        "kind": kind,
        "days": days,
        "chosen_day": chosen_day,
        "times": times,
        "day_query": f"jenis={kind}&",
        "chosen": chosen.get("starts_at", ""),
        "error": error,
        "channel_label": CHANNEL_LABELS[preview.channel],
        "office": face.OFFICE,
    }
    status = 400 if error else 200
    return _page(request, "schedule", "schedule.html", context, status)


def _first_incomplete(draft: ClaimDraft, outlook: Outlook) -> str | None:
    steps, _known = _steps_for(draft, outlook)
    for step in steps:
        if step in ("review", "face"):
            continue
        if step not in draft.data:
            return step
    return None


@wizard_screen
def review(request: HttpRequest) -> HttpResponse:
    draft: ClaimDraft = request.draft  # type: ignore[attr-defined]
    preview = _preview(draft)
    missing_step = _first_incomplete(draft, request.outlook)  # type: ignore[attr-defined]
    if preview is None or missing_step:
        return redirect(STEP_URLS[missing_step or "reason"])
    key = f"web-{draft.public_id}"
    error, explanations = "", []
    if request.method == "POST":
        try:
            claim = claim_submit(
                participant=draft.participant,
                request=request_from_draft(draft),
                idempotency_key=request.POST.get("key") or key,
                helper_info=helper_from_draft(draft),
            )
        except ClaimError as exc:
            message = claim_message(exc.code, exc.params)
            if exc.code in FIX_AT:
                messages.error(request, message)
                return redirect(STEP_URLS[FIX_AT[exc.code]])
            error = message
            explanations = [item["message"] for item in exc.params.get("explanations", [])]
        else:
            messages.success(request, _("Your claim is sent. We will tell you at every step."))
            return redirect("claim_detail", claim_id=claim.public_id)
    request_ = request_from_draft(draft)
    lang = language()
    decision = preview.decision
    who = draft.data.get("who", {})
    context = {
        "preview": preview,
        "key": key,
        "reason_label": REASON_LABELS.get(request_.reason, request_.reason),
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
        "relation": RELATION_LABELS.get(who.get("relation", ""), ""),
        "documents": [
            DOCUMENT_LABELS.get(u.kind, u.kind)
            for u in draft.uploads.filter(state=DocumentUpload.State.COMPLETE)
        ],
        "flagged": draft.data.get("data", {}).get("flagged", []),
        "error": error,
        "explanations": explanations or [e["message"] for e in decision.explain(lang)],
    }
    status = 400 if error else 200
    return _page(request, "review", "review.html", context, status)
