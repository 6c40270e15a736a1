"""The member's account page, as JMO members expect it (issue 14.7): the balance of each
KPJ and in total, their own statement (PDF/CSV), whether they can claim now or from
when, the claim in progress and the earlier ones, the messages Cairkan sent them and
where to get help."""

from __future__ import annotations

from typing import Any

import structlog
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cairkan.accounts import services
from cairkan.accounts.clients import client_address
from cairkan.accounts.messages import message_for
from cairkan.accounts.models import MemberAccount
from cairkan.accounts.selectors import verified_participant
from cairkan.accounts.services import AccountError
from cairkan.biometrics.services import face_status
from cairkan.claims.messages import REASON_LABELS
from cairkan.claims.models import ClaimDraft, Status
from cairkan.claims.outlook import claim_outlook
from cairkan.claims.services import stage_of
from cairkan.jht.messages import rupiah
from cairkan.members.balances import kpj_balances
from cairkan.members.models import Membership, Participant
from cairkan.members.statements import statement_csv, statement_for, statement_pdf
from cairkan.notifications.selectors import messages_to
from cairkan.web.claim_next import what_next
from cairkan.web.forms import CodeForm, SendCodeForm
from cairkan.web.members import RESUME_URLS, _error_status, member_required
from cairkan.web.wizard import language

log = structlog.get_logger(__name__)
CONTENT_TYPES = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}
# Where a member gets help in person or by video: the branch the demo serves. A
# deployment sets CAIRKAN_BRANCH_OFFICE to its own branch.
BRANCH_OFFICE: dict[str, Any] = {
    "name": "Mall Pelayanan Publik Amuntai",
    "address": "Jl. Norman Umar, Amuntai Tengah, Hulu Sungai Utara, Kalimantan Selatan",
    "counter_hours": gettext_lazy("Monday to Friday, 08.00–14.00"),
    "video_hours": gettext_lazy("Monday to Friday, 08.00–15.00"),
}
MESSAGES_SHOWN = 50


def branch_office() -> dict[str, Any]:
    return {**BRANCH_OFFICE, **getattr(settings, "CAIRKAN_BRANCH_OFFICE", {})}


@never_cache
@member_required
def account_page(request: HttpRequest) -> HttpResponse:
    account: MemberAccount = request.member  # type: ignore[attr-defined]
    participant: Participant = account.participant
    context: dict[str, Any] = {
        "account": account,
        "participant": participant,
        "enrolled": False,
        "face": face_status(participant=participant),
        "office": branch_office(),
    }
    # Balance, KPJ numbers and claims only once the face matched the registry photo: an
    # unenrolled account may belong to a stranger who knew the member's identity data.
    verified = verified_participant(account=account)
    if verified is not None:
        today = timezone.localdate()
        lang = language()
        per_kpj = kpj_balances(participant=verified, as_of=today)
        memberships = Membership.objects.filter(participant=verified).order_by("kpj")
        context |= {
            "enrolled": True,
            "kpj_rows": [
                (m.kpj, m.get_status_display(), rupiah(per_kpj.get(m.kpj, 0), lang))
                for m in memberships
            ],
            "balance": rupiah(sum(per_kpj.values()), lang),
            "as_of": today,
            **_claim_summary(verified, lang),
        }
    return render(request, "web/member/account.html", context)


def _claim_summary(participant: Participant, lang: str) -> dict[str, Any]:
    """The claim card: the open claim and what to do next, or whether a claim can start
    now (and if not, why and from when), where the draft resumes, and the history."""
    outlook = claim_outlook(participant=participant)
    open_claim = outlook.open_claim
    draft = ClaimDraft.objects.filter(participant=participant).first()
    history = [
        {
            "claim": claim,
            "reason": REASON_LABELS.get(claim.reason, claim.reason),
            "status": Status(claim.status).label,
            "stage": stage_of(claim)[1],
        }
        for claim in participant.claims.order_by("-submitted_at")
    ]
    return {
        "open_claim": open_claim,
        "open_stage": stage_of(open_claim)[1] if open_claim else "",
        "open_status": Status(open_claim.status).label if open_claim else "",
        "open_next": what_next(open_claim) if open_claim else "",
        "can_start": outlook.can_start,
        "not_yet": [] if outlook.can_start else outlook.not_yet(lang),
        "opens_on": outlook.next_opening,
        "has_draft": draft is not None and draft.step != "who",
        "resume_url": reverse(RESUME_URLS.get(draft.step, "claim_start")) if draft else "",
        "history": history,
    }


