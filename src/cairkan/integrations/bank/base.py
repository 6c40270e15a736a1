"""A bank as Cairkan sees it: ask who holds an account, send money, ask how it went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from cairkan.integrations.conditions import GatewayTimeout, GatewayUnavailable

# Bank Indonesia's three-digit codes for the banks members in Hulu Sungai Utara use most.
BANKS: dict[str, str] = {
    "002": "Bank Rakyat Indonesia (BRI)",
    "008": "Bank Mandiri",
    "009": "Bank Negara Indonesia (BNI)",
    "014": "Bank Central Asia (BCA)",
    "122": "Bank Kalsel",
    "451": "Bank Syariah Indonesia (BSI)",
}


class BankError(Exception):
    """Any failure to get an answer from the bank."""


class UnknownBank(BankError):
    """No bank with this code is reachable through the gateway."""


class AccountNotFound(BankError):
    """The bank has no account with this number."""


class TransferRejected(BankError):
    """The bank refused the transfer outright (bad amount, conflicting reference…)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


class BankTimeout(BankError, GatewayTimeout):
    """No answer in time. For a transfer the outcome is unknown: query it or retry it
    with the same reference; never send it again under a new one."""


class BankUnavailable(BankError, GatewayUnavailable):
    """The bank said it cannot serve now; nothing was done."""


class AccountStatus(StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class AccountHolder:
    bank_code: str
    account_number: str
    holder_name: str  # as the bank returns it: often upper case, sometimes shortened
    status: AccountStatus


class TransferState(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class TransferStatus:
    reference: str
    state: TransferState
    amount: int
    accepted_at: datetime
    failure_code: str = ""  # e.g. account_closed, account_dormant


class Bank(Protocol):
    def inquire_account(self, *, bank_code: str, account_number: str) -> AccountHolder:
        """Who holds this account and whether it can receive money."""
        ...

    def submit_transfer(
        self,
        *,
        reference: str,
        bank_code: str,
        account_number: str,
        beneficiary_name: str,
        amount: int,
    ) -> TransferStatus:
        """Hand over a credit transfer. Idempotent by ``reference``: sending the same
        transfer again returns the first one's status; a different transfer under a
        used reference is rejected."""
        ...

    def transfer_status(self, *, reference: str) -> TransferStatus:
        """Where a submitted transfer stands. Raises ``TransferRejected`` with code
        ``unknown_reference`` for a reference the bank never accepted."""
        ...
