"""The sandbox bank: inquiries, asynchronous settlement, idempotent transfers, lost answers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from cairkan.integrations.bank.base import (
    AccountHolder,
    AccountNotFound,
    AccountStatus,
    BankError,
    BankTimeout,
    BankUnavailable,
    TransferRejected,
    TransferState,
    UnknownBank,
)
from cairkan.integrations.bank.sandbox import SandboxBank
from cairkan.integrations.conditions import GatewayTimeout, GatewayUnavailable
from cairkan.integrations.models import (
    SandboxAccountStatus,
    SandboxBankAccount,
    SandboxFault,
    SandboxTransfer,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 3, 3, 1, 30, tzinfo=UTC)
SETTLE_S = 30.0
TIMEOUT_S = 8.0

ACTIVE = ("002", "0123456789")
DORMANT = ("122", "2200113344")
CLOSED = ("451", "7100998877")
OTHER_NAME = ("008", "1550001234")
FAULT_TIMEOUT = ("009", "0300112233")
FAULT_UNAVAILABLE = ("014", "4440001111")
FAULT_LOST_ANSWER = ("002", "0999888777")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class SleepRecorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def sleep() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def accounts():
    rows = [
        (ACTIVE, "SITI AMINAH", SandboxAccountStatus.ACTIVE, SandboxFault.NONE),
        (DORMANT, "AHMAD FAUZI", SandboxAccountStatus.DORMANT, SandboxFault.NONE),
        (CLOSED, "RINA WATI", SandboxAccountStatus.CLOSED, SandboxFault.NONE),
        (OTHER_NAME, "BUDI SANTOSO", SandboxAccountStatus.ACTIVE, SandboxFault.NONE),
        (FAULT_TIMEOUT, "NOOR HIDAYAH", SandboxAccountStatus.ACTIVE, SandboxFault.TIMEOUT),
        (FAULT_UNAVAILABLE, "M. RIDWAN", SandboxAccountStatus.ACTIVE, SandboxFault.UNAVAILABLE),
        (
            FAULT_LOST_ANSWER,
            "HJ. MASITAH",
            SandboxAccountStatus.ACTIVE,
            SandboxFault.TIMEOUT_AFTER_ACCEPT,
        ),
    ]
    for (bank_code, number), name, status, fault in rows:
        SandboxBankAccount.objects.create(
            bank_code=bank_code,
            account_number=number,
            holder_name=name,
            status=status,
            fault=fault,
        )


@pytest.fixture
def bank(accounts, clock, sleep) -> SandboxBank:
    return SandboxBank(
        settle_after_s=SETTLE_S,
        timeout_s=TIMEOUT_S,
        rng=random.Random(1),
        sleep=sleep,
        clock=clock,
    )


def _submit(bank: SandboxBank, account=ACTIVE, *, reference="JHT-2025-000001", amount=1_500_000):
    bank_code, number = account
    return bank.submit_transfer(
        reference=reference,
        bank_code=bank_code,
        account_number=number,
        beneficiary_name="Siti Aminah",
        amount=amount,
    )


# --- inquiry ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "holder", "status"),
    [
        (ACTIVE, "SITI AMINAH", AccountStatus.ACTIVE),
        (DORMANT, "AHMAD FAUZI", AccountStatus.DORMANT),
        (CLOSED, "RINA WATI", AccountStatus.CLOSED),
    ],
)
def test_inquiry_returns_holder_and_status(bank, account, holder, status):
    bank_code, number = account

    answer = bank.inquire_account(bank_code=bank_code, account_number=number)

    assert answer == AccountHolder(
        bank_code=bank_code, account_number=number, holder_name=holder, status=status
    )


def test_inquiry_returns_someone_elses_name_as_is(bank):
    answer = bank.inquire_account(bank_code=OTHER_NAME[0], account_number=OTHER_NAME[1])

    assert answer.holder_name == "BUDI SANTOSO"
    assert answer.status is AccountStatus.ACTIVE


def test_inquiry_unknown_account(bank):
    with pytest.raises(AccountNotFound, match="002-0000000000"):
        bank.inquire_account(bank_code="002", account_number="0000000000")


def test_inquiry_account_number_at_the_wrong_bank_is_not_found(bank):
    # ACTIVE's number exists at BRI (002), not at Mandiri (008).
    with pytest.raises(AccountNotFound):
        bank.inquire_account(bank_code="008", account_number=ACTIVE[1])


@pytest.mark.parametrize("bank_code", ["999", "", "02"])
def test_inquiry_unknown_bank(bank, bank_code):
    with pytest.raises(UnknownBank) as info:
        bank.inquire_account(bank_code=bank_code, account_number=ACTIVE[1])

    assert isinstance(info.value, BankError)


def test_inquiry_scripted_timeout(bank, sleep):
    with pytest.raises(BankTimeout) as info:
        bank.inquire_account(bank_code=FAULT_TIMEOUT[0], account_number=FAULT_TIMEOUT[1])

    assert isinstance(info.value, GatewayTimeout)
    assert sleep.delays == [TIMEOUT_S]


def test_inquiry_scripted_unavailable(bank):
    with pytest.raises(BankUnavailable) as info:
        bank.inquire_account(bank_code=FAULT_UNAVAILABLE[0], account_number=FAULT_UNAVAILABLE[1])

    assert isinstance(info.value, GatewayUnavailable)


def test_inquiry_latency_and_random_outage(accounts, sleep):
    slow = SandboxBank(latency_ms=(150, 900), rng=random.Random(1), sleep=sleep)
    slow.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    assert len(sleep.delays) == 1
    assert 0.15 <= sleep.delays[0] <= 0.9

    flaky = SandboxBank(fault_rate=1.0, sleep=sleep)
    with pytest.raises(BankUnavailable):
        flaky.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])


# --- transfers: settlement --------------------------------------------------------------


def test_accepted_transfer_is_pending_until_settled(bank, clock):
    accepted = _submit(bank, amount=1_500_000)

    assert accepted.reference == "JHT-2025-000001"
    assert accepted.state is TransferState.PENDING
    assert accepted.amount == 1_500_000
    assert accepted.accepted_at == T0
    assert accepted.failure_code == ""

    clock.advance(SETTLE_S - 0.001)
    assert bank.transfer_status(reference="JHT-2025-000001").state is TransferState.PENDING

    clock.advance(0.001)
    settled = bank.transfer_status(reference="JHT-2025-000001")
    assert settled.state is TransferState.COMPLETED
    assert settled.failure_code == ""
    assert settled.accepted_at == T0
    assert settled.amount == 1_500_000


@pytest.mark.parametrize(
    ("account", "failure_code"),
    [(DORMANT, "account_dormant"), (CLOSED, "account_closed")],
)
def test_transfer_to_dormant_or_closed_account_fails_after_settling(
    bank, clock, account, failure_code
):
    accepted = _submit(bank, account)
    assert accepted.state is TransferState.PENDING
    assert accepted.failure_code == ""  # not known yet while pending

    clock.advance(SETTLE_S)
    settled = bank.transfer_status(reference="JHT-2025-000001")

    assert settled.state is TransferState.FAILED
    assert settled.failure_code == failure_code


def test_zero_settle_delay_completes_at_once(accounts, clock, sleep):
    instant = SandboxBank(settle_after_s=0, sleep=sleep, clock=clock)

    assert _submit(instant).state is TransferState.COMPLETED


# --- transfers: idempotency -------------------------------------------------------------


def test_resubmitting_same_transfer_returns_the_first(bank, clock):
    first = _submit(bank)
    clock.advance(5)

    again = _submit(bank)

    assert again == first  # same accepted_at: the original, not a new transfer
    assert SandboxTransfer.objects.count() == 1

    clock.advance(SETTLE_S)
    assert _submit(bank).state is TransferState.COMPLETED
    assert SandboxTransfer.objects.count() == 1


@pytest.mark.parametrize(
    ("account", "amount"),
    [
        (ACTIVE, 1_500_001),  # different amount
        (OTHER_NAME, 1_500_000),  # different account
    ],
)
def test_same_reference_for_a_different_transfer_is_rejected(bank, account, amount):
    _submit(bank, ACTIVE, amount=1_500_000)

    with pytest.raises(TransferRejected) as info:
        _submit(bank, account, amount=amount)

    assert info.value.code == "reference_conflict"
    assert "JHT-2025-000001" in str(info.value)
    stored = SandboxTransfer.objects.get()
    assert (stored.account_number, stored.amount) == (ACTIVE[1], 1_500_000)


def test_different_references_make_different_transfers(bank):
    _submit(bank, reference="JHT-2025-000001")
    _submit(bank, reference="JHT-2025-000002")

    assert SandboxTransfer.objects.count() == 2


@pytest.mark.parametrize("amount", [0, -1, -1_500_000])
def test_non_positive_amount_is_rejected(bank, amount):
    with pytest.raises(TransferRejected) as info:
        _submit(bank, amount=amount)

    assert info.value.code == "invalid_amount"
    assert SandboxTransfer.objects.count() == 0


@pytest.mark.parametrize("reference", ["", "R" * 65])
def test_bad_reference_is_rejected(bank, reference):
    with pytest.raises(TransferRejected) as info:
        _submit(bank, reference=reference)

    assert info.value.code == "invalid_reference"
    assert SandboxTransfer.objects.count() == 0


def test_transfer_to_unknown_account_or_bank(bank):
    with pytest.raises(AccountNotFound):
        _submit(bank, ("002", "0000000000"))
    with pytest.raises(UnknownBank):
        _submit(bank, ("999", ACTIVE[1]))
    assert SandboxTransfer.objects.count() == 0


def test_status_of_unknown_reference(bank):
    _submit(bank, reference="JHT-2025-000001")

    with pytest.raises(TransferRejected) as info:
        bank.transfer_status(reference="JHT-2025-999999")

    assert info.value.code == "unknown_reference"
    assert "JHT-2025-999999" in str(info.value)


# --- transfers: faults ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "error"),
    [(FAULT_TIMEOUT, BankTimeout), (FAULT_UNAVAILABLE, BankUnavailable)],
)
def test_transfer_fault_before_accepting_does_nothing(bank, account, error):
    with pytest.raises(error):
        _submit(bank, account)

    assert SandboxTransfer.objects.count() == 0
    with pytest.raises(TransferRejected) as info:
        bank.transfer_status(reference="JHT-2025-000001")
    assert info.value.code == "unknown_reference"


def test_lost_answer_transfer_exists_and_retry_returns_it(bank, clock, sleep):
    with pytest.raises(BankTimeout):
        _submit(bank, FAULT_LOST_ANSWER, reference="JHT-LOST-1", amount=2_000_000)

    # The caller saw a time-out, yet the bank accepted the transfer.
    assert sleep.delays[-1] == TIMEOUT_S
    assert SandboxTransfer.objects.count() == 1
    queried = bank.transfer_status(reference="JHT-LOST-1")
    assert queried.state is TransferState.PENDING
    assert queried.amount == 2_000_000

    # Retrying while the fault persists still loses the answer but adds nothing.
    with pytest.raises(BankTimeout):
        _submit(bank, FAULT_LOST_ANSWER, reference="JHT-LOST-1", amount=2_000_000)
    assert SandboxTransfer.objects.count() == 1

    SandboxBankAccount.objects.filter(
        bank_code=FAULT_LOST_ANSWER[0], account_number=FAULT_LOST_ANSWER[1]
    ).update(fault=SandboxFault.NONE)
    clock.advance(10)

    retried = _submit(bank, FAULT_LOST_ANSWER, reference="JHT-LOST-1", amount=2_000_000)

    assert retried.accepted_at == T0  # the original transfer, not a new one
    assert retried.state is TransferState.PENDING
    assert SandboxTransfer.objects.count() == 1

    clock.advance(SETTLE_S)
    assert bank.transfer_status(reference="JHT-LOST-1").state is TransferState.COMPLETED
