"""Paying approved claims exactly once (cairkan.payouts): the state machine, the ledger,
unknown outcomes resolved by inquiry, failures and a new account, the retry ladder."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from cairkan.claims.models import Claim
from cairkan.claims.services import ClaimError, claim_correct
from cairkan.integrations import loading
from cairkan.integrations.models import SandboxBankAccount, SandboxTransfer
from cairkan.members.balances import participant_balance
from cairkan.members.models import Withdrawal
from cairkan.notifications.models import OutboundMessage
from cairkan.payouts.failures import MEMBER_MESSAGES, FailureCode, member_message
from cairkan.payouts.models import Payout, PayoutEvent
from cairkan.payouts.selectors import payout_of, payouts_due
from cairkan.payouts.services import (
    PayoutError,
    claim_approve,
    payout_poll,
    payout_resume,
    payout_send,
    payout_settle,
    payouts_lease_due,
    payouts_recover_stale,
    payouts_sweep,
)
from payout_factories import bank_account, claim_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(settings):
    """The sandbox bank with its settling delay under the test's control."""

    def configure(settle_after_s: float = 30.0) -> None:
        settings.CAIRKAN_BANK_OPTIONS = {
            **settings.CAIRKAN_BANK_OPTIONS,
            "settle_after_s": settle_after_s,
        }
        loading.reset()

    configure()
    return configure


@pytest.fixture
def approve(django_capture_on_commit_callbacks):
    """Approve as an officer would; the send task runs after commit (inline, no broker)."""

    def run(claim: Claim) -> Payout:
        with django_capture_on_commit_callbacks(execute=True):
            claim_approve(claim=claim, actor="officer", reason="approved")
        payout = payout_of(claim)
        assert payout is not None
        return payout

    return run


def states(payout: Payout) -> list[tuple[str, str]]:
    return [(e.from_state, e.to_state) for e in PayoutEvent.objects.filter(payout=payout)]


def test_approving_makes_one_payout_and_hands_it_to_the_bank(bank, approve) -> None:
    claim = claim_in_review(gross=60_000_000, tax=500_000)
    payout = approve(claim)
    claim.refresh_from_db()
    assert (payout.gross, payout.tax, payout.net) == (60_000_000, 500_000, 59_500_000)
    assert (payout.bank_code, payout.account_number, payout.account_holder) == (
        claim.bank_code,
        claim.account_number,
        claim.account_holder,
    )
    # Fits ISO 20022 EndToEndId (35) and SNAP partnerReferenceNo.
    assert re.fullmatch(r"[A-Z0-9]{1,35}", payout.reference)
    assert payout.state == "accepted"  # the sandbox settles after 30 s
    assert claim.status == "payout_queued"  # honest: the money is on its way
    assert states(payout) == [("", "queued"), ("queued", "sending"), ("sending", "accepted")]
    transfer = SandboxTransfer.objects.get()
    assert (transfer.reference, transfer.amount) == (payout.reference, 59_500_000)
    assert list(claim.events.values_list("to_status", flat=True)) == [
        "in_review",
        "approved",
        "payout_queued",
    ]


def test_a_claim_is_approved_once_and_has_one_live_payout(bank, approve) -> None:
    claim = claim_in_review()
    approve(claim)
    with pytest.raises(ClaimError) as again:
        claim_approve(claim=claim, actor="officer")
    assert again.value.code == "transition_not_allowed"
    assert Payout.objects.count() == 1
    # The database itself refuses a second payout that has not failed.
    first = Payout.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.create(
            claim=claim,
            participant=claim.participant,
            gross=first.gross,
            tax=first.tax,
            net=first.net,
            bank_code=first.bank_code,
            account_number=first.account_number,
            account_holder=first.account_holder,
        )


def test_paid_moves_the_claim_and_writes_the_ledger_once(bank, approve) -> None:
    claim = claim_in_review(gross=12_000_000)
    payout = approve(claim)
    today = timezone.localdate()
    assert participant_balance(participant=claim.participant, as_of=today) == 12_000_000
    assert payout_settle(
        reference=payout.reference, outcome="paid", source="test", amount=12_000_000
    )
    # The same news again (a replayed file, a second poll) changes nothing.
    assert not payout_settle(reference=payout.reference, outcome="paid", source="test")
    claim.refresh_from_db()
    payout.refresh_from_db()
    assert (claim.status, payout.state) == ("paid", "paid")
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.claim_reference, withdrawal.gross) == (str(claim.public_id), 12_000_000)
    assert participant_balance(participant=claim.participant, as_of=today) == 0
    assert payout.settled_at is not None and payout.tax == 0
    assert claim.events.filter(to_status="paid").count() == 1
    # The member was told, through the outbox.
    assert OutboundMessage.objects.filter(to=claim.participant.account.phone).exists()


