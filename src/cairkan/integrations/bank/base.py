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

    code = "unknown_bank"


class FailureCode(StrEnum):
    """Why the bank refused or returned a transfer: the one vocabulary every bank adapter
    (the sandbox, SNAP BI, ISO 20022 files) speaks to Cairkan. It travels as
    ``TransferRejected.code`` (refused at once, nothing moved) and as
    ``TransferStatus.failure_code`` (accepted, then failed or returned).
    docs/payments.md maps each to the SNAP BI and ISO 20022 codes."""

    ACCOUNT_INVALID = "account_invalid"  # no such account (SNAP 404xx11, ISO AC01)
    ACCOUNT_CLOSED = "account_closed"  # closed or inactive (403xx18, AC04)
    ACCOUNT_DORMANT = "account_dormant"  # dormant (403xx09)
    ACCOUNT_BLOCKED = "account_blocked"  # blocked / "do not honour" (403xx05, AC06)
    OVER_LIMIT = "over_limit"  # above the rail's or the bank's limit (403xx02, AM02)
    INSUFFICIENT_FUNDS = "insufficient_funds"  # the payer's account (403xx14, AM04)
    NOT_PERMITTED = "not_permitted"  # transaction not permitted (403xx15, AG01)
    # The reference was used for another transfer (409xx01 with another payload, AM05).
    REFERENCE_CONFLICT = "reference_conflict"
    UNKNOWN_REFERENCE = "unknown_reference"  # status asked for a reference never accepted
    INVALID_REFERENCE = "invalid_reference"
    INVALID_AMOUNT = "invalid_amount"
    UNKNOWN_BANK = "unknown_bank"  # the bank cannot route to this bank code (404xx03)
    REJECTED = "rejected"  # any other refusal; the message carries the bank's words


class AccountNotFound(BankError):
    """The bank has no account with this number."""

    code = FailureCode.ACCOUNT_INVALID


class TransferRejected(BankError):
    """The bank refused the transfer outright (bad amount, conflicting reference…);
    nothing moved. ``code`` is a ``FailureCode`` value."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code


class BankTimeout(BankError, GatewayTimeout):
    """No answer in time. For a transfer the outcome is unknown: query it or retry it
    with the same reference; never send it again under a new one."""


class TransferOutcomeUnknown(BankTimeout):
    """A transfer was handed over but its fate is unknown: a time-out (SNAP 504xx00), a
    server error after the request left, or a connection lost on the way back. The bank
    may have accepted it. Resolve it with ``transfer_status`` under the same reference
    (or resubmit the same reference, which is idempotent) — never a new reference."""


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
