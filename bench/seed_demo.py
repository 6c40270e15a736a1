"""How long `cairkan seed-demo` takes and how much it stores, on SQLite and PostgreSQL.

Usage: python bench/seed_demo.py [--members N] [--seed S] [--sqlite-only]
The PostgreSQL run uses a throwaway server (scripts/with-postgres). Prints one line of
figures per database; see docs/benchmarks.md for what they mean.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CAIRKAN = str(ROOT / ".venv" / "bin" / "cairkan")
SIZE_SQL = "SELECT pg_database_size(current_database())"


def run(argv: list[str], env: dict[str, str]) -> None:
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)


def measure(members: int, seed: int, env: dict[str, str]) -> tuple[float, int]:
    run([CAIRKAN, "migrate", "-v0"], env)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    run(
        [
            CAIRKAN,
            "seed-demo",
            "--members",
            str(members),
            "--seed",
            str(seed),
            "--as-of",
            "2026-11-23",
        ],
        env,
    )
    elapsed = time.perf_counter() - started
    peak_kb = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return elapsed, peak_kb


def size_of(env: dict[str, str]) -> int:
    code = (
        "import django; django.setup(); from django.db import connection as c\n"
        "if c.vendor == 'sqlite':\n"
        "    import os; print(os.path.getsize(c.settings_dict['NAME']))\n"
        "else:\n"
        f"    cur = c.cursor(); cur.execute({SIZE_SQL!r}); print(cur.fetchone()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--members", type=int, default=int(os.environ.get("BENCH_MEMBERS", "100000"))
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cairkan-bench-") as var:
        env = {
            **os.environ,
            "CAIRKAN_VAR_DIR": var,
            "CAIRKAN_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "cairkan.config.settings",
        }
        database = "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
        if not args.inner:
            env.pop("DATABASE_URL", None)
            database = "sqlite"
        elapsed, peak_kb = measure(args.members, args.seed, env)
        size = size_of(env)
    print(
        f"seed-demo {database:<10} members={args.members} time={elapsed:.1f}s "
        f"members/s={args.members / elapsed:,.0f} size={size / 2**20:,.0f}MiB "
        f"peak_rss={peak_kb / 1024:,.0f}MiB ({platform.machine()}, {os.cpu_count()} cores)"
    )
    if not args.inner and not args.sqlite_only:
        sys.stdout.flush()
        subprocess.run(
            [
                str(ROOT / "scripts" / "with-postgres"),
                sys.executable,
                __file__,
                "--inner",
                "--members",
                str(args.members),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