def test_settle_refuses_what_does_not_add_up(bank, approve) -> None:
    payout = approve(claim_in_review(gross=5_000_000))
    for kwargs, code in (
        ({"reference": "CKNOSUCHREFERENCE", "outcome": "paid"}, "reference_unknown"),
        (
            {"reference": payout.reference, "outcome": "paid", "amount": 5_000_001},
            "amount_mismatch",
        ),
        ({"reference": payout.reference, "outcome": "returned"}, "outcome_invalid"),
    ):
        with pytest.raises(PayoutError) as refused:
            payout_settle(source="test", **kwargs)  # type: ignore[arg-type]
        assert refused.value.code == code
    assert payout_settle(
        reference=payout.reference, outcome="failed", failure_code="account_closed", source="t"
    )
    with pytest.raises(PayoutError) as conflict:
        payout_settle(reference=payout.reference, outcome="paid", source="test")
    assert conflict.value.code == "outcome_conflict"
    assert Withdrawal.objects.count() == 0


def test_the_bank_settles_and_a_poll_finds_it(bank, approve) -> None:
    payout = approve(claim_in_review())
    assert payout.state == "accepted"
    # Not due yet: a poll does nothing.
    assert payout_poll(payout_id=payout.pk) is None
    later = timezone.now() + timedelta(seconds=31)
    SandboxTransfer.objects.update(settles_at=timezone.now())
    payout = payout_poll(payout_id=payout.pk, now=later)
    assert payout is not None and payout.state == "paid"
    assert (payout.attempts, payout.inquiries) == (1, 1)
    assert Claim.objects.get().status == "paid"
    assert Withdrawal.objects.count() == 1


def test_an_unknown_outcome_is_resolved_by_inquiry_never_by_a_resend(bank, approve) -> None:
    bank(settle_after_s=0)
    # The bank accepts the transfer and the answer is lost on the way back.
    payout = approve(claim_in_review(fault="timeout_after_accept"))
    assert payout.state == "unknown"
    assert SandboxTransfer.objects.count() == 1
    assert payout_send(payout_id=payout.pk) is None  # an unknown payout is never resent
    payout = payout_poll(payout_id=payout.pk, now=timezone.now() + timedelta(minutes=1))
    assert payout is not None and payout.state == "paid"
    transfer = SandboxTransfer.objects.get()  # still one transfer, the same reference
    assert transfer.reference == payout.reference
    assert (payout.attempts, payout.inquiries) == (1, 1)
    assert Withdrawal.objects.count() == 1


def test_a_worker_lost_after_the_bank_accepted_is_recovered_without_a_second_transfer(
    bank,
) -> None:
    """The crash in the middle: leased and handed to the bank, then the worker died
    before recording the answer."""
    bank(settle_after_s=0)
    claim = claim_in_review()
    claim_approve(claim=claim, actor="officer")  # the after-commit send never ran
    (payout,) = payouts_lease_due(limit=10)
    loading.bank().submit_transfer(
        reference=payout.reference,
        bank_code=payout.bank_code,
        account_number=payout.account_number,
        beneficiary_name=payout.account_holder,
        amount=payout.net,
    )
    # Nothing happens while the lease may still be alive …
    assert payouts_recover_stale() == 0
    assert payouts_sweep().sent == 0
    # … after the sending time-out the sweep asks the bank instead of sending again.
    Payout.objects.update(sending_since=timezone.now() - timedelta(hours=1))
    assert payouts_recover_stale() == 1
    result = payouts_sweep()
    payout.refresh_from_db()
    assert (result.sent, result.polled, payout.state) == (0, 1, "paid")
    assert SandboxTransfer.objects.count() == 1
    assert Withdrawal.objects.count() == 1


def test_a_send_the_bank_never_received_is_sent_again_under_the_same_reference(bank) -> None:
    bank(settle_after_s=0)
    claim = claim_in_review()
    claim_approve(claim=claim, actor="officer")
    (payout,) = payouts_lease_due(limit=10)  # the worker dies before calling the bank
    reference = payout.reference
    Payout.objects.update(sending_since=timezone.now() - timedelta(hours=1))
    assert payouts_recover_stale() == 1
    payouts_sweep()  # asks: the bank knows no such transfer, so it is queued again
    payout.refresh_from_db()
    assert payout.state == "queued"
    payouts_sweep()
    payout.refresh_from_db()
    assert (payout.state, payout.reference, payout.attempts) == ("paid", reference, 2)
    assert list(SandboxTransfer.objects.values_list("reference", flat=True)) == [reference]


