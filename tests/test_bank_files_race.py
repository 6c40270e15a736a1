"""Two workers ingesting one bank report at the same moment: it is applied once."""

from __future__ import annotations

import contextlib
import threading
from datetime import date

import pytest
from django.db import connection

from bank_files import Row, pain002
from cairkan.integrations.models import BankFile
from cairkan.members.models import Withdrawal
from cairkan.payouts import bankfiles
from cairkan.payouts.bankfiles import bank_file_build, bank_file_ingest
from cairkan.payouts.models import Payout, PayoutEvent
from cairkan.payouts.services import claim_approve
from payout_factories import claim_in_review

# SQLite lets one writer in at a time whatever the code locks; the race is PostgreSQL's.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the race needs concurrent writers: run with scripts/with-postgres",
    ),
]


def test_one_report_ingested_twice_at_once_is_applied_once(settings, monkeypatch) -> None:
    settings.CAIRKAN_BANK_FILE_RAIL = {"002": {"account_number": "0339001122"}}
    claims = [claim_in_review(gross=5_000_000) for _ in range(3)]
    for claim in claims:
        claim_approve(claim=claim, actor="officer")
    built = bank_file_build(bank_code="002", day=date(2026, 11, 30))
    assert built is not None
    payouts = list(Payout.objects.order_by("pk"))
    content = pain002(
        [Row(p.reference, "ACSC", amount="5000000.00") for p in payouts],
        original_message_id=built.record.message_id,
    )
    # Both pass the cheap "seen these bytes?" check before either has written its row.
    both_looked = threading.Barrier(2, timeout=2)

    def not_seen_yet(content: bytes) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_looked.wait()

    monkeypatch.setattr(bankfiles, "bank_file_with_content", not_seen_yet)
    outcomes: list[str] = []
    guard = threading.Lock()

    def ingest() -> None:
        try:
            result = bank_file_ingest(content=content)
            outcome = "already" if result.already else "applied"
        finally:
            connection.close()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=ingest) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already", "applied"]
    assert BankFile.objects.filter(kind="pain.002").count() == 1
    assert Withdrawal.objects.count() == 3  # each member's ledger written once
    assert PayoutEvent.objects.filter(to_state="paid").count() == 3
