"""``seed-demo --day``: a working day of demo claims, filed through the real services,
so the officers' queue has work and straight-through claims are paid by the sandbox."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cairkan.backoffice.models import ClaimReview, ReviewEvent
from cairkan.biometrics.models import FaceAttempt, FaceReview, FaceStep, UnlockBooking
from cairkan.biometrics.services import FaceError, face_check_pass_for_demo
from cairkan.claims.models import Claim, ClaimEvent, DocumentUpload
from cairkan.members.models import Participant, Withdrawal
from cairkan.payouts.models import Payout

# Real commits: screening and the payout run on each filing's commit, as in make run.
pytestmark = pytest.mark.django_db(transaction=True)
MEMBERS = 80


def _seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, members=MEMBERS, seed=1, **options)
    return out.getvalue()


def test_the_demo_day_fills_the_queue_and_pays_straight_through_claims() -> None:
    output = _seed(day=True)
    claims = Claim.objects.all()
    assert claims.count() >= 8
    # Filed as the wizard files: documents uploaded, a face check passed, per claim.
    assert not DocumentUpload.objects.filter(claim__isnull=True).exists()
    assert FaceAttempt.objects.filter(outcome="passed").count() >= claims.count()
    queue = claims.filter(status="in_review")
    assert queue.exists() and all(c.review_reasons for c in queue)
    held_for = {code for c in queue for code in c.review_reasons}
    assert {"separation_declared", "bank_changed", "channel_not_app"} <= held_for
    through = ClaimEvent.objects.filter(to_status="approved", actor="system")
    assert through.exists()
    assert Payout.objects.filter(claim_id__in=through.values("claim_id")).count() == through.count()
    assert Payout.objects.filter(state="accepted").exists()  # the sweeper's to settle
    paid = claims.get(pk=Payout.objects.filter(state="paid").first().claim_id)
    assert paid.status == "paid"
    assert paid.events.filter(to_status="approved", actor="system").exists()
    assert claims.filter(status="payout_failed").exists()
    assert claims.filter(status="needs_fix").exists()
    assert "Officers' queue by reason" in output and "approved straight" in output
    assert "Demo members with a claim" in output and paid.participant.nik in output


def test_the_supervisor_sees_demo_claims_past_their_deadline() -> None:
    """In make run the supervisor's breach list has claims: filed days ago through the
    filing service's clock (``claim_submit(now=...)``), not rows edited afterwards."""
    from django.utils import timezone

    from cairkan.backoffice.selectors import supervision
    from cairkan.backoffice.sheet import face_summary

    _seed(day=True)
    call_command("backoffice_demo", stdout=StringIO())  # as make run: officers posted
    supervisor = get_user_model().objects.get(username="penyelia")
    today = timezone.localdate()
    late = [item for item in supervision(supervisor).urgent if item.urgency == "breached"]
    assert len(late) >= 2
    for item in late:
        filed = item.claim.events.order_by("at", "pk").first()
        assert filed.to_status == "submitted" and filed.actor == "member"
        assert item.claim.submitted_at == filed.at
        assert timezone.localdate(filed.at) < item.deadline < today
        assert item.claim.status in ("submitted", "in_review")
        # Its face check passed before it was filed, as the review screen shows it.
        assert face_summary(item.claim) is not None
    # The audit trail records the filing when it was written, and its chain holds.
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "broken" not in out.getvalue().lower()


def test_the_day_is_filed_once_and_a_reset_starts_from_nothing() -> None:
    _seed(day=True)
    filed = Claim.objects.count()
    again = _seed(day=True, if_empty=True)
    assert "nothing to do" in again and Claim.objects.count() == filed
    # An officer's work on a claim and a paid withdrawal go with the reset too.
    taken = Claim.objects.filter(status="in_review").first()
    officer = get_user_model().objects.get(username="verifikator")
    ClaimReview.objects.create(claim=taken, assignee=officer)
    ReviewEvent.objects.create(claim=taken, officer=officer, action="taken")
    assert Withdrawal.objects.exists()
    _seed(reset=True)
    assert not Claim.objects.exists() and not Payout.objects.exists()
    assert not FaceAttempt.objects.exists() and not Withdrawal.objects.exists()
    assert not ClaimReview.objects.exists()
    assert Participant.objects.count() == MEMBERS


def test_the_demo_face_check_is_refused_in_production(settings) -> None:
    _seed()
    settings.PRODUCTION = True
    with pytest.raises(FaceError):
        face_check_pass_for_demo(participant=Participant.objects.first())
    assert not FaceAttempt.objects.exists()


def test_the_day_sets_the_face_desk_once() -> None:
    """make run shows the desk's day: two members locked out (one with a call booked) and
    a borderline photo for a verifier; a second run leaves a used desk as it is."""
    output = _seed(day=True)
    assert "Face desk (/kantor/wajah/)" in output
    assert FaceStep.objects.filter(locked_at__isnull=False).count() == 2
    assert UnlockBooking.objects.filter(status="booked").count() == 1
    assert FaceReview.objects.filter(status="pending").count() == 1
    # The named personas keep an open face step for the members' journeys.
    assert not FaceStep.objects.filter(
        participant__memberships__kpj__startswith="2300000", locked_at__isnull=False
    ).exists()
    again = _seed(day=True, if_empty=True)
    assert "Face desk" not in again
    assert FaceReview.objects.count() == 1
