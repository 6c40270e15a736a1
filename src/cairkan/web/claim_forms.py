"""The claim wizard's forms: one question per screen, plain Django forms (no JavaScript
needed). The claims services validate again; these give the member the message first."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cairkan.claims.drafts import FLAGGABLE, HELPER_RELATIONS
from cairkan.claims.messages import REASON_LABELS, RELATION_LABELS
from cairkan.integrations.bank.base import BANKS

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


class WhoForm(forms.Form):
    helper = forms.TypedChoiceField(
        label=_("Who is filling in this claim?"),
        choices=[
            ("0", _("I am, the member")),
            ("1", _("I am helping a family member who is here with me")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    name = forms.CharField(label=_("Your full name (the helper)"), max_length=120, required=False)
    relation = forms.ChoiceField(
        label=_("Your relation to the member"),
        choices=[("", "—"), *((code, RELATION_LABELS[code]) for code in HELPER_RELATIONS)],
        required=False,
    )
    phone = forms.CharField(
        label=_("Your mobile number (the helper)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


# A death claim is filed by an heir, never through the deceased member's own account
# (domain reference, Channels): the member's wizard does not offer it.
OWN_REASONS = [(code, label) for code, label in REASON_LABELS.items() if code != "death"]


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you claiming your JHT?"),
        choices=OWN_REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the listed reasons.")},
    )


class DataForm(forms.Form):
    flagged = forms.MultipleChoiceField(
        label=_("Mark what looks wrong"),
        choices=[(field, field) for field in FLAGGABLE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    separation_date = forms.DateField(
        label=_("The day you stopped working"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        error_messages={
            "invalid": _("Write the date as DD-MM-YYYY, or pick it from the calendar.")
        },
    )
    note = forms.CharField(
        label=_("What is wrong? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BankForm(forms.Form):
    bank_code = forms.ChoiceField(
        label=_("Bank"),
        choices=[("", "—"), *BANKS.items()],
        error_messages={"required": _("Choose your bank from the list.")},
    )
    account_number = forms.CharField(
        label=_("Account number (in your savings book)"),
        max_length=24,
        widget=forms.TextInput(attrs={**NUMERIC, "pattern": "[0-9 .-]*"}),
        error_messages={"required": _("An account number has 10 to 16 digits.")},
    )
    npwp = forms.CharField(
        label=_("NPWP (tax number, 15 or 16 digits)"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs=NUMERIC),
    )
