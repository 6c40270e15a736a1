"""The member pages' forms: plain Django forms, so every page works without JavaScript."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cairkan.members.identifiers import validate_kpj, validate_nik

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


class IdentityForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK (16 digits on your e-KTP)"),
        max_length=16,
        widget=forms.TextInput(attrs={**NUMERIC, "maxlength": "16", "pattern": "[0-9]*"}),
        # The NIK's own structure (region, birth date, serial) names the wrong digits on
        # this field, before any registry lookup could blame the KPJ (issue 14.4).
        validators=[validate_nik],
    )
    kpj = forms.CharField(
        label=_("KPJ number (11 digits on your membership card)"),
        max_length=15,
        widget=forms.TextInput(attrs={**NUMERIC, "maxlength": "15"}),
        validators=[validate_kpj],
    )
    full_name = forms.CharField(
        label=_("Full name, as on your e-KTP"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )
    mother_maiden_name = forms.CharField(label=_("Your mother's maiden name"), max_length=120)


class SendCodeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Send the code by"),
        choices=[("sms", _("SMS to my mobile number")), ("email", _("E-mail"))],
        widget=forms.RadioSelect,
        initial="sms",
    )
    destination = forms.CharField(
        label=_("Mobile number or e-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code"),
        max_length=6,
        widget=forms.TextInput(
            attrs={**NUMERIC, "maxlength": "6", "autocomplete": "one-time-code"}
        ),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only numbers, not like your name."),
    )
    password_again = forms.CharField(
        label=_("The same password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class RecoveryPasswordForm(PasswordForm):
    new_phone = forms.CharField(
        label=_("New mobile number (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Only if you lost your old number. We send a code to the new one."),
    )
    phone_code = forms.CharField(
        label=_("Code sent to the new number"),
        required=False,
        max_length=6,
        widget=forms.TextInput(
            attrs={**NUMERIC, "maxlength": "6", "autocomplete": "one-time-code"}
        ),
    )


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
