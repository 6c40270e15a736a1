"""A member's claims after filing: the status timeline, and the correction page that
asks only for what the officer named (no starting over)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cairkan.accounts.models import MemberAccount
from cairkan.claims.messages import (
    CHANNEL_LABELS,
    DOCUMENT_LABELS,
    REASON_LABELS,
    REJECTION_LABELS,
    REJECTION_WITHOUT_CORRECTION,
    claim_message,
)
from cairkan.claims.models import Claim, Status
from cairkan.claims.services import (
    STAGES,
    ClaimError,
    claim_cancel,
    claim_cancellable,
    claim_correct,
    correction_asked_at,
    correction_items,
    stage_of,
)
from cairkan.integrations.bank.base import BANKS
from cairkan.jht.messages import rupiah
from cairkan.payouts.failures import member_message
from cairkan.payouts.selectors import payout_of
from cairkan.payouts.tax_slips import tax_slip_for, tax_slip_pdf
from cairkan.web.claim_forms import BankForm
from cairkan.web.claim_next import what_next
from cairkan.web.members import member_required
from cairkan.web.wizard import language, receive_files, upload_texts

log = structlog.get_logger(__name__)


def _own_claim(request: HttpRequest, claim_id: Any) -> Claim:
    account: MemberAccount = request.member  # type: ignore[attr-defined]
    claim = Claim.objects.filter(public_id=claim_id, participant=account.participant).first()
    if claim is None:
        raise Http404(_("There is no such claim for you."))
    return claim


def _item_label(item: str) -> str:
    if item == "bank":
        return _("The bank account")
    kind = item.removeprefix("document:")
    return str(DOCUMENT_LABELS.get(kind, kind))


@never_cache
@member_required
def claim_list(request: HttpRequest) -> HttpResponse:
    account: MemberAccount = request.member  # type: ignore[attr-defined]
    claims = list(Claim.objects.filter(participant=account.participant).order_by("-submitted_at"))
    if len(claims) == 1:
        return redirect("claim_detail", claim_id=claims[0].public_id)
    rows = [
        {"claim": c, "reason": REASON_LABELS.get(c.reason, c.reason), "stage": stage_of(c)[1]}
        for c in claims
    ]
    return render(request, "web/claim/list.html", {"rows": rows})


def _payout_failure(claim: Claim) -> str:
    """Why the bank could not pay, in the member's words (only while it matters)."""
    if claim.status != Status.PAYOUT_FAILED:
        return ""
    payout = payout_of(claim)
    return member_message(payout.failure_code) if payout and payout.failure_code else ""


def _paid_on(claim: Claim) -> datetime | None:
    """When the bank credited a paid claim: the due date is no longer the news."""
    if claim.status != Status.PAID:
        return None
    payout = payout_of(claim)
    return payout.settled_at if payout is not None else None


def _rejection(claim: Claim) -> str:
    """Why the claim was rejected, in the words that fit what happened to it."""
    if claim.status != Status.REJECTED:
        return ""
    asked = claim.events.filter(to_status=Status.NEEDS_FIX).exists()
    if not asked and claim.rejection_code in REJECTION_WITHOUT_CORRECTION:
        return str(REJECTION_WITHOUT_CORRECTION[claim.rejection_code])
    return str(REJECTION_LABELS.get(claim.rejection_code, ""))


