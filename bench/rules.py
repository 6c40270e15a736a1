"""Latency of one JHT decision and throughput of the vectorised decision.

Usage: python bench/rules.py [--single N] [--members M]
Prints p50/p99 of decide() for one case, decide_many() over Case objects, and
decide_columns() over M synthetic members (numpy columns). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import date

import numpy as np

from cairkan.jht import Case, Reason, decide, decide_columns, decide_many
from cairkan.jht.facade import REASON_INDEX

AS_OF = date(2026, 11, 23)


def synthetic_cases(count: int, seed: int = 1) -> list[Case]:
    rng = np.random.default_rng(seed)
    reasons = list(Reason)
    cases = []
    for i in range(count):
        reason = reasons[i % len(reasons)]
        birth = date(1960 + int(rng.integers(0, 45)), int(rng.integers(1, 13)), 1)
        start = date(max(birth.year + 18, 1995) + int(rng.integers(0, 5)), 1, 1)
        separation = date(2026, int(rng.integers(1, 12)), int(rng.integers(1, 29)))
        cases.append(
            Case(
                as_of=AS_OF,
                reason=reason,
                birth_date=birth,
                retirement_age=None,
                membership_start=min(start, date(2026, 1, 1)),
                membership_active=bool(rng.random() < 0.3),
                separation_date=separation if reason.needs_separation_date else None,
                balance=int(rng.integers(0, 120_000_000)),
                has_npwp=bool(rng.random() < 0.5),
            )
        )
    return cases


def synthetic_columns(count: int, seed: int = 2) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    birth = np.datetime64("1960-01-01") + rng.integers(0, 45 * 365, count).astype("timedelta64[D]")
    start = (
        birth
        + np.timedelta64(18 * 365, "D")
        + rng.integers(0, 3000, count).astype("timedelta64[D]")
    )
    start = np.minimum(start, np.datetime64("2026-01-01"))
    return {
        "claim_reason": rng.choice(np.array(list(REASON_INDEX.values()), dtype=np.int16), count),
        "birth_date": birth,
        "contractual_retirement_age": np.where(rng.random(count) < 0.2, 58, 0).astype(np.int32),
        "membership_start": start,
        "membership_active": rng.random(count) < 0.3,
        "separation_date": np.datetime64("2026-01-01")
        + rng.integers(0, 330, count).astype("timedelta64[D]"),
        "balance": rng.integers(0, 120_000_000, count, dtype=np.int64),
        "has_npwp": rng.random(count) < 0.5,
        "partial_already_taken": rng.random(count) < 0.05,
        "first_payout_year": np.where(rng.random(count) < 0.05, 2024, 0).astype(np.int32),
        "prior_payouts_in_tax_window": np.where(
            rng.random(count) < 0.05, rng.integers(1, 30_000_000, count), 0
        ).astype(np.int64),
        "heir_is_minor": rng.random(count) < 0.02,
    }


def percentile(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--single", type=int, default=3000)
    parser.add_argument("--members", type=int, default=1_000_000)
    args = parser.parse_args()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"

    cases = synthetic_cases(args.single)
    for case in cases[:50]:
        decide(case)  # warm the parameter caches
    timings = []
    for case in cases:
        started = time.perf_counter()
        decide(case)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"decide() one case      n={len(cases)} p50={percentile(timings, 50):.2f}ms "
        f"p99={percentile(timings, 99):.2f}ms mean={statistics.fmean(timings):.2f}ms ({machine})"
    )

    many = synthetic_cases(100_000, seed=3)
    started = time.perf_counter()
    decide_many(many)
    elapsed = time.perf_counter() - started
    print(
        f"decide_many() objects  n={len(many)} time={elapsed:.2f}s "
        f"members/s={len(many) / elapsed:,.0f}"
    )

    columns = synthetic_columns(args.members)
    decide_columns(AS_OF, synthetic_columns(1000))
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        out = decide_columns(AS_OF, columns)
        runs.append(time.perf_counter() - started)
    best = min(runs)
    eligible = int(out["eligible"].sum())
    print(
        f"decide_columns() numpy n={args.members} best={best:.3f}s of 3 "
        f"members/s={args.members / best:,.0f} (eligible {eligible:,}, "
        f"gross Rp {int(out['gross'].sum()):,})"
    )


if __name__ == "__main__":
    main()
