"""API requests/s and latency under load, on SQLite and on PostgreSQL.

For each database: migrate, seed 2 000 members, give members API tokens and a passed
face check, serve with gunicorn as `make run` does (2 workers × 4 threads), then load
it from a second process (locust, headless, on loopback) for: a minimal view (the
ceiling), balance, claim status and claim submission (each simulated member files once).
Sandbox latency is off (CAIRKAN_ENV=test) so the figures are Cairkan's own work.

Usage: python bench/api.py [--seconds 15] [--users 16] [--sqlite-only | --postgresql-only]
                           [--scenarios Ceiling,Balance]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
SCENARIOS = ["Ceiling", "Balance", "Status", "Submit"]
BENCH_DEVICE = "bench"  # every simulated member's phone (bench/api_load.py sends it)


def prepare(fixture: Path) -> None:
    """Accounts, tokens, fresh face checks and one claim per reader (runs under Django)."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from cairkan.accounts.models import MemberAccount
    from cairkan.api.services import token_issue
    from cairkan.biometrics.models import FaceAttempt, FaceEnrolment, LivenessChallenge
    from cairkan.claims.drafts import draft_for
    from cairkan.claims.models import DocumentUpload
    from cairkan.claims.services import ClaimError, ClaimRequest, claim_preview, claim_submit
    from cairkan.integrations.models import SandboxBankAccount, SandboxRegistryRecord
    from cairkan.members.models import Membership, Participant

    call_command("migrate", verbosity=0)
    with Path(os.devnull).open("w") as quiet:
        call_command("seed_demo", members=2000, seed=2026, stdout=quiet)
    today = timezone.localdate()
    accounts = {a.holder_name: a for a in SandboxBankAccount.objects.filter(status="active")}
    registry = dict(SandboxRegistryRecord.objects.values_list("nik", "full_name"))
    candidates = {}
    for membership in Membership.objects.filter(
        status="non_active",
        separation_reason__in=["resignation", "termination"],
        separation_date__lte=today - timedelta(days=35),
    ).select_related("participant"):
        latest = membership.participant.memberships.order_by("start_date").last()
        account = accounts.get(registry.get(membership.participant.nik, "").upper())
        # Only members whose latest job is the one that ended: a member back at work is
        # rightly refused (membership still active), which is not what is measured here.
        if account and latest == membership:
            candidates[membership.participant_id] = (membership, account)
    user_model = get_user_model()

    def member(participant: Participant) -> str:
        user = user_model.objects.create_user(username=f"bench-{participant.pk}")
        account = MemberAccount.objects.create(
            user=user, participant=participant, phone=f"+62899{participant.pk:08d}"
        )
        # Enrolled, as every member who files is: an unenrolled account reads no balance.
        FaceEnrolment.objects.create(
            participant=participant, embedding=bytes(1024), registry_distance=0.3
        )
        challenge = LivenessChallenge.objects.create(
            participant=participant,
            purpose="claim",
            steps=["turn_left"],
            expires_at=timezone.now() + timedelta(hours=1),
        )
        FaceAttempt.objects.create(
            participant=participant, challenge=challenge, purpose="claim", outcome="passed"
        )
        return token_issue(account=account, device_id=BENCH_DEVICE).token

    def documents_uploaded(participant: Participant, kinds: tuple[str, ...]) -> None:
        """The draft's documents as already received: uploading is not what is measured."""
        draft = draft_for(participant=participant)
        DocumentUpload.objects.bulk_create(
            DocumentUpload(
                draft=draft,
                kind=kind,
                filename=f"{kind}.jpg",
                size=1,
                received=1,
                state=DocumentUpload.State.COMPLETE,
            )
            for kind in kinds
        )

    readers, submitters = [], []
    for membership, account in candidates.values():
        body = {
            "reason": membership.separation_reason,
            "separation_date": membership.separation_date.isoformat(),
            "bank_code": account.bank_code,
            "account_number": account.account_number,
            "npwp": "013000666091000",  # valid check digit (validate_npwp)
        }
        request = ClaimRequest(**{**body, "separation_date": membership.separation_date})
        preview = claim_preview(participant=membership.participant, request=request)
        # Filings in the app: the assisted channels also book an officer's time, whose
        # capacity (a few hundred seats) is not what is measured.
        if not preview.decision.eligible or preview.channel != "app":
            continue
        documents_uploaded(membership.participant, preview.decision.documents)
        token = member(membership.participant)
        if len(readers) < 20:
            try:
                claim = claim_submit(
                    participant=membership.participant, request=request, idempotency_key="bench"
                )
            except ClaimError:
                continue
            readers.append({"token": token, "claim": str(claim.public_id)})
        else:
            submitters.append({"token": token, "claim": body})
    fixture.write_text(json.dumps({"readers": readers, "submitters": submitters}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(database: str, env: dict[str, str], seconds: int, users: int, scenarios: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="cairkan-api-bench-") as tmp:
        env = {
            **env,
            "CAIRKAN_VAR_DIR": tmp,
            "CAIRKAN_ENV": "test",
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "cairkan.config.settings",
            "CAIRKAN_BENCH_FIXTURE": str(Path(tmp) / "fixture.json"),
        }
        subprocess.run([sys.executable, __file__, "--prepare"], env=env, check=True)
        fixture = json.loads(Path(env["CAIRKAN_BENCH_FIXTURE"]).read_text())
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "cairkan.config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
            ],
            env=env,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            print(
                f"{database}: {len(fixture['submitters'])} members ready to submit, "
                f"{users} concurrent users, {seconds} s per endpoint"
            )
            for scenario in scenarios:
                prefix = Path(tmp) / scenario
                subprocess.run(
                    [
                        str(BIN / "locust"),
                        "-f",
                        str(ROOT / "bench" / "api_load.py"),
                        "--headless",
                        "-u",
                        str(users),
                        "-r",
                        str(users),
                        "-t",
                        f"{seconds}s",
                        "--host",
                        f"http://127.0.0.1:{port}",
                        "--csv",
                        str(prefix),
                        "--only-summary",
                        "--loglevel",
                        "ERROR",
                        scenario,
                    ],
                    env=env,
                    check=False,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                with Path(f"{prefix}_failures.csv").open() as handle:
                    for row in csv.DictReader(handle):
                        print(f"    failed {row['Occurrences']}×: {row['Error'][:150]}")
                with Path(f"{prefix}_stats.csv").open() as handle:
                    for row in csv.DictReader(handle):
                        if row["Name"] == "Aggregated":
                            continue
                        print(
                            f"  {row['Name']:<16} {float(row['Requests/s']):8.1f} req/s  "
                            f"p50 {row['50%']:>5} ms  p99 {row['99%']:>5} ms  "
                            f"n={row['Request Count']} failures={row['Failure Count']}"
                        )
        finally:
            server.terminate()
            server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help="which to run, comma-separated (e.g. Ceiling,Balance for the H2 ratio)",
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(Path(os.environ["CAIRKAN_BENCH_FIXTURE"]))
        return
    env = dict(os.environ)
    scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}: choose from {SCENARIOS}")
    if args.inner:
        run("postgresql", env, args.seconds, args.users, scenarios)
        return
    if not args.postgresql_only:
        sqlite_env = {k: v for k, v in env.items() if k != "DATABASE_URL"}
        run("sqlite", sqlite_env, args.seconds, args.users, scenarios)
    if not args.sqlite_only:
        sys.stdout.flush()
        subprocess.run(
            [
                str(ROOT / "scripts" / "with-postgres"),
                sys.executable,
                __file__,
                "--inner",
                "--seconds",
                str(args.seconds),
                "--users",
                str(args.users),
                "--scenarios",
                ",".join(scenarios),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
