"""Why a payment failed, in Cairkan's words: one table from the reason to what the
member reads (Bahasa Indonesia through gettext) and whether another account helps.

Bank adapters map their own codes (SNAP BI response codes, ISO 20022 status reasons) to
these reasons; the member never sees a bank's code."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class FailureCode(models.TextChoices):
    ACCOUNT_INVALID = "account_invalid", _("the account number does not exist at this bank")
    ACCOUNT_CLOSED = "account_closed", _("the account is closed")
    ACCOUNT_DORMANT = "account_dormant", _("the account is dormant")
    ACCOUNT_BLOCKED = "account_blocked", _("the account is blocked")
    OVER_LIMIT = "over_limit", _("the account cannot receive this amount")
    NAME_MISMATCH = "name_mismatch", _("the account is not in the member's name")
    NOT_PERMITTED = "not_permitted", _("the bank does not permit this transfer")
    BANK_REFUSED = "bank_refused", _("the bank refused the transfer")


# What the member reads on the claim's page and in the message, and what they can do.
MEMBER_MESSAGES: dict[str, Promise] = {
    FailureCode.ACCOUNT_INVALID: _(
        "Your bank says this account number does not exist. Please give another account "
        "in your own name."
    ),
    FailureCode.ACCOUNT_CLOSED: _(
        "Your bank could not credit the money because the account is closed. Please give another "
        "account in your own name."
    ),
    FailureCode.ACCOUNT_DORMANT: _(
        "Your bank could not credit the money because the account is dormant (unused "
        "for a long time). Reactivate it at your bank or give another account in your own name."
    ),
    FailureCode.ACCOUNT_BLOCKED: _(
        "Your bank could not credit the money because the account is blocked. Please give another "
        "account in your own name."
    ),
    FailureCode.OVER_LIMIT: _(
        "Your bank could not receive this amount into the account (a limit on the "
        "account). Please give another account in your own name."
    ),
    FailureCode.NAME_MISMATCH: _(
        "The account is not in your name as the bank has it. Please give an account in "
        "your own name."
    ),
    FailureCode.NOT_PERMITTED: _(
        "Your bank does not allow this transfer into the account. Please give another "
        "account in your own name."
    ),
    FailureCode.BANK_REFUSED: _(
        "Your bank refused the transfer. Please give another account in your own name."
    ),
}


def member_message(code: str) -> str:
    """What the member reads for ``code`` (an unknown code reads as a refusal)."""
    return str(MEMBER_MESSAGES.get(code, MEMBER_MESSAGES[FailureCode.BANK_REFUSED]))
