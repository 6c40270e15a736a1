"""The desk (issue 13.2) and the review band (13.3) as services: what an officer's unlock
needs, who may do it, and what a verifier's decision on a borderline face does to the
member's counted failures. The pages are in test_backoffice_face.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cairkan.accounts.models import MemberAccount
from cairkan.audit.models import AuditEntry
from cairkan.biometrics.models import (
    DeskCheck,
    FaceAttempt,
    FaceEvent,
    FaceReview,
    FaceStep,
    UnlockBooking,
)
from cairkan.biometrics.selectors import claim_face_passed, desk_questions
from cairkan.biometrics.services import (
    Checklist,
    FaceReviewPending,
    UnlockRefused,
    challenge_issue,
    desk_check_start,
    desk_refusal_latest,
    desk_refuse,
    desk_unlock,
    face_review_accept,
    face_review_refuse,
    face_status,
)
from cairkan.claims import appointments
from cairkan.members.models import Contribution, Employer, Membership, Participant
from cairkan.notifications.models import OutboundMessage
from staff_users import staff_user
from test_face_policy import LIVE, STATIC, _video_seats, embedding_of, submit

PHONE = "081234567001"


@pytest.fixture
def member(db) -> Participant:
    person = Participant.objects.create(
        nik="6308055204890001",
        full_name="Siti Rahmah",
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Aminah",
    )
    employer = Employer.objects.create(
        registration_number="63080001", name="PT Sawit Amuntai", district_code="63.08.05"
    )
    membership = Membership.objects.create(
        kpj="12345678901", participant=person, employer=employer, start_date=date(2015, 3, 1)
    )
    Contribution.objects.create(
        membership=membership,
        period=date(2015, 3, 1),
        wage=3_000_000,
        worker_share=60_000,
        employer_share=111_000,
        paid_on=date(2015, 4, 10),
    )
    user = get_user_model().objects.create_user("siti", password="x")
    MemberAccount.objects.create(user=user, participant=person, phone=PHONE)
    return person


@pytest.fixture
def enrolled(member: Participant) -> Participant:
    from cairkan.biometrics.models import FaceEnrolment

    FaceEnrolment.objects.create(
        participant=member, embedding=embedding_of("obama3.jpg").tobytes(), registry_distance=0.3
    )
    return member


@pytest.fixture
def locked(enrolled: Participant) -> Participant:
    for _ in range(3):
        submit(enrolled, STATIC)
    assert face_status(participant=enrolled).locked
    return enrolled


@pytest.fixture
def verifier():
    return staff_user("ver", role="Verifikator")


def everything(check: DeskCheck) -> Checklist:
    return Checklist(ektp_shown=True, answered=tuple(check.questions), live_face_compared=True)


def messages_to_member() -> list[str]:
    return list(OutboundMessage.objects.filter(to=PHONE).values_list("body", flat=True))


# --- the desk --------------------------------------------------------------------------------


def test_the_questions_come_from_the_members_own_records(member) -> None:
    check_codes = ["employer", "kpj_last4", "first_contribution_year", "membership_start"]
    asked = {q.code: q.answer for q in desk_questions(participant=member, codes=check_codes)}
    assert asked == {
        "employer": "PT Sawit Amuntai",
        "kpj_last4": "8901",
        "first_contribution_year": "2015",
        "membership_start": "03/2015",
    }


def test_an_unlock_before_the_booked_time_is_refused_by_the_service(locked, verifier) -> None:
    booking = appointments.unlock_book(participant=locked, starts_at=_video_seats(seats=1)[0])
    check = desk_check_start(participant=locked, officer=verifier, booking=booking)
    assert len(check.questions) == 3
    with pytest.raises(UnlockRefused) as early:
        desk_unlock(check=check, officer=verifier, checklist=everything(check), note="Cocok")
    assert early.value.code == "too_early"
    assert face_status(participant=locked).locked
    at_the_call = booking.starts_at + timedelta(minutes=2)
    desk_unlock(
        check=check, officer=verifier, checklist=everything(check), note="Cocok", now=at_the_call
    )
    status = face_status(participant=locked)
    assert not status.locked and status.failures_left == 3  # the member may retry at once
    booking.refresh_from_db()
    assert (booking.status, booking.officer) == (UnlockBooking.Status.DONE, verifier)
    check.refresh_from_db()
    assert (check.status, check.ektp_shown, check.live_face_compared) == ("unlocked", True, True)
    unlocked = FaceEvent.objects.get(participant=locked, kind="unlocked")
    assert (unlocked.actor, unlocked.acting_user, unlocked.data["method"]) == (
        "officer",
        verifier,
        "video_call",
    )
    trail = AuditEntry.objects.filter(action__startswith="face.").values_list("action", flat=True)
    assert {"face.desk_check_started", "face.unlocked"} <= set(trail)
    entry = AuditEntry.objects.filter(action="face.unlocked").latest("pk")
    assert entry.after["checklist"]["ektp_shown"] is True
    assert any("terbuka" in body or "open" in body for body in messages_to_member())


@pytest.mark.parametrize("missing", ["ektp_shown", "a question", "live_face_compared"])
def test_an_unlock_without_every_checklist_item_is_refused(locked, verifier, missing) -> None:
    check = desk_check_start(participant=locked, officer=verifier)  # a walk-in
    questions = tuple(check.questions)
    checklist = Checklist(
        ektp_shown=missing != "ektp_shown",
        answered=questions[1:] if missing == "a question" else questions,
        live_face_compared=missing != "live_face_compared",
    )
    with pytest.raises(UnlockRefused) as refused:
        desk_unlock(check=check, officer=verifier, checklist=checklist, note="Cek")
    assert refused.value.code == "checklist_incomplete"
    assert face_status(participant=locked).locked
    assert not FaceEvent.objects.filter(participant=locked, kind="unlocked").exists()


def test_a_walk_in_is_recorded_as_such_and_frees_a_booked_call(locked, verifier) -> None:
    booking = appointments.unlock_book(participant=locked, starts_at=_video_seats(seats=1)[0])
    check = desk_check_start(participant=locked, officer=verifier)  # at the counter, no booking
    assert desk_check_start(participant=locked, officer=verifier) == check  # double click
    assert (check.method, check.walk_in) == ("counter", True)
    # No booked time to wait for: the member stands at the counter now.
    desk_unlock(check=check, officer=verifier, checklist=everything(check), note="Loket MPP")
    assert not face_status(participant=locked).locked
    booking.refresh_from_db()
    assert booking.status == UnlockBooking.Status.CANCELLED
    started = FaceEvent.objects.get(participant=locked, kind="desk_check_started")
    assert started.data == {"method": "counter", "walk_in": True}


def test_a_refusal_keeps_the_lock_ends_the_booking_and_tells_the_member_why(
    locked, verifier
) -> None:
    booking = appointments.unlock_book(participant=locked, starts_at=_video_seats(seats=1)[0])
    check = desk_check_start(participant=locked, officer=verifier, booking=booking)
    partial = Checklist(ektp_shown=True, answered=(), live_face_compared=True)
    with pytest.raises(UnlockRefused) as unknown:
        desk_refuse(
            check=check, officer=verifier, reason="bad", checklist=partial, now=booking.starts_at
        )
    assert unknown.value.code == "reason_unknown"
    desk_refuse(
        check=check,
        officer=verifier,
        reason="answers_wrong",
        checklist=partial,
        note="Tidak tahu nama perusahaan",
        now=booking.starts_at,
    )
    assert face_status(participant=locked).locked
    booking.refresh_from_db()
    assert booking.status == UnlockBooking.Status.DECLINED
    assert desk_refusal_latest(participant=locked).reason == "answers_wrong"
    refused = FaceEvent.objects.get(participant=locked, kind="unlock_refused")
    assert (refused.acting_user, refused.data["reason_code"]) == (verifier, "answers_wrong")
    assert AuditEntry.objects.filter(action="face.unlock_refused").exists()
    assert len(messages_to_member()) == 1
    # A decided check cannot be decided again (a second tab, a double click).
    with pytest.raises(UnlockRefused) as closed:
        desk_unlock(check=check, officer=verifier, checklist=everything(check), note="x")
    assert closed.value.code == "check_closed"


@pytest.mark.parametrize("role", ["Petugas loket", "Auditor"])
def test_a_counter_officer_or_an_auditor_cannot_unlock(locked, verifier, role) -> None:
    outsider = staff_user("lain", role=role)
    with pytest.raises(UnlockRefused) as refused:
        desk_check_start(participant=locked, officer=outsider)
    assert refused.value.code == "forbidden"
    check = desk_check_start(participant=locked, officer=verifier)
    for act in (
        lambda: desk_unlock(check=check, officer=outsider, checklist=everything(check), note="x"),
        lambda: desk_refuse(
            check=check, officer=outsider, reason="no_show", checklist=everything(check)
        ),
    ):
        with pytest.raises(UnlockRefused) as refused:
            act()
        assert refused.value.code == "forbidden"
    assert face_status(participant=locked).locked


def test_only_a_locked_member_is_checked(enrolled, verifier) -> None:
    with pytest.raises(UnlockRefused) as refused:
        desk_check_start(participant=enrolled, officer=verifier)
    assert refused.value.code == "not_locked"


# --- the review band ---------------------------------------------------------------------


@pytest.fixture
def borderline(enrolled, settings) -> FaceReview:
    """A claim face check between the match and the reject distance."""
    distance = submit(enrolled, LIVE).distance
    FaceAttempt.objects.all().delete()  # the calibration pass is not the member's
    settings.CAIRKAN_FACE_MATCH = {"match": distance - 0.02, "review": distance + 0.02}
    submit(enrolled, STATIC)  # one counted failure before
    verdict = submit(enrolled, LIVE)
    assert (verdict.outcome, verdict.counted) == ("review", False)
    return FaceReview.objects.get(participant=enrolled)


def test_a_borderline_result_waits_for_a_verifier_with_its_frame(borderline, enrolled) -> None:
    assert borderline.status == "pending" and len(bytes(borderline.frame)) > 1000
    # Never retried around: the face step waits for the verifier.
    with pytest.raises(FaceReviewPending):
        challenge_issue(participant=enrolled, purpose="claim")
    assert not claim_face_passed(
        participant=enrolled, now=timezone.now(), valid_for=timedelta(minutes=15)
    )


def test_an_accepted_borderline_result_is_a_pass(borderline, enrolled, verifier) -> None:
    face_review_accept(review=borderline, officer=verifier, note="Sama dengan foto KTP")
    borderline.refresh_from_db()
    assert borderline.status == "accepted" and bytes(borderline.frame) == b""
    step = FaceStep.objects.get(participant=enrolled)
    assert step.counted_failures == 0
    assert claim_face_passed(
        participant=enrolled, now=timezone.now() + timedelta(hours=3), valid_for=timedelta(0)
    )
    challenge_issue(participant=enrolled, purpose="claim")  # the step goes on
    assert FaceEvent.objects.filter(participant=enrolled, kind="review_accepted").exists()
    assert AuditEntry.objects.filter(action="face.review_accepted").exists()
    with pytest.raises(UnlockRefused) as twice:
        face_review_refuse(review=borderline, officer=verifier, reason="face_differs")
    assert twice.value.code == "review_decided"


def test_a_refused_borderline_result_counts_and_the_member_is_told(
    borderline, enrolled, verifier
) -> None:
    face_review_refuse(review=borderline, officer=verifier, reason="face_differs", note="Beda")
    borderline.refresh_from_db()
    assert borderline.status == "refused" and bytes(borderline.frame) == b""
    assert FaceAttempt.objects.get(pk=borderline.attempt_id).counted
    assert FaceStep.objects.get(participant=enrolled).counted_failures == 2
    assert face_status(participant=enrolled).failures_left == 1
    assert not claim_face_passed(
        participant=enrolled, now=timezone.now(), valid_for=timedelta(minutes=15)
    )
    assert len(messages_to_member()) == 1
    challenge_issue(participant=enrolled, purpose="claim")  # may try again, one try left


def test_a_refusal_on_the_last_try_locks_the_face_step(borderline, enrolled, verifier) -> None:
    FaceStep.objects.filter(participant=enrolled).update(counted_failures=2)
    face_review_refuse(review=borderline, officer=verifier, reason="photo_unclear")
    assert face_status(participant=enrolled).locked
    locked = FaceEvent.objects.get(participant=enrolled, kind="locked")
    assert locked.actor == "system"


@pytest.mark.parametrize("role", ["Petugas loket", "Auditor"])
def test_only_a_verifier_decides_a_borderline_result(borderline, role) -> None:
    outsider = staff_user("lain", role=role)
    for act in (
        lambda: face_review_accept(review=borderline, officer=outsider),
        lambda: face_review_refuse(review=borderline, officer=outsider, reason="face_differs"),
    ):
        with pytest.raises(UnlockRefused):
            act()
    borderline.refresh_from_db()
    assert borderline.status == "pending"