def test_a_closed_account_fails_the_member_gives_another_and_is_paid_once(
    bank, approve, django_capture_on_commit_callbacks
) -> None:
    bank(settle_after_s=0)
    claim = claim_in_review(account_status="closed")
    failed = approve(claim)
    claim.refresh_from_db()
    assert (failed.state, failed.failure_code) == ("failed", "account_closed")
    assert claim.status == "payout_failed"
    assert SandboxTransfer.objects.count() == 0  # found at the inquiry: nothing was sent
    assert "rekening sudah ditutup" in member_message(failed.failure_code)  # id by default
    # The member gives another account in their own name; it is checked with the bank.
    other = bank_account(claim.participant)
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_correct(
            claim=claim, bank_code=other.bank_code, account_number=other.account_number
        )
    claim.refresh_from_db()
    assert claim.status == "paid"
    payouts = list(Payout.objects.filter(claim=claim).order_by("pk"))
    assert [p.state for p in payouts] == ["failed", "paid"]
    assert payouts[1].account_number == other.account_number
    assert payouts[1].reference != payouts[0].reference  # a new account, a new reference
    assert SandboxTransfer.objects.get().account_number == other.account_number
    assert Withdrawal.objects.count() == 1
    # A second tap on the correction is refused and changes nothing.
    with pytest.raises(ClaimError) as again:
        claim_correct(claim=claim, bank_code=other.bank_code, account_number=other.account_number)
    assert again.value.code == "nothing_to_correct"
    assert Payout.objects.filter(claim=claim).count() == 2


def test_money_returned_by_the_bank_fails_the_payout_with_its_reason(bank, approve) -> None:
    claim = claim_in_review()
    payout = approve(claim)
    # The account went dormant after the inquiry: the bank took the transfer, then
    # returned it.
    SandboxTransfer.objects.update(
        outcome="failed", failure_code="account_dormant", settles_at=timezone.now()
    )
    payout = payout_poll(payout_id=payout.pk, now=timezone.now() + timedelta(minutes=1))
    assert payout is not None
    assert (payout.state, payout.failure_code) == ("failed", "account_dormant")
    claim.refresh_from_db()
    assert claim.status == "payout_failed"
    assert Withdrawal.objects.count() == 0
    assert payout_of(claim) == payout


def test_someone_elses_account_fails_at_the_inquiry_before_sending(bank, approve) -> None:
    claim = claim_in_review()
    SandboxBankAccount.objects.update(holder_name="BUDI SANTOSO")
    payout = approve(claim)
    assert (payout.state, payout.failure_code) == ("failed", "name_mismatch")
    assert SandboxTransfer.objects.count() == 0


def test_transient_errors_climb_the_ladder_then_a_person_resumes(bank, approve, settings) -> None:
    settings.CAIRKAN_PAYOUT_RETRY_SECONDS = [60, 600]
    bank(settle_after_s=0)
    claim = claim_in_review(fault="unavailable")
    payout = approve(claim)
    assert (payout.state, payout.retries) == ("queued", 1)
    pause = payout.next_attempt_at - timezone.now()
    assert timedelta(seconds=55) < pause <= timedelta(seconds=60)
    assert payout_send(payout_id=payout.pk) is None  # not due yet
    later = timezone.now() + timedelta(hours=1)
    payout = payout_send(payout_id=payout.pk, now=later)
    assert payout is not None and (payout.state, payout.retries) == ("queued", 2)
    assert (
        timedelta(seconds=595) < payout.next_attempt_at - timezone.now() <= timedelta(seconds=600)
    )
    payout = payout_send(payout_id=payout.pk, now=later + timedelta(hours=1))
    assert payout is not None and payout.state == "held"  # the ladder ran out
    assert payouts_sweep().sent == 0  # a held payout waits for a person
    assert SandboxTransfer.objects.count() == 0
    # The bank is back; an officer resumes it: it is asked about first (it was handed
    # over before), then sent under its own reference.
    SandboxBankAccount.objects.update(fault="")
    payout_resume(payout=payout, acting_user=None)
    payouts_sweep()
    payouts_sweep()
    payout.refresh_from_db()
    assert payout.state == "paid"
    assert SandboxTransfer.objects.get().reference == payout.reference
    with pytest.raises(PayoutError):
        payout_resume(payout=payout, acting_user=None)


def test_every_failure_reason_reads_in_indonesian() -> None:
    from django.utils import translation

    assert set(MEMBER_MESSAGES) == set(FailureCode.values)
    for code in FailureCode.values:
        with translation.override("en"):
            english = member_message(code)
        with translation.override("id"):
            indonesian = member_message(code)
        assert "Silakan" in indonesian or "Aktifkan" in indonesian, code
        assert indonesian != english, code
    assert member_message("something_new") == member_message("bank_refused")