@never_cache
@member_required
def claim_detail(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _own_claim(request, claim_id)
    index, _name = stage_of(claim)
    halted = claim.status in (Status.REJECTED, Status.CANCELLED)
    stages = [
        {
            "name": name,
            "state": "done"
            if i < index or claim.status == Status.PAID
            else "current"
            if i == index and not halted
            else "stopped"
            if i == index
            else "todo",
        }
        for i, name in enumerate(STAGES)
    ]
    lang = language()
    context = {
        "claim": claim,
        "stages": stages,
        "status_label": Status(claim.status).label,
        "what_next": what_next(claim),
        "reason": REASON_LABELS.get(claim.reason, claim.reason),
        "channel": CHANNEL_LABELS.get(claim.channel, claim.channel),
        "net": rupiah(claim.net, lang),
        "gross": rupiah(claim.gross, lang),
        "tax": rupiah(claim.tax, lang),
        "bank_name": BANKS.get(claim.bank_code, claim.bank_code),
        "corrections": [_item_label(item) for item in correction_items(claim)],
        "rejection": _rejection(claim),
        "payout_failure": _payout_failure(claim),
        "officer_note": officer_note(claim),
        # A rejected or cancelled claim shows no amount, date or appointment as if valid.
        "halted": halted,
        "appointment": None if halted else claim.appointments.filter(state="booked").first(),
        "cancellable": claim_cancellable(claim),
        "events": [(e.at, Status(e.to_status).label) for e in claim.events.all()],
        "tax_slip": claim.status == Status.PAID,
        "paid_on": _paid_on(claim),
    }
    return render(request, "web/claim/detail.html", context)


@never_cache
@member_required
@require_POST
def claim_cancel_page(request: HttpRequest, claim_id: Any) -> HttpResponse:
    """The member withdraws their claim before an officer starts on it."""
    claim = _own_claim(request, claim_id)
    try:
        claim_cancel(claim=claim)
    except ClaimError as exc:
        context = {"claim": claim, "error": claim_message(exc.code, exc.params)}
        return render(request, "web/claim/cancel_refused.html", context, status=400)
    messages.success(request, _("Your claim is cancelled. You can file a new one at any time."))
    return redirect("claim_detail", claim_id=claim.public_id)


@never_cache  # private, no-store: a tax slip carries the NIK and never sits in a shared cache
@member_required
def claim_tax_slip(request: HttpRequest, claim_id: Any) -> HttpResponse:
    """The bukti potong of the member's own paid claim; anyone else's, or none yet: 404."""
    slip = tax_slip_for(_own_claim(request, claim_id))
    if slip is None:
        raise Http404(_("This claim has no withholding slip yet: it is issued once it is paid."))
    response = HttpResponse(tax_slip_pdf(slip), content_type="application/pdf")
    log.info("tax_slip_downloaded", claim_id=slip.claim_reference, slip=slip.number)
    filename = "bukti-potong-" + slip.number.replace("/", "-") + ".pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def officer_note(claim: Claim) -> str:
    """The note the officer wrote for the member when rejecting or asking a correction."""
    if claim.status not in (Status.REJECTED, Status.NEEDS_FIX):
        return ""
    event = claim.events.filter(to_status=claim.status).order_by("-at", "-pk").first()
    return event.reason if event is not None and event.actor == "officer" else ""


@never_cache
@member_required
def claim_fix(request: HttpRequest, claim_id: Any) -> HttpResponse:
    claim = _own_claim(request, claim_id)
    items = correction_items(claim)
    if not items:
        return redirect("claim_detail", claim_id=claim.public_id)
    kinds = [i.removeprefix("document:") for i in items if i.startswith("document:")]
    bank_form = BankForm(request.POST or None) if "bank" in items else None
    errors: list[str] = []
    if request.method == "POST":
        errors = receive_files(request, kinds, claim=claim)
        if request.POST.get("action") == "send" and not errors:
            bank: dict[str, str] = {}
            if bank_form is not None:
                if bank_form.is_valid():
                    bank = {
                        "bank_code": bank_form.cleaned_data["bank_code"],
                        "account_number": "".join(
                            ch for ch in bank_form.cleaned_data["account_number"] if ch.isdigit()
                        ),
                    }
                else:
                    errors.append(_("Please correct the marked fields."))
            if not errors:
                try:
                    claim_correct(claim=claim, **bank)
                except ClaimError as exc:
                    errors.append(claim_message(exc.code, exc.params))
                else:
                    messages.success(request, _("Thank you. Your correction is sent."))
                    return redirect("claim_detail", claim_id=claim.public_id)
        elif not errors:
            return redirect("claim_fix", claim_id=claim.public_id)
    asked_at = correction_asked_at(claim)
    documents = [
        {
            "kind": kind,
            "label": DOCUMENT_LABELS.get(kind, kind),
            "renewed": claim.documents.filter(
                kind=kind, state="complete", created_at__gte=asked_at
            ).exists(),
            "rejected": claim.documents.filter(
                kind=kind, state="rejected", created_at__gte=asked_at
            )
            .order_by("-created_at")
            .first(),
        }
        for kind in kinds
    ]
    context = {
        "claim": claim,
        "documents": documents,
        "bank_form": bank_form,
        "errors": errors,
        "accept": "image/jpeg,image/png,application/pdf",
        "upload_texts": upload_texts(),
    }
    return render(request, "web/claim/fix.html", context, status=400 if errors else 200)
