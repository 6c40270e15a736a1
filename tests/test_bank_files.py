"""The host-to-host file rail end to end on the database: the day's pain.001 built from
queued payouts, the bank's pain.002 and camt.054 moving them, replays and bad files
changing nothing, a crash mid-ingest leaving nothing half applied."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from bank_files import Row, camt054, pain002
from cairkan.claims.models import Claim
from cairkan.integrations.bank.iso20022.errors import BankFileRefused
from cairkan.integrations.bank.iso20022.reports import validate_file
from cairkan.integrations.bank.iso20022.schemas import PAIN_001
from cairkan.integrations.models import BankFile, SandboxTransfer
from cairkan.members.models import Withdrawal
from cairkan.payouts import bankfiles
from cairkan.payouts.bankfiles import bank_file_build, bank_file_ingest, bank_file_rewrite
from cairkan.payouts.models import Payout, PayoutEvent
from cairkan.payouts.selectors import payout_of
from cairkan.payouts.services import claim_approve, payouts_sweep
from payout_factories import claim_in_review

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 30)
NS = {"p": PAIN_001}


@pytest.fixture(autouse=True)
def file_rail(settings):
    """BRI (002) takes files; every other bank is paid by API."""
    settings.CAIRKAN_BANK_FILE_RAIL = {"002": {"account_number": "0339001122"}}


@pytest.fixture
def approved(django_capture_on_commit_callbacks):
    def run(count: int, *, gross: int = 10_000_000) -> list[Payout]:
        payouts = []
        for _ in range(count):
            claim = claim_in_review(gross=gross)
            with django_capture_on_commit_callbacks(execute=True):
                claim_approve(claim=claim, actor="officer", reason="approved")
            payout = payout_of(claim)
            assert payout is not None
            payouts.append(payout)
        return payouts

    return run


@pytest.fixture
def sent(approved):
    """Payouts handed to the bank in the day's file; returns them and the file's id."""

    def run(count: int = 3) -> tuple[list[Payout], str]:
        payouts = approved(count)
        built = bank_file_build(bank_code="002", day=DAY)
        assert built is not None
        return [Payout.objects.get(pk=p.pk) for p in payouts], built.record.message_id

    return run


def snapshot() -> tuple[object, ...]:
    """Everything an ingest could change."""
    return (
        sorted(Payout.objects.values_list("pk", "state", "failure_code", "settled_at")),
        PayoutEvent.objects.count(),
        sorted(Claim.objects.values_list("pk", "status")),
        Withdrawal.objects.count(),
        BankFile.objects.count(),
    )


def state(payout: Payout) -> tuple[str, str]:
    payout.refresh_from_db()
    return payout.state, payout.failure_code


# --- building -----------------------------------------------------------------------


def test_a_bank_paid_by_file_is_never_sent_by_api(approved) -> None:
    (payout,) = approved(1)
    assert (payout.state, payout.next_attempt_at) == ("queued", None)
    payouts_sweep()
    assert state(payout) == ("queued", "")
    assert not SandboxTransfer.objects.exists()


def test_the_days_file_validates_carries_each_payout_and_hands_them_over(approved) -> None:
    payouts = approved(3)
    built = bank_file_build(bank_code="002", day=DAY)
    assert built is not None
    validate_file(built.content, PAIN_001)
    root = etree.fromstring(built.content)
    assert root.findall(".//p:EndToEndId", NS)[0].text == payouts[0].reference
    assert [e.text for e in root.findall(".//p:EndToEndId", NS)] == [p.reference for p in payouts]
    assert root.findtext(".//p:InstdAmt", namespaces=NS) == "10000000.00"
    assert root.findtext(".//p:DbtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "0339001122"
    record = built.record
    assert (record.kind, record.bank_code, record.transfers, record.total) == (
        "pain.001",
        "002",
        3,
        30_000_000,
    )
    assert record.message_id == "CK00220261130001"
    for payout in payouts:
        assert state(payout) == ("accepted", "")
        assert payout.next_attempt_at is None  # the report tells, not an API inquiry
        assert PayoutEvent.objects.filter(
            payout=payout, to_state="accepted", source="file CK00220261130001"
        ).exists()
        # Not yet "being paid": the bank has not answered.
        assert Claim.objects.get(pk=payout.claim_id).status == "approved"
    # Nothing left queued: no second file; a later approval makes the day's second file.
    assert bank_file_build(bank_code="002", day=DAY) is None
    approved(1)
    again = bank_file_build(bank_code="002", day=DAY)
    assert again is not None
    assert again.record.message_id == "CK00220261130002"
    assert again.record.transfers == 1


def test_a_bank_paid_by_api_gets_no_file() -> None:
    with pytest.raises(BankFileRefused) as refused:
        bank_file_build(bank_code="008", day=DAY)
    assert refused.value.code == "not_file_rail"


def test_a_file_lost_after_commit_is_written_again_byte_for_byte(approved) -> None:
    approved(2)
    built = bank_file_build(bank_code="002", day=DAY)
    assert built is not None
    again = bank_file_rewrite(bank_code="002", message_id=built.record.message_id)
    assert again.content == built.content
    with pytest.raises(BankFileRefused):
        bank_file_rewrite(bank_code="002", message_id="CK00219990101001")


# --- ingesting ----------------------------------------------------------------------


def test_a_status_report_moves_payouts(sent) -> None:
    payouts, message_id = sent(5)
    report = pain002(
        [
            Row(payouts[0].reference, "ACSC", amount="10000000.00"),
            Row(payouts[1].reference, "RJCT", "AC04", amount="10000000.00"),
            Row(payouts[2].reference, "RJCT", "AC01", amount=None),
            Row(payouts[3].reference, "ACCP", amount="10000000.00"),
            Row(payouts[4].reference, "RJCT", "AM04", amount="10000000.00"),
        ],
        original_message_id=message_id,
    )
    result = bank_file_ingest(content=report, name="psr.xml")
    assert not result.already
    assert state(payouts[0]) == ("paid", "")
    assert state(payouts[1]) == ("failed", "account_closed")
    assert state(payouts[2]) == ("failed", "account_invalid")
    assert state(payouts[3]) == ("accepted", "")
    # BPJS's own account lacked the funds: held for an officer, no member asked for more.
    assert state(payouts[4]) == ("held", "")
    statuses = [Claim.objects.get(pk=p.claim_id).status for p in payouts]
    assert statuses == ["paid", "payout_failed", "payout_failed", "payout_queued", "approved"]
    assert Withdrawal.objects.count() == 1  # the paid one, in the member's ledger
    assert result.summary["paid"] == 1
    assert result.summary["failed"] == 2
    assert result.summary["pending"] == 1
    assert result.summary["held_references"] == [payouts[4].reference]
    record = BankFile.objects.get(kind="pain.002")
    assert (record.bank_code, record.message_id, record.name) == ("002", "BRI-PSR-0001", "psr.xml")


def test_a_notification_moves_payouts(sent) -> None:
    payouts, _ = sent(3)
    content = camt054(
        [
            Row(payouts[0].reference, "paid", amount="10000000.00"),
            Row(payouts[1].reference, "returned", "AC04", amount="10000000.00"),
            Row(payouts[2].reference, "pending", amount="10000000.00"),
        ]
    )
    bank_file_ingest(content=content)
    assert state(payouts[0]) == ("paid", "")
    assert state(payouts[1]) == ("failed", "account_closed")
    assert state(payouts[2]) == ("accepted", "")


def test_a_replayed_file_changes_nothing_the_second_time(sent) -> None:
    payouts, message_id = sent(2)
    content = pain002(
        [Row(p.reference, "ACSC", amount="10000000.00") for p in payouts],
        original_message_id=message_id,
    )
    bank_file_ingest(content=content)
    before = snapshot()
    again = bank_file_ingest(content=content)
    assert again.already
    assert snapshot() == before
    # The same message id with other news (a tampered or re-issued report): refused.
    changed = pain002(
        [Row(p.reference, "RJCT", "AC04", amount="10000000.00") for p in payouts],
        original_message_id=message_id,
    )
    with pytest.raises(BankFileRefused) as refused:
        bank_file_ingest(content=changed)
    assert refused.value.code == "message_replayed"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (
            lambda refs, mid: pain002([Row(refs[0], "ACSC")], original_message_id=mid)[:-30],
            "malformed",
        ),
        (
            lambda refs, mid: pain002(
                [Row(refs[0], "ACSC", currency="USD", amount="650.00")], original_message_id=mid
            ),
            "foreign_currency",
        ),
        (
            lambda refs, mid: pain002(
                [Row(refs[0], "ACSC", amount="10000000.00"), Row("CKNOTOURS", "ACSC")],
                original_message_id=mid,
            ),
            "unknown_reference",
        ),
        (
            lambda refs, mid: pain002(
                [Row(refs[0], "ACSC", amount="10000001.00")], original_message_id=mid
            ),
            "amount_mismatch",
        ),
        (
            lambda refs, mid: pain002(
                [Row(refs[0], "ACSC", amount="10000000.00")], original_message_id="CKOTHER"
            ),
            "unknown_original",
        ),
        (
            lambda refs, mid: camt054([Row(refs[0], "paid", amount="10000000.00", currency="EUR")]),
            "foreign_currency",
        ),
    ],
)
def test_a_bad_file_is_refused_whole_and_changes_nothing(sent, make, code) -> None:  # type: ignore[no-untyped-def]
    payouts, message_id = sent(2)
    before = snapshot()
    with pytest.raises(BankFileRefused) as refused:
        bank_file_ingest(content=make([p.reference for p in payouts], message_id))
    assert refused.value.code == code, str(refused.value)
    assert snapshot() == before


def test_a_report_about_a_payout_never_sent_is_refused(approved) -> None:
    (payout,) = approved(1)  # still queued: not in any file
    before = snapshot()
    with pytest.raises(BankFileRefused) as refused:
        bank_file_ingest(content=camt054([Row(payout.reference, "paid", amount="10000000.00")]))
    assert refused.value.code == "unknown_reference"
    assert snapshot() == before


def test_a_crash_mid_ingest_leaves_nothing_applied(sent, monkeypatch) -> None:
    payouts, message_id = sent(3)
    content = pain002(
        [Row(p.reference, "ACSC", amount="10000000.00") for p in payouts],
        original_message_id=message_id,
    )
    before = snapshot()
    real = bankfiles.payout_settle
    calls = []

    def crash_after_the_first(**kwargs: object) -> bool:
        if calls:
            raise RuntimeError("worker killed")
        calls.append(kwargs)
        return real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bankfiles, "payout_settle", crash_after_the_first)
    with pytest.raises(RuntimeError):
        bank_file_ingest(content=content)
    assert len(calls) == 1  # the first payout was settled inside the transaction…
    assert snapshot() == before  # …and rolled back with it: no BankFile, no payout moved
    monkeypatch.setattr(bankfiles, "payout_settle", real)
    assert not bank_file_ingest(content=content).already  # the retry applies it whole
    assert [state(p) for p in payouts] == [("paid", "")] * 3
    assert Withdrawal.objects.count() == 3


# --- the command --------------------------------------------------------------------


def test_the_command_builds_and_ingests(approved, tmp_path: Path, capsys) -> None:
    payouts = approved(2)
    call_command(
        "bank_file", "build", "--bank", "002", "--date", "2026-11-30", "--out", str(tmp_path)
    )
    written = tmp_path / "CK00220261130001.pain.001.xml"
    assert stat.S_IMODE(written.stat().st_mode) == 0o600  # it names members and accounts
    validate_file(written.read_bytes(), PAIN_001)
    report = tmp_path / "psr.xml"
    report.write_bytes(
        pain002(
            [Row(p.reference, "ACSC", amount="10000000.00") for p in payouts],
            original_message_id="CK00220261130001",
        )
    )
    call_command("bank_file", "ingest", str(report))
    call_command("bank_file", "ingest", str(report))
    out = capsys.readouterr().out
    assert "2 transfers, Rp 20,000,000" in out
    assert "applied: outcomes 2, paid 2" in out
    assert "already applied" in out
    report.write_bytes(b"<not xml")
    with pytest.raises(CommandError, match="malformed"):
        call_command("bank_file", "ingest", str(report))


def test_a_whole_file_rejection_is_recorded_and_changes_no_payout(sent) -> None:
    payouts, message_id = sent(2)
    before = [state(p) for p in payouts]
    result = bank_file_ingest(
        content=pain002([], original_message_id=message_id, group_status="RJCT")
    )
    assert result.summary == {"outcomes": 0, "group_status": "RJCT"}
    assert result.record.bank_code == "002"
    assert [state(p) for p in payouts] == before  # still accepted: no per-payout news


def test_a_held_file_payout_resumed_goes_back_into_a_file_never_to_the_api(sent) -> None:
    from cairkan.payouts.services import payout_resume
    from staff_users import staff_user

    payouts, message_id = sent(1)
    bank_file_ingest(
        content=pain002(
            [Row(payouts[0].reference, "RJCT", "AM04", amount="10000000.00")],
            original_message_id=message_id,
        )
    )
    held = Payout.objects.get(pk=payouts[0].pk)
    assert held.state == "held"
    officer = staff_user("resumer", "payouts.resume_payout")
    payout_resume(payout=held, acting_user=officer, reason="funds topped up")
    held.refresh_from_db()
    assert (held.state, held.next_attempt_at) == ("queued", None)
    payouts_sweep()  # the API sender and poller leave it alone
    assert state(held) == ("queued", "")
    assert not SandboxTransfer.objects.exists()
    again = bank_file_build(bank_code="002", day=DAY)
    assert again is not None
    root = etree.fromstring(again.content)
    # The same reference: a bank that did take the first one refuses it as a duplicate.
    assert [e.text for e in root.findall(".//p:EndToEndId", NS)] == [held.reference]