@never_cache  # private, no-store: the statement carries the NIK and every contribution
@member_required
@require_GET
def own_statement(request: HttpRequest, fmt: str) -> HttpResponse:
    """The member's own JHT statement: always their own participant, never a NIK from
    the address, and only once their face is enrolled (as the balance)."""
    account: MemberAccount = request.member  # type: ignore[attr-defined]
    participant = verified_participant(account=account)
    if participant is None:
        return redirect("account")
    as_of = timezone.localdate()
    statement = statement_for(participant=participant, as_of=as_of)
    body = statement_pdf(statement, language()) if fmt == "pdf" else statement_csv(statement)
    log.info("own_statement_downloaded", participant_id=participant.pk, format=fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="saldo-jht-{as_of}.{fmt}"'
    return response


@never_cache
@member_required
def sent_messages(request: HttpRequest) -> HttpResponse:
    """The messages Cairkan sent to this account's own verified contacts since it was
    opened; one-time codes are never listed (they are stored masked anyway)."""
    account: MemberAccount = request.member  # type: ignore[attr-defined]
    rows = messages_to(
        destinations=[to for to in (account.phone, account.email) if to],
        since=account.created_at,
        limit=MESSAGES_SHOWN,
    )
    return render(request, "web/member/messages.html", {"rows": rows})


CONTACT_PENDING_KEY = "cairkan_contact_pending"


@never_cache
@member_required
def change_contact(request: HttpRequest) -> HttpResponse:
    """A new phone or e-mail replaces the old one once the member types the code sent to
    it. The code is never shown, logged or kept in the session; only where it went."""
    account: MemberAccount = request.member  # type: ignore[attr-defined]
    pending: dict[str, str] | None = request.session.get(CONTACT_PENDING_KEY)
    send_form = SendCodeForm(initial={"channel": pending["channel"]} if pending else None)
    code_form = CodeForm()
    error, status = "", 200
    if request.method == "POST" and request.POST.get("action") == "verify" and pending:
        code_form = CodeForm(request.POST)
        status = 400
        if code_form.is_valid():
            try:
                services.account_contact_change(
                    account=account, code=code_form.cleaned_data["code"], **pending
                )
            except AccountError as exc:
                error, status = message_for(exc), _error_status(exc)
            else:
                request.session.pop(CONTACT_PENDING_KEY, None)
                messages.success(request, _("Your new contact is confirmed."))
                return redirect("account")
    elif request.method == "POST":
        send_form = SendCodeForm(request.POST)
        status = 400
        if send_form.is_valid():
            try:
                contact = services.account_contact_send_code(
                    account=account,
                    channel=send_form.cleaned_data["channel"],
                    destination=send_form.cleaned_data["destination"],
                    client=client_address(request),
                )
            except AccountError as exc:
                message = message_for(exc)
                if exc.code in ("phone_format", "phone_taken", "email_format", "email_taken"):
                    send_form.add_error("destination", message)
                else:
                    error = message
                status = _error_status(exc)
            else:
                channel = send_form.cleaned_data["channel"]
                request.session[CONTACT_PENDING_KEY] = {"channel": channel, "destination": contact}
                return redirect("change_contact")
    context = {
        "account": account,
        "send_form": send_form,
        "code_form": code_form,
        "sent_to": services.mask(pending["destination"]) if pending else "",
        "error": error,
    }
    return render(request, "web/member/change_contact.html", context, status=status)
