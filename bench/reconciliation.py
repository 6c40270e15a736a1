"""Reconciliation: how long a day's reconciliation takes for N payouts paid that day,
against a bank statement of the same N lines, and how long reading that statement takes.

The payouts are made in bulk with the tests' factories (tests/payout_factories), each
sent and paid today (two events) with its withdrawal in the ledger; the statement is
built from them as a CSV and read back with ``read_statement_csv``. One process, SQLite
in a temporary directory. Prints wall seconds and what the reconciliation found (0
differences expected: the figure is for a clean day, the common case).

Usage: python bench/reconciliation.py [--count 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory(prefix="cairkan-bench-recon-") as var_dir:
        os.environ["CAIRKAN_VAR_DIR"] = var_dir
        os.environ.setdefault("CAIRKAN_ENV", "test")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairkan.config.settings")
        sys.path.insert(0, str(ROOT / "tests"))
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        from cairkan.members.models import Withdrawal
        from cairkan.payouts.models import Payout, PayoutEvent
        from cairkan.payouts.reconciliation import read_statement_csv
        from cairkan.payouts.reconciliation_selectors import reconciliation_for
        from payout_factories import queued_payouts

        call_command("migrate", verbosity=0)
        payouts = queued_payouts(count)
        day = timezone.localdate()
        Payout.objects.update(state="paid", settled_at=timezone.now())
        PayoutEvent.objects.bulk_create(
            PayoutEvent(payout=p, from_state=old, to_state=new, actor="system")
            for p in payouts
            for old, new in (("queued", "sending"), ("sending", "paid"))
        )
        Withdrawal.objects.bulk_create(
            Withdrawal(
                participant_id=p.participant_id,
                claim_reference=str(p.claim.public_id),
                reason="resignation",
                kind="full",
                gross=p.gross,
                paid_on=day,
            )
            for p in Payout.objects.select_related("claim")
        )
        csv = "reference,amount,booked_on,direction\n" + "".join(
            f"{reference},{net}.00,{day},debit\n"
            for reference, net in Payout.objects.values_list("reference", "net")
        )
        started = time.perf_counter()
        statement = read_statement_csv(csv.encode(), "bench.csv")
        read = time.perf_counter() - started
        started = time.perf_counter()
        report = reconciliation_for(day=day, statement=statement)
        took = time.perf_counter() - started
    paid = report.stages["paid"]
    print(f"database: sqlite; {count} payouts paid today, a statement of {len(statement)} lines")
    print(f"  statement CSV read ({len(csv) // 1024} KB): {read:6.2f} s")
    print(f"  reconciliation_for:             {took:6.2f} s")
    print(
        f"  paid {paid.count} = Rp {paid.amount:,}; debited {report.debits.count} = "
        f"Rp {report.debits.amount:,}; {len(report.differences)} differences"
    )


if __name__ == "__main__":
    main()
