from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cairkan.claims.messages import REASON_LABELS
from cairkan.jht.cases import EARLIEST_DECISION_DATE

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class EligibilityForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you want to claim?"),
        widget=forms.RadioSelect,
        choices=list(REASON_LABELS.items()),
    )
    birth_date = forms.DateField(
        label=_("Your birth date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    membership_start = forms.DateField(
        label=_("When did you first become a member?"),
        help_text=_("The start date on your KPJ card or in your first work contract."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    separation_date = forms.DateField(
        label=_("Your last working day"),
        required=False,
        help_text=_("Only if you resigned, were dismissed or your contract ended."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    employer_reported = forms.ChoiceField(
        label=_("Has your employer reported to BPJS Ketenagakerjaan that you left?"),
        widget=forms.RadioSelect,
        choices=YES_NO,
        initial="yes",
        help_text=_("If you do not know, ask the employer's HR."),
    )
    partial_before = forms.ChoiceField(
        label=_("Have you taken a partial withdrawal (10% or 30%) before?"),
        widget=forms.RadioSelect,
        choices=YES_NO,
        initial="no",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        for name in ("birth_date", "membership_start", "separation_date"):
            self.fields[name].widget.attrs["max"] = today  # the phone's picker stops at today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        birth, start = cleaned.get("birth_date"), cleaned.get("membership_start")
        separation = cleaned.get("separation_date")
        if birth and birth >= today:
            self.add_error("birth_date", _("The birth date must be in the past."))
        if birth and start and start < birth:
            self.add_error("membership_start", _("Membership cannot start before birth."))
        if start and start > today:
            self.add_error("membership_start", _("This date is in the future."))
        if separation and separation > today:
            # A claim counts from a day that has passed; a planned last day decides nothing.
            self.add_error("separation_date", _("This date is in the future."))
        if (
            cleaned.get("reason") in ("resignation", "termination", "contract_end")
            and not separation
        ):
            self.add_error("separation_date", _("Fill in your last working day for this reason."))
        if separation and start and separation < start:
            self.add_error(
                "separation_date",
                _("The last working day cannot be before the membership started."),
            )
        if today < EARLIEST_DECISION_DATE:  # pragma: no cover - a clock set in the past
            raise forms.ValidationError(_("The date of this device is wrong."))
        return cleaned

    def case_data(self, *, balance: int, has_npwp: bool) -> dict[str, Any]:
        """The cleaned answers in the `cairkan rules decide` shape, with a balance the
        page supplies: the member's own once logged in, else a figure standing for one
        side of a limit (the visitor cannot know the balance before logging in)."""
        data = self.cleaned_data
        today: date = timezone.localdate()
        # Only whether a partial was taken matters here (once per membership); its amount is
        # unknown, and a token rupiah in last year's tax window changes no estimate.
        prior = (
            [
                {
                    "date": today.replace(year=today.year - 1).isoformat(),
                    "reason": "partial_10",
                    "gross": 1,
                }
            ]
            if data["partial_before"] == "yes"
            else []
        )
        return {
            "as_of": today.isoformat(),
            "reason": data["reason"],
            "birth_date": data["birth_date"].isoformat(),
            "retirement_age": None,
            "membership_start": data["membership_start"].isoformat(),
            "membership_active": data["employer_reported"] == "no",
            "separation_date": data["separation_date"].isoformat()
            if data["separation_date"]
            else None,
            "balance": balance,
            "has_npwp": has_npwp,
            "prior_payouts": prior,
        }
