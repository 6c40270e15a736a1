from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from cairkan.claims.messages import CHANNEL_LABELS, DOCUMENT_LABELS
from cairkan.guidance.forms import EligibilityForm
from cairkan.jht import InvalidCase, decide, limits, parse_case
from cairkan.jht.messages import rupiah


def eligibility(request: HttpRequest) -> HttpResponse:
    """Anyone, before logging in: may I claim, from when, what to bring, where."""
    form = EligibilityForm(request.GET or None)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        try:
            decision = decide(parse_case(form.case_data()))
        except InvalidCase as exc:  # the form's own checks should have caught it
            form.add_error(None, exc.errors[0].message)
        else:
            language = "id" if (get_language() or "id").startswith("id") else "en"
            context.update(
                decision=decision,
                explanations=decision.explain(language),
                documents=[DOCUMENT_LABELS[code] for code in decision.documents],
                channels=[CHANNEL_LABELS[code] for code in decision.channels],
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
