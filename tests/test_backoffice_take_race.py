"""Two officers taking the same claim at the same moment: one gets it, the other is told
who holds it. The lock is the claim's row (select_for_update), on PostgreSQL."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from backoffice_staff import branches, officer, rina_claim
from cairkan.backoffice.models import ClaimReview, ReviewEvent
from cairkan.backoffice.services import ReviewError, claim_take

# SQLite's IMMEDIATE transactions serialise writers whatever the code locks; the race is
# PostgreSQL's (row locks, MVCC reads).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the race needs concurrent writers: run with scripts/with-postgres",
    ),
]


def test_two_officers_racing_for_one_claim_take_it_once(monkeypatch) -> None:
    claim = rina_claim(flagged=("employer",))  # screening leaves it to a person
    amuntai, _other = branches()
    officers = [officer(name, "Verifikator", posted=amuntai) for name in ("ani", "budi")]
    # The claim was taken and given back before: its review row exists, so nothing but
    # the lock (no unique insert) keeps the two apart.
    ClaimReview.objects.create(claim=claim)
    # Both wait here, after reading the review and before writing, until the other arrives
    # (or 2 s pass, when the other is held back by the row lock): without the lock both
    # would see the claim free and both would write.
    both_read = threading.Barrier(2, timeout=2)
    save = ClaimReview.save

    def save_when_both_read(self: ClaimReview, *args: object, **kwargs: object) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        save(self, *args, **kwargs)

    monkeypatch.setattr(ClaimReview, "save", save_when_both_read)
    outcomes: list[str] = []
    guard = threading.Lock()

    def take(who: object) -> None:
        try:
            claim_take(claim=claim, officer=who)
            outcome = "taken"
        except ReviewError as refused:
            outcome = refused.code
        finally:
            connection.close()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=take, args=(who,)) for who in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["taken", "taken_by_other"]
    assert ReviewEvent.objects.filter(claim=claim, action="taken").count() == 1
    review = ClaimReview.objects.get(claim=claim)
    assert review.assignee in officers
    claim.refresh_from_db()
    assert claim.status == "in_review"
    assert claim.events.filter(to_status="in_review").count() == 1
