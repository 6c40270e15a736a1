"""A bank network backed by Cairkan's own sandbox tables.

Like a real interbank gateway: inquiries cost latency and may time out; a transfer is
accepted at once but settles later (``settle_after_s``); transfers to dormant or closed
accounts are accepted and then returned, as banks do; a scripted fault can lose the
answer to an accepted transfer so callers must prove they retry with the same reference.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from cairkan.integrations.bank.base import (
    BANKS,
    AccountHolder,
    AccountNotFound,
    AccountStatus,
    BankTimeout,
    BankUnavailable,
    TransferRejected,
    TransferState,
    TransferStatus,
    UnknownBank,
)
from cairkan.integrations.conditions import NetworkConditions
from cairkan.integrations.models import (
    SandboxAccountStatus,
    SandboxBankAccount,
    SandboxFault,
    SandboxTransfer,
)

_RETURN_CODES = {
    SandboxAccountStatus.DORMANT: "account_dormant",
    SandboxAccountStatus.CLOSED: "account_closed",
}


class SandboxBank:
    def __init__(
        self,
        *,
        latency_ms: tuple[int, int] = (0, 0),
        timeout_s: float = 8.0,
        fault_rate: float = 0.0,
        settle_after_s: float = 30.0,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.network = NetworkConditions(
            latency_ms=tuple(latency_ms),  # type: ignore[arg-type]
            timeout_s=timeout_s,
            fault_rate=fault_rate,
            rng=rng or random.Random(),
            sleep=sleep,
            timeout_error=BankTimeout,
            unavailable_error=BankUnavailable,
        )
        self.settle_after = timedelta(seconds=settle_after_s)
        self.clock = clock

    def _call(self, fault: str = SandboxFault.NONE) -> None:
        self.network.round_trip(fault)

    @staticmethod
    def _account(bank_code: str, account_number: str) -> SandboxBankAccount | None:
        if bank_code not in BANKS:
            raise UnknownBank(bank_code)
        return SandboxBankAccount.objects.filter(
            bank_code=bank_code, account_number=account_number
        ).first()

    def inquire_account(self, *, bank_code: str, account_number: str) -> AccountHolder:
        account = self._account(bank_code, account_number)
        self._call(account.fault if account else SandboxFault.NONE)
        if account is None:
            raise AccountNotFound(f"{bank_code}-{account_number}")
        return AccountHolder(
            bank_code=account.bank_code,
            account_number=account.account_number,
            holder_name=account.holder_name,
            status=AccountStatus(account.status),
        )

    def submit_transfer(
        self,
        *,
        reference: str,
        bank_code: str,
        account_number: str,
        beneficiary_name: str,
        amount: int,
    ) -> TransferStatus:
        if not reference or len(reference) > 64:
            raise TransferRejected("invalid_reference", "reference must be 1–64 characters")
        if amount <= 0:
            raise TransferRejected("invalid_amount", "amount must be a positive number of rupiah")
        account = self._account(bank_code, account_number)
        fault = account.fault if account else SandboxFault.NONE
        self._call(SandboxFault.NONE if fault == SandboxFault.TIMEOUT_AFTER_ACCEPT else fault)
        if account is None:
            raise AccountNotFound(f"{bank_code}-{account_number}")

        payload = (bank_code, account_number, amount)
        existing = SandboxTransfer.objects.filter(reference=reference).first()
        if existing is None:
            now = self.clock()
            status = SandboxAccountStatus(account.status)
            try:
                with transaction.atomic():
                    existing = SandboxTransfer.objects.create(
                        reference=reference,
                        bank_code=bank_code,
                        account_number=account_number,
                        beneficiary_name=beneficiary_name,
                        amount=amount,
                        accepted_at=now,
                        settles_at=now + self.settle_after,
                        outcome="failed" if status in _RETURN_CODES else "completed",
                        failure_code=_RETURN_CODES.get(status, ""),
                    )
            except IntegrityError:  # the same reference arrived twice at once
                existing = SandboxTransfer.objects.get(reference=reference)
        if (existing.bank_code, existing.account_number, existing.amount) != payload:
            raise TransferRejected(
                "reference_conflict", f"reference {reference} was used for another transfer"
            )
        if fault == SandboxFault.TIMEOUT_AFTER_ACCEPT:
            self.network.sleep(self.network.timeout_s)
            raise BankTimeout(f"no answer within {self.network.timeout_s:g} s")
        return self._status(existing)

    def transfer_status(self, *, reference: str) -> TransferStatus:
        self._call()
        transfer = SandboxTransfer.objects.filter(reference=reference).first()
        if transfer is None:
            raise TransferRejected("unknown_reference", f"no transfer with reference {reference}")
        return self._status(transfer)

    def _status(self, transfer: SandboxTransfer) -> TransferStatus:
        settled = self.clock() >= transfer.settles_at
        state = TransferState(transfer.outcome) if settled else TransferState.PENDING
        return TransferStatus(
            reference=transfer.reference,
            state=state,
            amount=transfer.amount,
            accepted_at=transfer.accepted_at,
            failure_code=transfer.failure_code if state is TransferState.FAILED else "",
        )
