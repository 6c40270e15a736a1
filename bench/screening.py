"""Straight-through processing over the demo population (issue 12, item 5).

Seeds the demo population in a throwaway SQLite database, then every member who could
file an eligible claim in the app files one as the wizard would (a passed face check,
the documents received, the first bank account the member holds): the filing commits,
`claim_filed` hands it to screening, which runs inline (the embedded default, no
broker). Reported:

- the straight-through share: claims approved by the system over eligible app-channel
  claims filed, and, for the others, which rule sent them to an officer;
- seconds from submission to approval for straight-through claims (median, p95): from
  the member's submit (before the filing's own checks) to the system's approval event,
  for a sample filed with the sandbox's registry and bank latencies on; and the
  screening alone (filing committed to approval) over every straight-through claim.

Filings the service refuses before a claim exists (a dormant or closed account, an
account in someone else's name) are counted apart: they never reach screening.

Usage: python bench/screening.py [--members 2000] [--timed 40]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 2026


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(members: int, timed: int) -> None:
    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from cairkan.biometrics.models import FaceAttempt, LivenessChallenge
    from cairkan.claims.drafts import draft_for
    from cairkan.claims.models import Claim, DocumentUpload
    from cairkan.claims.services import ClaimError, ClaimRequest, claim_preview, claim_submit
    from cairkan.demo.population import generate
    from cairkan.integrations import loading
    from cairkan.jht.cases import Reason
    from cairkan.members.models import Participant

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    with Path(os.devnull).open("w") as quiet:
        call_command("seed_demo", members=members, seed=SEED, as_of=today, stdout=quiet)
    print(f"seed-demo members={members:,} time={time.perf_counter() - started:.1f}s")
    # The same arguments give the same people: their bank accounts, which the database
    # keeps only on the sandbox bank's side.
    people = generate(members=members, seed=SEED, as_of=today).people
    participants = {p.nik: p for p in Participant.objects.prefetch_related("memberships")}

    def reason_for(participant: Participant) -> str:
        latest = max(participant.memberships.all(), key=lambda m: m.start_date)
        if latest.status != "active":
            return latest.separation_reason if latest.separation_reason != "death" else ""
        age = (today - participant.birth_date).days // 365
        return Reason.RETIREMENT if age >= 56 else Reason.PARTIAL_10

    def ready_to_file(participant: Participant, documents: tuple[str, ...]) -> None:
        """A passed face check and the documents received: not what is measured."""
        challenge = LivenessChallenge.objects.create(
            participant=participant,
            purpose="claim",
            steps=["turn_left"],
            expires_at=timezone.now() + timedelta(minutes=2),
        )
        FaceAttempt.objects.create(
            participant=participant, challenge=challenge, purpose="claim", outcome="passed"
        )
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
            for kind in documents
        )

    def latency(on: bool) -> None:
        for options in (settings.CAIRKAN_REGISTRY_OPTIONS, settings.CAIRKAN_BANK_OPTIONS):
            options["latency_ms"] = (120, 600) if on else (0, 0)
        loading.reset()

    eligible = refused = 0
    refusals: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    through: list[Claim] = []
    timed_ids: set[int] = set()
    only_ceiling: list[int] = []  # gross of claims held by the ceiling alone
    submit_to_approval: list[float] = []
    latency(True)
    started = time.perf_counter()
    for person in people:
        participant = participants[person.nik]
        reason = reason_for(participant)
        if not reason or not person.bank_accounts:
            continue
        account = person.bank_accounts[0]
        request = ClaimRequest(
            reason=reason, separation_date=None, bank_code=account.bank_code,
            account_number=account.account_number,
        )  # fmt: skip
        try:
            preview = claim_preview(participant=participant, request=request)
        except ClaimError:
            continue
        if not preview.decision.eligible or preview.channel != "app":
            continue
        ready_to_file(participant, preview.decision.documents)
        timing = eligible < timed
        if eligible == timed:
            latency(False)
        submitted = timezone.now()
        try:
            claim = claim_submit(participant=participant, request=request, idempotency_key="b")
        except ClaimError as exc:
            refused += 1
            refusals[exc.code] += 1
            continue
        eligible += 1
        claim.refresh_from_db()
        if claim.status == "approved":
            through.append(claim)
            if timing:
                timed_ids.add(claim.pk)
                approved_at = claim.events.get(to_status="approved").at
                submit_to_approval.append((approved_at - submitted).total_seconds())
        else:
            reasons.update(claim.review_reasons)
            if claim.review_reasons == ["amount_above_ceiling"]:
                only_ceiling.append(claim.gross)
    elapsed = time.perf_counter() - started

    def screening_alone(claims: list[Claim]) -> list[float]:
        return [
            (
                c.events.get(to_status="approved").at - c.events.get(to_status="submitted").at
            ).total_seconds()
            for c in claims
        ]

    share = len(through) / eligible if eligible else 0.0
    print(
        f"eligible app-channel claims filed={eligible:,} straight through={len(through):,} "
        f"share={share:.1%} (target >= 85%); refused at filing={refused} "
        f"{dict(refusals.most_common())}; filing loop {elapsed:.0f}s"
    )
    print(f"sent to an officer, by rule (a claim may have several): {dict(reasons.most_common())}")
    if eligible and only_ceiling:
        # What the one tunable threshold costs: the same claims with the ceiling at the
        # app limit (Rp 15 juta), where every app claim would pass it.
        print(
            f"held by the amount ceiling alone={len(only_ceiling)} "
            f"(Rp {min(only_ceiling):,}-{max(only_ceiling):,}); share with the ceiling at "
            f"the app limit: {(len(through) + len(only_ceiling)) / eligible:.1%}"
        )
    if submit_to_approval:
        print(
            f"submission to approval, sandbox latency on (n={len(submit_to_approval)}): "
            f"median={statistics.median(submit_to_approval):.2f}s "
            f"p95={quantile(submit_to_approval, 0.95):.2f}s"
        )
    for label, claims in (
        ("sandbox latency on", [c for c in through if c.pk in timed_ids]),
        ("sandbox latency off", [c for c in through if c.pk not in timed_ids]),
    ):
        seconds = screening_alone(claims)
        if seconds:
            print(
                f"filing committed to approval (screening alone), {label} (n={len(seconds)}): "
                f"median={statistics.median(seconds):.3f}s p95={quantile(seconds, 0.95):.3f}s"
            )
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--timed", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "cairkan.config.settings",
                "CAIRKAN_ENV": "development",
                "CAIRKAN_VAR_DIR": tmp,
                "CAIRKAN_NOTIFICATION_SENDER": "cairkan.notifications.senders.MemorySender",
            }
        )
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("CELERY_BROKER_URL", None)
        sys.path.insert(0, str(ROOT / "src"))
        run(args.members, args.timed)


if __name__ == "__main__":
    main()
