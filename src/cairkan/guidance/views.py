from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from cairkan.accounts.models import MemberAccount
from cairkan.accounts.selectors import verified_participant
from cairkan.claims.messages import CHANNEL_LABELS, DOCUMENT_LABELS
from cairkan.guidance.forms import EligibilityForm
from cairkan.jht import Decision, InvalidCase, decide, limits, parse_case
from cairkan.jht.messages import rupiah
from cairkan.members.balances import participant_balance
from cairkan.members.models import Participant


@dataclass(frozen=True, slots=True)
class Visitor:
    """Who asks: anyone (``account`` None), a member whose face is not enrolled yet (no
    balance shown, as on the account page), or an enrolled member with their balance."""

    account: MemberAccount | None
    participant: Participant | None
    balance: int | None


def _visitor(request: HttpRequest) -> Visitor:
    user = request.user
    account = (
        MemberAccount.objects.select_related("participant").filter(user=user).first()
        if user.is_authenticated
        else None
    )
    participant = verified_participant(account=account) if account is not None else None
    if participant is None:
        return Visitor(account, None, None)
    balance = participant_balance(participant=participant, as_of=timezone.localdate())
    return Visitor(account, participant, balance)


def _decide(form: EligibilityForm, balance: int, has_npwp: bool) -> Decision:
    return decide(parse_case(form.case_data(balance=balance, has_npwp=has_npwp)))


def eligibility(request: HttpRequest) -> HttpResponse:
    """Anyone, before logging in: may I claim, from when, what to bring, where, and what
    to do next. The balance is never asked (nobody knows it before logging in): the page
    says what it decides, and a logged-in member with an enrolled face sees their own."""
    form = EligibilityForm(request.GET or None)
    language = "id" if (get_language() or "id").startswith("id") else "en"
    today = limits(timezone.localdate())
    visitor = _visitor(request)
    context: dict[str, object] = {
        "form": form,
        "visitor": visitor,
        "balance": rupiah(visitor.balance, language) if visitor.balance is not None else "",
        "app_limit": rupiah(today.app_limit, language),
        "npwp_threshold": rupiah(today.npwp_threshold, language),
    }
    if form.is_valid():
        try:
            if visitor.balance is not None:
                # The dates decide eligibility; the NPWP only the tax, which the wizard shows.
                decision = _decide(form, visitor.balance, has_npwp=True)
                above = decision
            else:
                # One balance on each side of the limits: whether the channel or the
                # documents change with the balance, and how.
                decision = _decide(form, 1, has_npwp=True)
                above = _decide(form, today.npwp_threshold + 1, has_npwp=True)
        except InvalidCase as exc:  # the form's own checks should have caught it
            form.add_error(None, exc.errors[0].message)
        else:
            context.update(
                decision=decision,
                explanations=decision.explain(language),
                documents=[DOCUMENT_LABELS[code] for code in decision.documents],
                channels=[CHANNEL_LABELS[code] for code in decision.channels],
                channels_above=[CHANNEL_LABELS[code] for code in above.channels]
                if above.channels != decision.channels
                else [],
                npwp_above="npwp" in above.documents and "npwp" not in decision.documents,
                npwp_needed=visitor.balance is not None and visitor.balance > today.npwp_threshold,
            )
    return render(request, "guidance/eligibility.html", context)


def guide(request: HttpRequest) -> HttpResponse:
    """How to claim, step by step, and answers to what goes wrong (the field study's
    failures), with today's limits from the rules."""
    language = "id" if (get_language() or "id").startswith("id") else "en"
    today = limits(timezone.localdate())
    context = {
        "app_limit": rupiah(today.app_limit, language),
        "npwp_threshold": rupiah(today.npwp_threshold, language),
        "waiting_months": today.waiting_period_months,
    }
    return render(request, "guidance/guide.html", context)
