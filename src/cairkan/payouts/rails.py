"""Which rail pays a bank's members: SNAP BI calls (the default) or the day's ISO 20022
file, for banks listed in ``CAIRKAN_BANK_FILE_RAIL`` with BPJS's paying account there."""

from __future__ import annotations

from django.conf import settings

from cairkan.integrations.bank.iso20022.pain001 import PayingAccount

DEFAULT_DEBTOR_NAME = "BPJS Ketenagakerjaan"


def uses_file_rail(bank_code: str) -> bool:
    return bank_code in settings.CAIRKAN_BANK_FILE_RAIL


def file_rail_debtor(bank_code: str) -> PayingAccount | None:
    """BPJS's paying account at ``bank_code``, if that bank is paid by file."""
    account = settings.CAIRKAN_BANK_FILE_RAIL.get(bank_code)
    if account is None:
        return None
    return PayingAccount(
        name=account.get("name", DEFAULT_DEBTOR_NAME),
        account_number=account["account_number"],
        bank_code=bank_code,
    )
