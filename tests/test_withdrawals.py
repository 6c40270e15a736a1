"""Paid money leaves the balance: the withdrawal ledger, the balance, the returns, the
statement and the rules that read the paid history (PP 46/2015 Art. 22 and 26;
PP 68/2009)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cairkan.claims.models import Claim
from cairkan.claims.services import ClaimError, ClaimRequest, claim_preview, claim_transition
from cairkan.jht.balance import rate_basis_points, statement_lines
from cairkan.members.balances import balances_on, membership_balances, participant_balance
from cairkan.members.models import (
    Contribution,
    Employer,
    Membership,
    Participant,
    ReturnCredit,
    ReturnRate,
    Withdrawal,
)
from cairkan.members.returns import credit_returns
from cairkan.members.services import WithdrawalError, withdrawal_record
from cairkan.members.statements import statement_csv, statement_for
from cairkan.payouts.models import Payout
from cairkan.payouts.services import claim_approve, payout_settle

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))
AHMAD = "6308050311889001"  # twelve years a member, still working: may take a partial
RUSDI = "6308060901859001"  # two KPJ


@pytest.fixture
def personas() -> None:
    call_command("seed_demo", members=12, seed=1, as_of=AS_OF)


def preview(nik: str, reason: str):
    participant = Participant.objects.get(nik=nik)
    request = ClaimRequest(
        reason=reason,
        separation_date=None,
        bank_code="",
        account_number="",
        npwp="123456789012345",
    )
    return claim_preview(participant=participant, request=request, now=NOW)


def test_a_paid_partial_leaves_the_balance(personas) -> None:
    ahmad = Participant.objects.get(nik=AHMAD)
    before = participant_balance(participant=ahmad, as_of=AS_OF)
    gross = preview(AHMAD, "partial_10").decision.gross
    assert gross == before // 10 > 0
    withdrawal_record(
        participant=ahmad, claim_reference="c-1", reason="partial_10", gross=gross, paid_on=AS_OF
    )
    assert participant_balance(participant=ahmad, as_of=AS_OF) == before - gross
    assert balances_on(AS_OF)[ahmad.pk] == before - gross
    # the day before it was paid, the money was still there
    assert participant_balance(participant=ahmad, as_of=date(2026, 11, 22)) == before


def test_after_a_partial_a_second_partial_is_refused(personas) -> None:
    ahmad = Participant.objects.get(nik=AHMAD)
    gross = preview(AHMAD, "partial_10").decision.gross
    withdrawal_record(
        participant=ahmad, claim_reference="c-1", reason="partial_10", gross=gross, paid_on=AS_OF
    )
    for reason in ("partial_10", "partial_30"):
        decision = preview(AHMAD, reason).decision
        assert decision.refusals == ("partial_already_taken",)
        assert decision.gross == 0


def test_a_later_full_claim_pays_what_is_left_and_shares_the_tax_band(personas) -> None:
    siti = Participant.objects.get(nik="6308044502629001")  # retired, above Rp 50 juta
    before = participant_balance(participant=siti, as_of=AS_OF)
    withdrawal_record(
        participant=siti,
        claim_reference="c-earlier",
        reason="partial_30",
        gross=before * 30 // 100,
        paid_on=date(2026, 1, 15),
    )
    decision = preview("6308044502629001", "retirement").decision
    left = participant_balance(participant=siti, as_of=AS_OF)
    assert left == before - before * 30 // 100
    # PP 68/2009: both payments in one band, 0% to Rp 50 juta, 5% above, rounded down
    assert decision.gross == left
    assert decision.tax == (before - 50_000_000) * 5 // 100 - (
        max(before * 30 // 100 - 50_000_000, 0) * 5 // 100
    )


def test_recording_the_same_payout_twice_changes_nothing(personas) -> None:
    ahmad = Participant.objects.get(nik=AHMAD)
    before = participant_balance(participant=ahmad, as_of=AS_OF)
    first = withdrawal_record(
        participant=ahmad, claim_reference="c-1", reason="partial_10", gross=1000, paid_on=AS_OF
    )
    again = withdrawal_record(
        participant=ahmad, claim_reference="c-1", reason="partial_10", gross=1000, paid_on=AS_OF
    )
    assert again.pk == first.pk and Withdrawal.objects.count() == 1
    assert participant_balance(participant=ahmad, as_of=AS_OF) == before - 1000
    with pytest.raises(WithdrawalError) as reused:
        withdrawal_record(
            participant=ahmad, claim_reference="c-1", reason="partial_10", gross=9, paid_on=AS_OF
        )
    assert reused.value.code == "claim_reference_reused"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"gross": 0}, "gross_not_positive"),
        ({"gross": -5}, "gross_not_positive"),
        ({"reason": "holiday"}, "reason_unknown"),
        ({"claim_reference": ""}, "claim_reference_invalid"),
    ],
)
def test_a_wrong_payout_is_refused(personas, change, code) -> None:
    ahmad = Participant.objects.get(nik=AHMAD)
    args = {"claim_reference": "c-1", "reason": "partial_10", "gross": 1000, "paid_on": AS_OF}
    with pytest.raises(WithdrawalError) as error:
        withdrawal_record(participant=ahmad, **{**args, **change})
    assert error.value.code == code
    assert not Withdrawal.objects.exists()


def test_no_more_than_the_balance_leaves_it(personas) -> None:
    ahmad = Participant.objects.get(nik=AHMAD)
    balance = participant_balance(participant=ahmad, as_of=AS_OF)
    with pytest.raises(WithdrawalError) as error:
        withdrawal_record(
            participant=ahmad,
            claim_reference="c-1",
            reason="retirement",
            gross=balance + 1,
            paid_on=AS_OF,
        )
    assert (error.value.code, error.value.params) == ("exceeds_balance", {"balance": balance})
    whole = withdrawal_record(
        participant=ahmad, claim_reference="c-2", reason="retirement", gross=balance, paid_on=AS_OF
    )
    assert whole.kind == "full"
    assert participant_balance(participant=ahmad, as_of=AS_OF) == 0


def test_each_kpj_gives_up_to_its_balance_oldest_first(personas) -> None:
    rusdi = Participant.objects.get(nik=RUSDI)
    old, new = Membership.objects.filter(participant=rusdi).order_by("start_date")
    owned = membership_balances(participant=rusdi, as_of=AS_OF)
    assert sum(owned.values()) == participant_balance(participant=rusdi, as_of=AS_OF)
    gross = owned[old.pk] + 1
    withdrawal = withdrawal_record(
        participant=rusdi, claim_reference="c-1", reason="retirement", gross=gross, paid_on=AS_OF
    )
    parts = {p.membership_id: p.amount for p in withdrawal.parts.all()}
    assert parts == {old.pk: owned[old.pk], new.pk: 1}
    assert sum(parts.values()) == withdrawal.gross


def test_a_paid_claim_is_written_to_the_ledger_once(personas) -> None:
    from test_claims import RINA, RINA_CLAIM, file  # the seeded app claim

    claim = file(RINA, **{**RINA_CLAIM, "separation_date": None})
    # Approved and paid through the payouts app, the only writer of the ledger on paid.
    claim = claim_approve(claim=claim, actor="system")
    reference = Payout.objects.get(claim=claim).reference
    assert payout_settle(reference=reference, outcome="paid", source="test")
    claim.refresh_from_db()
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.claim_reference, withdrawal.gross, withdrawal.kind) == (
        str(claim.public_id),
        claim.gross,
        "full",
    )
    rina = Participant.objects.get(nik=RINA)
    assert participant_balance(participant=rina, as_of=date.today()) == 0
    assert not payout_settle(reference=reference, outcome="paid", source="test")
    with pytest.raises(ClaimError):
        claim_transition(claim=claim, to_status="paid", actor="system")
    assert Withdrawal.objects.count() == 1
    assert Claim.objects.get().status == "paid"


# --- returns and statements --------------------------------------------------------------


@pytest.fixture
def saver() -> Participant:
    """One KPJ: Rp 12 000 000 paid in January 2024, 6% credited for 2025."""
    person = Participant.objects.create(
        nik="6308055204890001",
        full_name="Siti Rahmah",
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Mariam",
    )
    membership = Membership.objects.create(
        kpj="12345678901",
        participant=person,
        employer=Employer.objects.create(
            registration_number="12345678", name="CV Itik Alabio", district_code="63.08.05"
        ),
        start_date=date(2014, 1, 1),
    )
    Contribution.objects.create(
        membership=membership,
        period=date(2023, 12, 1),
        wage=100,
        worker_share=4_000_000,
        employer_share=8_000_000,
        paid_on=date(2024, 1, 10),
    )
    ReturnRate.objects.create(year=2024, rate_percent=Decimal("0"), source="test")
    ReturnRate.objects.create(year=2025, rate_percent=Decimal("6.00"), source="test")
    credit_returns(year=2024, today=AS_OF)
    return person


def test_returns_stop_on_money_paid_out(saver: Participant) -> None:
    withdrawal_record(
        participant=saver,
        claim_reference="c-1",
        reason="partial_30",
        gross=6_000_000,
        paid_on=date(2025, 4, 20),
    )
    credit_returns(year=2025, today=AS_OF)
    credit = ReturnCredit.objects.get(year=2025)
    # 12 000 000 × 6% = 720 000, less 6 000 000 × 6% × 8/12 = 240 000 (paid out in April)
    assert (credit.opening_balance, credit.withdrawals, credit.amount, credit.closing_balance) == (
        12_000_000,
        6_000_000,
        480_000,
        6_480_000,
    )
    rates = {2024: 0, 2025: rate_basis_points("6.00")}
    pure = statement_lines(
        [(date(2024, 1, 10), 12_000_000)], rates, 2025, withdrawals=[(date(2025, 4, 20), 6_000_000)]
    )
    assert pure[-1].closing == credit.closing_balance
    assert participant_balance(participant=saver, as_of=date(2026, 1, 1)) == 6_480_000


def test_an_opening_without_last_years_credit_counts_earlier_payouts(saver: Participant) -> None:
    ReturnCredit.objects.all().delete()
    ReturnRate.objects.filter(year=2024).delete()
    withdrawal_record(
        participant=saver,
        claim_reference="c-1",
        reason="partial_10",
        gross=1_200_000,
        paid_on=date(2024, 6, 1),
    )
    credit_returns(year=2025, today=AS_OF)
    credit = ReturnCredit.objects.get(year=2025)
    assert (credit.opening_balance, credit.amount) == (10_800_000, 648_000)


def test_the_statement_shows_what_was_paid_out(saver: Participant) -> None:
    withdrawal_record(
        participant=saver,
        claim_reference="c-1",
        reason="partial_30",
        gross=6_000_000,
        paid_on=date(2025, 4, 20),
    )
    credit_returns(year=2025, today=AS_OF)
    statement = statement_for(participant=saver, as_of=AS_OF)
    assert [(line.year, line.withdrawn, line.balance) for line in statement.lines] == [
        (2024, 0, 12_000_000),
        (2025, 6_000_000, 6_480_000),
        (2026, 0, 6_480_000),
    ]
    assert statement.final_balance == participant_balance(participant=saver, as_of=AS_OF)
    rows = statement_csv(statement).decode("utf-8-sig").splitlines()
    assert rows[2].split(",")[-2:] == ["6480000", "6000000"]
