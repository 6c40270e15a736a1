"""The counter's walk-in forms: the member found by NIK + KPJ, the reason, the bank
account and the consent read aloud (pages in ``backoffice.counter``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from cairkan.claims.messages import REASON_LABELS
from cairkan.claims.models import (
    CounterConsent,
)
from cairkan.integrations.bank.base import BANKS

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
