"""The demo population at benchmark size, on SQLite and on PostgreSQL.

For each database: `seed-demo --members N` (generate, load, credit every past year's
returns), then every participant's balance (`balances_on`), then `credit-returns` for
the last finished year from scratch and once more (idempotent: nothing to do).

Usage: python bench/population.py [--members N] [--sqlite-only]
The PostgreSQL run uses a throwaway server (scripts/with-postgres). See
docs/benchmarks.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 23)


def inner(members: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cairkan.members.balances import balances_on
    from cairkan.members.models import Contribution, ReturnCredit
    from cairkan.members.returns import credit_returns

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with Path(os.devnull).open("w") as quiet:
        call_command("seed_demo", members=members, seed=2026, as_of=AS_OF, stdout=quiet)
    seeded = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = Contribution.objects.count()

    started = time.perf_counter()
    balances = balances_on(AS_OF)
    balance_time = time.perf_counter() - started

    year = AS_OF.year - 1
    ReturnCredit.objects.filter(year=year).delete()
    started = time.perf_counter()
    first = credit_returns(year=year, today=AS_OF)
    credit_time = time.perf_counter() - started
    started = time.perf_counter()
    again = credit_returns(year=year, today=AS_OF)
    again_time = time.perf_counter() - started

    if connection.vendor == "sqlite":
        size = Path(connection.settings_dict["NAME"]).stat().st_size
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    vendor = connection.vendor
    print(
        f"{vendor:<10} seed-demo members={members:,} contributions={rows:,} time={seeded:.1f}s "
        f"peak_rss={peak:,.0f}MiB size={size / 2**20:,.0f}MiB"
    )
    print(f"{vendor:<10} balances_on participants={len(balances):,} time={balance_time:.2f}s")
    print(
        f"{vendor:<10} credit-returns {year} memberships={first.credited:,} "
        f"time={credit_time:.2f}s; again: credited={again.credited} time={again_time:.2f}s"
    )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--members", type=int, default=int(os.environ.get("BENCH_MEMBERS", "100000"))
    )
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.members)
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    sys.stdout.flush()
    me = [sys.executable, __file__, "--inner", "--members", str(args.members)]
    with tempfile.TemporaryDirectory(prefix="cairkan-bench-") as var:
        env = {
            **os.environ,
            "CAIRKAN_VAR_DIR": var,
            "CAIRKAN_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "cairkan.config.settings",
            "LOG_LEVEL": "WARNING",
        }
        sqlite_env = {k: v for k, v in env.items() if k != "DATABASE_URL"}
        subprocess.run(me, env=sqlite_env, check=True)
        if not args.sqlite_only:
            subprocess.run([str(ROOT / "scripts" / "with-postgres"), *me], env=env, check=True)


if __name__ == "__main__":
    main()
