"""The attempt policy with the real engine: what counts, the lock, the unlock paths,
single-use challenges and concurrent submissions."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection
from django.utils import timezone
from PIL import Image, ImageEnhance

from cairkan.biometrics import runtime, services
from cairkan.biometrics.engine import decode_image
from cairkan.biometrics.engine.matching import reference_embedding
from cairkan.biometrics.models import (
    FaceAttempt,
    FaceEnrolment,
    FaceEvent,
    FaceStep,
    LivenessChallenge,
    UnlockBooking,
)
from cairkan.biometrics.services import (
    ChallengeInvalid,
    FaceStepLocked,
    UnlockRefused,
    challenge_issue,
    enrolment_submit,
    face_status,
    unlock_after_cooling_off,
    unlock_booking_create,
    unlock_by_officer,
    verification_submit,
    video_slots,
)
from cairkan.members.models import Participant

FACES = Path(__file__).parent / "fixtures" / "faces"


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def raw(name: str) -> bytes:
    return (FACES / name).read_bytes()


def flipped(name: str) -> bytes:
    return jpeg(Image.open(FACES / name).transpose(Image.Transpose.FLIP_LEFT_RIGHT))


LIVE = [raw("obama.jpg"), flipped("obama2.jpg"), raw("obama2.jpg")]  # turn left, then right
STATIC = [raw("obama.jpg")] * 3  # a photo held to the camera
DARK = [jpeg(ImageEnhance.Brightness(Image.open(FACES / "obama.jpg")).enhance(0.2))] * 3


def embedding_of(name: str) -> np.ndarray:
    return reference_embedding(runtime.engine(), decode_image(raw(name)))


@pytest.fixture
def member(db) -> Participant:
    return Participant.objects.create(
        nik="6308055204890001",
        full_name="Siti Rahmah",
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Aminah",
    )


@pytest.fixture
def enrolled(member: Participant) -> Participant:
    # Enrolled from another photo than the probes, as a real enrolment would be.
    FaceEnrolment.objects.create(
        participant=member, embedding=embedding_of("obama3.jpg").tobytes(), registry_distance=0.3
    )
    return member


def challenge(participant: Participant, steps=("turn_left", "turn_right")) -> LivenessChallenge:
    issued = challenge_issue(participant=participant, purpose="claim")
    LivenessChallenge.objects.filter(pk=issued.pk).update(steps=list(steps))
    return issued


def submit(participant: Participant, frames: list[bytes], **kwargs):
    return verification_submit(
        participant=participant, challenge_id=challenge(participant).pk, frames=frames, **kwargs
    )


def test_enrolment_keeps_the_live_capture_that_matches_the_registry(member) -> None:
    issued = challenge(member)
    verdict = enrolment_submit(
        participant=member,
        challenge_id=issued.pk,
        frames=LIVE,
        registry_reference=embedding_of("obama2.jpg"),
    )
    assert (verdict.outcome, verdict.counted) == ("passed", False)
    enrolment = FaceEnrolment.objects.get(participant=member)
    assert enrolment.vector.shape == (128,)
    assert 0 < enrolment.registry_distance < 0.5
    assert FaceEvent.objects.filter(participant=member, kind="enrolled").count() == 1


def test_an_enrolment_is_kept_only_with_its_event(member, monkeypatch) -> None:
    real_event = services._event

    def failing_event(participant, kind, *args, **kwargs):
        if kind == FaceEvent.Kind.ENROLLED:
            raise DatabaseError("disk full")
        return real_event(participant, kind, *args, **kwargs)

    monkeypatch.setattr(services, "_event", failing_event)
    with pytest.raises(DatabaseError):
        enrolment_submit(
            participant=member,
            challenge_id=challenge(member).pk,
            frames=LIVE,
            registry_reference=embedding_of("obama2.jpg"),
        )
    assert not FaceEnrolment.objects.filter(participant=member).exists()


def test_a_poor_capture_is_coached_and_never_counted(enrolled) -> None:
    for _ in range(5):
        verdict = submit(enrolled, DARK)
        assert (verdict.outcome, verdict.quality, verdict.counted) == (
            "retake",
            ("too_dark",),
            False,
        )
    assert face_status(participant=enrolled).failures_left == 3
    assert not face_status(participant=enrolled).locked


def test_three_counted_failures_lock_the_face_step_only(enrolled) -> None:
    left = [submit(enrolled, STATIC).failures_left for _ in range(3)]
    assert left == [2, 1, 0]
    status = face_status(participant=enrolled)
    assert status.locked and status.failures_left == 0
    assert status.cooling_off_until is not None and not status.self_unlock_available
    with pytest.raises(FaceStepLocked):
        challenge_issue(participant=enrolled, purpose="claim")
    attempts = FaceAttempt.objects.filter(participant=enrolled)
    assert [a.outcome for a in attempts] == ["failed_liveness"] * 3
    assert all(a.counted and a.liveness_reason == "challenge_not_met" for a in attempts)
    locked = FaceEvent.objects.get(participant=enrolled, kind="locked")
    assert (locked.actor, locked.reason) == ("system", "3 counted failures")


def test_someone_else_live_is_a_counted_match_failure(member) -> None:
    FaceEnrolment.objects.create(
        participant=member, embedding=embedding_of("biden.jpg").tobytes(), registry_distance=0.3
    )
    verdict = submit(member, LIVE)
    assert (verdict.outcome, verdict.counted, verdict.failures_left) == ("failed_match", True, 2)
    assert verdict.distance is not None and verdict.distance > 0.6


def test_a_borderline_match_goes_to_an_officer_not_counted(enrolled, settings) -> None:
    first = submit(enrolled, LIVE)
    distance = first.distance  # the genuine distance, passed
    assert distance is not None and distance > 0.1
    settings.CAIRKAN_FACE_MATCH = {"match": distance - 0.02, "review": distance + 0.02}
    verdict = submit(enrolled, LIVE)
    assert (verdict.outcome, verdict.counted) == ("review", False)
    assert FaceEvent.objects.filter(participant=enrolled, kind="review_requested").exists()


def test_passing_clears_earlier_failures(enrolled) -> None:
    submit(enrolled, STATIC)
    assert submit(enrolled, LIVE).failures_left == 3


def test_a_challenge_is_used_once_and_expires(enrolled) -> None:
    issued = challenge(enrolled)
    verification_submit(participant=enrolled, challenge_id=issued.pk, frames=STATIC)
    with pytest.raises(ChallengeInvalid) as used:
        verification_submit(participant=enrolled, challenge_id=issued.pk, frames=STATIC)
    assert used.value.code == "challenge_used"
    stale = challenge(enrolled)
    LivenessChallenge.objects.filter(pk=stale.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ChallengeInvalid) as expired:
        verification_submit(participant=enrolled, challenge_id=stale.pk, frames=STATIC)
    assert expired.value.code == "challenge_expired"
    assert FaceAttempt.objects.filter(participant=enrolled).count() == 1
    assert FaceStep.objects.get(participant=enrolled).counted_failures == 1


def lock(participant: Participant) -> None:
    for _ in range(3):
        submit(participant, STATIC)


def test_cooling_off_opens_one_new_round_then_an_officer_must(enrolled) -> None:
    lock(enrolled)
    with pytest.raises(UnlockRefused) as early:
        unlock_after_cooling_off(participant=enrolled)
    assert early.value.code == "cooling_off_not_over"
    FaceStep.objects.filter(participant=enrolled).update(
        locked_at=timezone.now() - timedelta(hours=25)
    )
    assert face_status(participant=enrolled).self_unlock_available
    unlock_after_cooling_off(participant=enrolled)
    assert not face_status(participant=enrolled).locked
    assert face_status(participant=enrolled).failures_left == 3

    lock(enrolled)
    FaceStep.objects.filter(participant=enrolled).update(
        locked_at=timezone.now() - timedelta(hours=25)
    )
    assert not face_status(participant=enrolled).self_unlock_available
    with pytest.raises(UnlockRefused) as used:
        unlock_after_cooling_off(participant=enrolled)
    assert used.value.code == "self_unlock_used"

    slot = video_slots()[0]
    booking = unlock_booking_create(participant=enrolled, starts_at=slot)
    assert unlock_booking_create(participant=enrolled, starts_at=slot) == booking  # double tap
    officer = get_user_model().objects.create_user("petugas", password="x", is_staff=True)
    with pytest.raises(UnlockRefused) as no_note:
        unlock_by_officer(participant=enrolled, officer=officer, method="video_call", note=" ")
    assert no_note.value.code == "note_required"
    unlock_by_officer(
        participant=enrolled,
        officer=officer,
        method="video_call",
        note="Video call: e-KTP shown, face matches",
    )
    booking.refresh_from_db()
    assert (booking.status, booking.officer) == ("done", officer)
    assert not face_status(participant=enrolled).locked
    unlocked = FaceEvent.objects.filter(participant=enrolled, kind="unlocked")
    assert [(e.actor, e.data["method"]) for e in unlocked] == [
        ("member", "cooling_off"),
        ("officer", "video_call"),
    ]
    assert unlocked.last().acting_user == officer


def test_video_slots_are_working_days_and_respect_capacity(enrolled, settings) -> None:
    settings.CAIRKAN_FACE_POLICY = {"video_slot_capacity": 1}
    slots = video_slots()
    assert all(timezone.localtime(s).weekday() < 5 for s in slots)
    assert {timezone.localtime(s).hour for s in slots} == set(range(8, 16))
    lock(enrolled)
    unlock_booking_create(participant=enrolled, starts_at=slots[0])
    assert slots[0] not in video_slots()
    with pytest.raises(UnlockRefused) as not_offered:
        UnlockBooking.objects.all().delete()
        unlock_booking_create(participant=enrolled, starts_at=slots[0].replace(minute=7))
    assert not_offered.value.code == "slot_unavailable"


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_are_all_counted_and_never_past_the_lock(member) -> None:
    # The race is only real where writers queue on a lock (a SQLite file or PostgreSQL);
    # shared-cache in-memory SQLite would fail them at once (settings_test).
    assert "memorydb" not in str(connection.settings_dict["NAME"])
    FaceEnrolment.objects.create(
        participant=member, embedding=embedding_of("obama.jpg").tobytes(), registry_distance=0.3
    )
    challenges = [challenge(member).pk for _ in range(5)]
    outcomes: list[str] = []
    guard = threading.Lock()

    def attempt(challenge_id) -> None:
        try:
            verification_submit(participant=member, challenge_id=challenge_id, frames=STATIC)
            result = "counted"
        except FaceStepLocked:
            result = "refused"
        finally:
            connection.close()
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(pk,)) for pk in challenges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["counted"] * 3 + ["refused"] * 2
    step = FaceStep.objects.get(participant=member)
    assert step.counted_failures == 3 and step.locked_at is not None
    assert FaceAttempt.objects.filter(participant=member, counted=True).count() == 3
    assert FaceEvent.objects.filter(participant=member, kind="locked").count() == 1
