"""What each account refusal tells the member (English msgids; Indonesian in the catalogue)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cairkan.accounts.services import AccountError

MESSAGES = {
    "kpj_unknown": _(
        "This KPJ number is not registered with BPJS Ketenagakerjaan. Check the number on your membership card or ask your employer."
    ),
    "kpj_not_yours": _(
        "This KPJ number belongs to another NIK. Check both numbers; if they are right, your employer may have registered you with a different NIK."
    ),
    "nik_not_in_registry": _(
        "The population registry (Dukcapil) does not know this NIK. Check the 16 digits on your e-KTP."
    ),
    "nik_mistyped": _(
        "This NIK does not go with this KPJ number, your name and birth date: a digit is probably mistyped. Check the 16 digits on your e-KTP."
    ),
    "registry_unavailable": _(
        "The population registry cannot be reached right now. Nothing you typed is lost: try again in a few minutes."
    ),
    "registry_deceased": _(
        "The population registry records this person as deceased. Heirs claim JHT through the online assisted channel or a branch office."
    ),
    "birth_date_mismatch": _(
        "The birth date does not match the population registry. Use the date on your e-KTP."
    ),
    "name_mismatch": _(
        "The name does not match the population registry. Write it as on your e-KTP."
    ),
    "mother_name_mismatch": _(
        "Your mother's maiden name does not match BPJS Ketenagakerjaan's records."
    ),
    # After a NIK's first failed check of the day: one answer, naming no field, so repeated
    # guesses cannot tell which answers were right.
    "identity_mismatch": _(
        "These details do not match the population registry and BPJS Ketenagakerjaan's records. Check each one against your e-KTP and your KPJ card."
    ),
    "already_registered": _(
        "You already have a Cairkan account. Log in, or use 'Forgot password' if you cannot."
    ),
    "phone_format": _("Write the mobile number as 08… or +628…, for example 081234567890."),
    "phone_taken": _("This mobile number is already used by another account."),
    "email_format": _("This does not look like an e-mail address."),
    "email_taken": _("This e-mail address is already used by another account."),
    "code_wrong": _("That code is not right. Check the last message we sent and try again."),
    "code_expired": _("That code has expired. Ask for a new one."),
    "code_too_many_tries": _("Too many wrong codes. Ask for a new one."),
    "code_resend_wait": _(
        "A code was sent less than a minute ago. Wait a moment before asking again."
    ),
    "password_weak": _(
        "Choose a stronger password: at least 8 characters, not only numbers, not like your name."
    ),
    "login_wrong": _("The phone number or e-mail and password do not match."),
    "password_wrong": _("That is not your current password."),
    "login_throttled": _("Too many tries. For your safety, try again at %(time)s."),
    "not_registered": _("There is no Cairkan account for this member yet. Register first."),
    "recovery_needs_face": _(
        "This account has no enrolled face yet, so it cannot be recovered. Register again with your data: the new registration replaces the unfinished account."
    ),
    "face_not_enrolled": _(
        "Enrol your face first: your balance and KPJ numbers are shown once your face matches your e-KTP photo."
    ),
    "recovery_face_expired": _("The face check was more than 10 minutes ago. Please do it again."),
    "step_out_of_order": _("Please finish the previous step first."),
    "channel_unknown": _("Choose SMS or e-mail."),
}

WARNINGS = {
    "name_spelling": _(
        "The population registry spells your name: %(registry_name)s. We will use that spelling."
    ),
    "nik_birth_date_differs": _(
        "The date inside your NIK differs from your birth date in the registry. This is common and not an error."
    ),
    "nik_sex_differs": _(
        "The day digits of your NIK do not match your sex in the registry. This is common and not an error."
    ),
}


# Every limit answers alike: "too many tries, try again at HH.MM" (on another day, with it).
THROTTLED = (
    "login_throttled",
    "identity_throttled",
    "code_send_throttled",
    "recovery_face_throttled",
)
TRY_AGAIN_ON = _("Too many tries. For your safety, try again on %(day)s at %(time)s.")


def is_throttled(error: AccountError) -> bool:
    return error.code in THROTTLED


def message_for(error: AccountError) -> str:
    if is_throttled(error):
        until = timezone.localtime(error.params["until"])
        time = formats.time_format(until, "H:i")
        if until.date() != timezone.localdate():
            return str(TRY_AGAIN_ON) % {"day": formats.date_format(until, "l, j F"), "time": time}
        return str(MESSAGES["login_throttled"]) % {"time": time}
    return str(MESSAGES.get(error.code, _("Something went wrong. Please try again.")))