def test_the_sweep_command_sends_what_is_due(bank, capsys) -> None:
    bank(settle_after_s=0)
    for _ in range(3):
        claim_approve(claim=claim_in_review(), actor="officer")
    assert len(payouts_due(10)) == 3
    call_command("payouts_sweep")
    assert "3 payouts sent" in capsys.readouterr().out
    assert set(Payout.objects.values_list("state", flat=True)) == {"paid"}
    assert Claim.objects.filter(status="paid").count() == 3
    assert Withdrawal.objects.count() == 3


def test_the_admins_approve_action_makes_the_payout(
    bank, django_capture_on_commit_callbacks
) -> None:
    from staff_users import logged_in, staff_user

    claim = claim_in_review()
    supervisor = staff_user("penyelia", role="Penyelia")
    client = logged_in(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/claims/claim/",
            {"action": "move_to_approved", "_selected_action": [claim.pk]},
        )
    assert response.status_code == 302
    payout = payout_of(claim)
    assert payout is not None and payout.state == "accepted"
    created = PayoutEvent.objects.filter(payout=payout).first()
    assert (created.to_state, created.actor, created.acting_user) == (
        "queued",
        "officer",
        supervisor,
    )


def test_only_a_supervisor_resumes_a_held_payout(bank, approve) -> None:
    from staff_users import logged_in, staff_user

    payout = approve(claim_in_review())
    Payout.objects.filter(pk=payout.pk).update(state="held")
    form = {"action": "resume_payouts", "_selected_action": [payout.pk]}
    for role in ("Verifikator", "Auditor"):
        client = logged_in(staff_user(role.lower(), role=role))
        client.post("/admin/payouts/payout/", form)
        payout.refresh_from_db()
        assert payout.state == "held", role
    supervisor = staff_user("penyelia", role="Penyelia")
    client = logged_in(supervisor)
    assert client.get(f"/admin/payouts/payout/{payout.pk}/change/").status_code == 200
    client.post("/admin/payouts/payout/", form)
    payout.refresh_from_db()
    assert payout.state == "unknown"  # it was handed to the bank before: ask first
    resumed = PayoutEvent.objects.filter(payout=payout).last()
    assert (resumed.actor, resumed.acting_user) == ("officer", supervisor)


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_due_payouts_take_each_one_once() -> None:
    """Four workers lease at the same moment: disjoint batches, every payout taken once
    (row locks with skip_locked on PostgreSQL; SQLite's one writer queues them)."""
    import threading

    from django.db import connection as main_connection

    from payout_factories import queued_payouts

    payouts = queued_payouts(12, first=500_001)
    start = threading.Barrier(4)
    taken: list[list[int]] = []

    def worker() -> None:
        from django.db import connection

        try:
            start.wait()
            taken.append([p.pk for p in payouts_lease_due(limit=4)])
            taken.append([p.pk for p in payouts_lease_due(limit=4)])
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    main_connection.close()
    everything = [pk for batch in taken for pk in batch]
    assert sorted(everything) == sorted(p.pk for p in payouts)  # each once, none left
    assert set(Payout.objects.values_list("state", "attempts")) == {("sending", 1)}
    assert PayoutEvent.objects.filter(to_state="sending").count() == 12


def test_a_bank_paid_by_file_waits_for_the_file_and_its_report(bank, approve, settings) -> None:
    from cairkan.payouts.selectors import payouts_for_bulk_file
    from cairkan.payouts.services import payouts_hand_over_in_file

    settings.CAIRKAN_PAYOUT_BULK_FILE_BANKS = ["002"]
    claim = claim_in_review()
    payout = approve(claim)
    assert payout.state == "queued"  # the online sender leaves it for the day's file
    assert payouts_sweep().sent == 0 and SandboxTransfer.objects.count() == 0
    batch = list(payouts_for_bulk_file(bank_code="002", day=timezone.localdate()))
    assert batch == [payout]
    assert payouts_hand_over_in_file(payouts=batch, file_name="pain001-002-1.xml") == 1
    assert payouts_hand_over_in_file(payouts=batch, file_name="pain001-002-2.xml") == 0
    payout.refresh_from_db()
    assert (payout.state, payout.attempts, payout.next_attempt_at) == ("accepted", 1, None)
    claim.refresh_from_db()
    assert claim.status == "payout_queued"  # the member reads: the money is on its way
    assert payouts_sweep().polled == 0  # its outcome comes from the bank's report
    assert payout_settle(reference=payout.reference, outcome="paid", source="pain002-1.xml")
    claim.refresh_from_db()
    assert claim.status == "paid" and Withdrawal.objects.count() == 1
