"""The officers' pages under /kantor/. Thin: each view names its permission
(``staff_required``), reads through selectors and acts through services."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cairkan.backoffice import selectors, sheet
from cairkan.backoffice.access import staff_required
from cairkan.backoffice.models import ClaimReview, ReviewEvent
from cairkan.backoffice.services import (
    ReviewError,
    claim_release,
    claim_review_approve,
    claim_review_ask_correction,
    claim_review_escalate,
    claim_review_reject,
    claim_take,
)
from cairkan.claims.messages import CHANNEL_LABELS, DOCUMENT_LABELS
from cairkan.claims.models import Claim, CounterConsent, DocumentUpload, Status

ERRORS = {
    "forbidden": gettext_lazy("You may not do this for this claim."),
    "taken_by_other": gettext_lazy("%(name)s is working on this claim."),
    "not_in_queue": gettext_lazy("This claim no longer waits for a decision."),
    "four_eyes_same_person": gettext_lazy(
        "You gave the first approval. A second, different person must approve."
    ),
    "filed_it_yourself": gettext_lazy(
        "You filed this claim at the counter for the member. Another officer approves it."
    ),
    "four_eyes_supervisor": gettext_lazy(
        "Above the four-eyes limit the second approval is a supervisor's (Penyelia)."
    ),
    "rejection_code_unknown": gettext_lazy("Choose the reason for the rejection from the list."),
    "note_required": gettext_lazy("Write a note saying why; the member reads it."),
    "correction_items_required": gettext_lazy("Choose what the member must correct."),
    "correction_item_unknown": gettext_lazy(
        "Choose only documents of this claim, or the bank account."
    ),
    "transition_not_allowed": gettext_lazy(
        "This claim cannot make that move in its current status."
    ),
}


def _language() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _claim(request: HttpRequest, claim_id: Any) -> Claim:
    """A claim the officer may read; one outside their branches is not found (404)."""
    claim = selectors.visible_claim(request.user, claim_id)
    if claim is None:
        raise Http404
    return claim


def _error(request: HttpRequest, exc: ReviewError) -> None:
    text = str(ERRORS.get(exc.code, _("This could not be done.")))
    with contextlib.suppress(KeyError, TypeError, ValueError):
        text = text % exc.params
    messages.error(request, text)


@require_GET
@staff_required("claims.view_claim")
def queue(request: HttpRequest) -> HttpResponse:
    filters = selectors.QueueFilters(
        channel=request.GET.get("channel", ""),
        reason=request.GET.get("reason", ""),
        branch=request.GET.get("branch", ""),
        stage=request.GET.get("stage", ""),
        mine=request.GET.get("mine") == "1",
        urgent=request.GET.get("urgent") == "1",
    )
    items = selectors.work_queue(request.user, filters)
    context = {
        "items": items,
        "filters": filters,
        "channels": list(CHANNEL_LABELS_SHORT.items()),
        "reasons": [(c, selectors.reason_label(c)) for c in selectors.REVIEW_REASON_LABELS],
        "branches": selectors.user_branches(request.user),
        "stages": [(s, Status(s).label) for s in selectors.STAGE_FILTERS],
        "language": _language(),
        "breaching": sum(1 for item in items if item.urgency in ("breached", "today", "soon")),
    }
    return render(request, "backoffice/queue.html", context)


CHANNEL_LABELS_SHORT = {
    "app": gettext_lazy("App"),
    "online_assisted": gettext_lazy("Online assisted"),
    "branch": gettext_lazy("Branch counter"),
    "counter": gettext_lazy("Walk-in, filed at the counter"),
}


@require_GET
@staff_required("claims.view_claim")
def review(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _claim(request, claim_id)
    language = _language()
    review_row = ClaimReview.objects.filter(claim=claim).select_related("assignee").first()
    rows, registry_note = sheet.registry_rows(claim, language)
    deadline = selectors.sla_deadline(claim)
    context = {
        "claim": claim,
        "review": review_row,
        "reason": sheet.reason_words(claim),
        "channel": CHANNEL_LABELS.get(claim.channel, claim.channel),
        "status": Status(claim.status).label,
        "gross": sheet.money(claim.gross, language),
        "tax": sheet.money(claim.tax, language),
        "net": sheet.money(claim.net, language),
        "balance": sheet.money(claim.balance, language),
        "deadline": deadline,
        "urgency": selectors.urgency(deadline, timezone.localdate()),
        "sla_days": selectors.sla_days(claim),
        "reasons": [selectors.reason_label(c) for c in selectors.review_reasons(claim, review_row)],
        "rows": rows,
        "registry_note": registry_note,
        "face": sheet.face_summary(claim),
        "bank": sheet.bank_inquiry(claim),
        "heir": sheet.heir_summary(claim, language),
        "decision": sheet.decision_summary(claim, language),
        "documents": sheet.documents(claim),
        "events": [
            (
                e.at,
                Status(e.to_status).label,
                e.acting_user.get_username() if e.acting_user else e.actor,
                e.reason,
            )
            for e in claim.events.select_related("acting_user")
        ],
        "review_events": ReviewEvent.objects.filter(claim=claim).select_related("officer"),
        "rejection_choices": sheet.rejection_choices(),
        "correction_choices": [
            (f"document:{code}", str(DOCUMENT_LABELS.get(code, code)))
            for code in claim.documents_required
        ]
        + [("bank", _("Another bank account in the member's own name"))],
        "deciding": claim.status in (Status.SUBMITTED, Status.IN_REVIEW),
        "four_eyes": claim.gross > selectors.four_eyes_limit(),
        "four_eyes_limit": sheet.money(selectors.four_eyes_limit(), language),
        "mine": review_row is not None and review_row.assignee_id == request.user.pk,
        # A walk-in's claim: who filed it at the counter and the consent read to the member.
        "counter_consent": CounterConsent.objects.filter(claim=claim)
        .select_related("witnessed_by")
        .first(),
    }
    return render(request, "backoffice/review.html", context)


@require_GET
@staff_required("claims.view_documentupload")
def document(request: HttpRequest, upload_id: Any) -> HttpResponseBase:
    """A claim's document, streamed to an officer who may read the claim's branch: never
    a public URL. Shown inline; a PDF in a CSP sandbox (no scripts, no same origin)."""
    upload = (
        DocumentUpload.objects.filter(
            public_id=upload_id,
            state=DocumentUpload.State.COMPLETE,
            claim__in=selectors.visible_claims(request.user).values("pk"),
        )
        .exclude(stored="")
        .first()
    )
    if upload is None:
        raise Http404
    try:
        handle = upload.stored.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = upload.content_type or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        content_type, "bin"
    )
    response["Content-Disposition"] = f'inline; filename="{upload.kind}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # The review screen shows it in a frame of our own pages only.
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'"
    )
    return response


def _back(claim: Claim) -> HttpResponse:
    return redirect("backoffice:review", claim_id=claim.public_id)


@require_POST
@staff_required("claims.assess_claim")
def take(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _claim(request, claim_id)
    try:
        claim_take(claim=claim, officer=request.user)
        messages.success(request, _("You are working on this claim."))
    except ReviewError as exc:
        _error(request, exc)
    return _back(claim)


@require_POST
@staff_required("claims.assess_claim")
def release(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _claim(request, claim_id)
    try:
        claim_release(claim=claim, officer=request.user)
        messages.success(request, _("The claim is back in the queue."))
    except ReviewError as exc:
        _error(request, exc)
    return _back(claim)


@require_POST
@staff_required("claims.approve_claim")
def approve(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _claim(request, claim_id)
    try:
        outcome = claim_review_approve(claim=claim, officer=request.user)
    except ReviewError as exc:
        _error(request, exc)
        return _back(claim)
    if outcome == "first_approval":
        messages.success(request, _("First approval recorded. A second person must approve."))
    else:
        messages.success(request, _("The claim is approved."))
    return _back(claim)


@require_POST
@staff_required("claims.reject_claim")
def reject(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _claim(request, claim_id)
    try:
        claim_review_reject(
            claim=claim,
            officer=request.user,
            code=request.POST.get("code", ""),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("The claim is rejected; the member is told why."))
    except ReviewError as exc:
        _error(request, exc)
    return _back(claim)


@require_POST
@staff_required("claims.request_correction")
def correction(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _claim(request, claim_id)
    try:
        claim_review_ask_correction(
            claim=claim,
            officer=request.user,
            items=request.POST.getlist("items"),
            note=request.POST.get("note", ""),
        )
        messages.success(request, _("The member is asked to correct exactly this."))
    except ReviewError as exc:
        _error(request, exc)
    return _back(claim)


@require_POST
@staff_required("backoffice.escalate_claim")
def escalate(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _claim(request, claim_id)
    try:
        claim_review_escalate(claim=claim, officer=request.user, note=request.POST.get("note", ""))
        messages.success(request, _("The claim is with a supervisor."))
    except ReviewError as exc:
        _error(request, exc)
    return _back(claim)


@require_GET
@staff_required("backoffice.view_supervision")
def supervision(request: HttpRequest) -> HttpResponse:
    figures = selectors.supervision(request.user)
    return render(request, "backoffice/supervision.html", {"figures": figures})
