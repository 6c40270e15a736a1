"""Payouts: how fast approved claims are handed to the bank, and how long an approved
claim takes to be paid.

1. Selection and sending: N queued payouts (each with its member, KPJ and sandbox
   account), taken in batches of 100 with ``select_for_update(skip_locked)``, the
   account inquired again and the transfer handed to the sandbox bank under the
   payout's reference. Measured twice: the bank only accepting (it settles later), and
   settling at once (so each payout is also settled: claim paid, ledger written).
2. Approval to paid: K claims approved one after the other as an officer (or the
   straight-through rules) would, the sweep running every second as under `make run`;
   the sandbox settles after ``--settle`` seconds (30 as in `make run`). Median and
   maximum seconds from approval to paid.

One process, sandbox latency off (CAIRKAN_ENV=test) so the figures are Cairkan's own
work; SQLite in a temporary directory, or PostgreSQL with --postgresql (a throwaway
server, scripts/with-postgres). Uses the tests' bulk factories (tests/payout_factories).

Usage: python bench/payouts.py [--count 2000] [--claims 10] [--settle 30] [--postgresql]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(var_dir: str) -> None:
    os.environ["CAIRKAN_VAR_DIR"] = var_dir
    os.environ.setdefault("CAIRKAN_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairkan.config.settings")
    sys.path.insert(0, str(ROOT / "tests"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bank(settle_after_s: float) -> None:
    from django.conf import settings

    from cairkan.integrations import loading

    settings.CAIRKAN_BANK_OPTIONS = {
        **settings.CAIRKAN_BANK_OPTIONS,
        "settle_after_s": settle_after_s,
    }
    loading.reset()


def throughput(count: int, *, first: int, settle_after_s: float) -> tuple[float, float]:
    """Payouts per second (wall clock), and CPU milliseconds per payout in this process
    (the figure that does not depend on what else the machine runs)."""
    from cairkan.payouts.services import payouts_send_due
    from payout_factories import queued_payouts

    bank(settle_after_s)
    queued_payouts(count, first=first)
    started, cpu = time.perf_counter(), time.process_time()
    while payouts_send_due(limit=100):
        pass
    wall = time.perf_counter() - started
    return count / wall, 1000 * (time.process_time() - cpu) / count


def approval_to_paid(claims: int, settle_after_s: float) -> list[float]:
    from django.conf import settings

    from cairkan.payouts.models import Payout
    from cairkan.payouts.services import claim_approve, payouts_sweep
    from payout_factories import claim_in_review

    bank(settle_after_s)
    settings.CAIRKAN_PAYOUT_POLL_SECONDS = 5.0  # as configured by default
    approved_at: dict[int, float] = {}
    for _ in range(claims):
        claim = claim_in_review(phone=False)
        approved_at[claim.pk] = time.monotonic()
        claim_approve(claim=claim, actor="system", reason="bench")
    waits: dict[int, float] = {}
    deadline = time.monotonic() + settle_after_s + 120
    while len(waits) < claims and time.monotonic() < deadline:
        payouts_sweep(limit=100)
        for claim_id in Payout.objects.filter(state="paid", claim_id__in=approved_at).values_list(
            "claim_id", flat=True
        ):
            waits.setdefault(claim_id, time.monotonic() - approved_at[claim_id])
        time.sleep(1.0)  # `make run`'s sweeper: payouts-sweep --loop --every 2 (1 here)
    return sorted(waits.values())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--claims", type=int, default=10)
    parser.add_argument("--settle", type=float, default=30.0)
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.postgresql and not args.inner:
        subprocess.run(
            [
                str(ROOT / "scripts" / "with-postgres"),
                sys.executable,
                __file__,
                "--inner",
                "--count",
                str(args.count),
                "--claims",
                str(args.claims),
                "--settle",
                str(args.settle),
            ],
            check=True,
        )
        return
    with tempfile.TemporaryDirectory(prefix="cairkan-bench-payouts-") as var_dir:
        setup(var_dir)
        from django.db import connection

        database = connection.vendor
        accepted = throughput(args.count, first=1, settle_after_s=3600)
        settled = throughput(args.count, first=args.count + 1, settle_after_s=0)
        waits = approval_to_paid(args.claims, args.settle)
    print(f"database: {database}; {args.count} payouts per run; one process")
    print(
        f"  selected, inquired and sent (bank accepts): {accepted[0]:6.0f} payouts/s, "
        f"{accepted[1]:5.1f} ms CPU each"
    )
    print(
        f"  … and settled at once (claim paid, ledger): {settled[0]:6.0f} payouts/s, "
        f"{settled[1]:5.1f} ms CPU each"
    )
    if waits:
        print(
            f"  approval → paid, sandbox settling after {args.settle:g} s: median "
            f"{statistics.median(waits):.1f} s, max {max(waits):.1f} s ({len(waits)} claims)"
        )
    else:
        print("  approval → paid: no claim was paid")


if __name__ == "__main__":
    main()
