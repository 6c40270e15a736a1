from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from cairkan.claims.messages import CHANNEL_LABELS, DOCUMENT_LABELS
from cairkan.guidance.forms import EligibilityForm
from cairkan.jht import InvalidCase, decide, parse_case


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
