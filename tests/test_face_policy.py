"""The attempt policy with the real engine: what counts, the lock, the unlock paths,
single-use challenges and concurrent submissions."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from django.db import DatabaseError, connection
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageEnhance

from cairkan.biometrics import runtime, services
from cairkan.biometrics.engine import decode_image
from cairkan.biometrics.engine.matching import reference_embedding
from cairkan.biometrics.models import (
    ChallengeFrame,
    ChallengePrompt,
    FaceAttempt,
    FaceEnrolment,
    FaceEvent,
    FaceStep,
    LivenessChallenge,
    UnlockBooking,
)
from cairkan.biometrics.services import (
    ChallengeInvalid,
    Checklist,
    FaceStepLocked,
    InvalidCapture,
    UnlockRefused,
    Verdict,
    challenge_issue,
    challenge_prompt,
    desk_check_start,
    desk_unlock,
    enrolment_submit,
    face_status,
    prompt_answer,
    unlock_after_cooling_off,
    verification_submit,
)
from cairkan.claims import appointments
from cairkan.members.models import Participant
from staff_users import staff_user

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


def a_moment_later(challenge_id) -> None:
    """As if the member took a few seconds to follow the prompt on the screen."""
    ChallengePrompt.objects.filter(challenge_id=challenge_id).update(
        revealed_at=F("revealed_at") - timedelta(seconds=5)
    )


def prompt_by_prompt(
    participant: Participant, challenge_id, frames: list, submit=verification_submit, **kwargs
) -> Verdict:
    """Answer each prompt as it is revealed: ``frames`` holds one frame (or a list of
    frames) per prompt, looking straight first; the last prompt brings the verdict."""
    groups = [f if isinstance(f, list) else [f] for f in frames]
    prompt = challenge_prompt(challenge=LivenessChallenge.objects.get(pk=challenge_id))
    for group in groups[:-1]:
        a_moment_later(challenge_id)
        prompt = prompt_answer(
            participant=participant,
            challenge_id=challenge_id,
            index=prompt.index,
            nonce=prompt.nonce,
            frames=group,
        )
    a_moment_later(challenge_id)
    return submit(
        participant=participant,
        challenge_id=challenge_id,
        index=prompt.index,
        nonce=prompt.nonce,
        frames=groups[-1],
        **kwargs,
    )


def submit(participant: Participant, frames: list[bytes], **kwargs) -> Verdict:
    return prompt_by_prompt(participant, challenge(participant).pk, frames, **kwargs)


def test_enrolment_keeps_the_live_capture_that_matches_the_registry(member) -> None:
    issued = challenge(member)
    verdict = prompt_by_prompt(
        member,
        issued.pk,
        LIVE,
        submit=enrolment_submit,
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
        prompt_by_prompt(
            member,
            challenge(member).pk,
            LIVE,
            submit=enrolment_submit,
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
    last = ChallengePrompt.objects.filter(challenge=issued)
    prompt_by_prompt(enrolled, issued.pk, STATIC)
    final = last.latest("index")
    with pytest.raises(ChallengeInvalid) as used:
        verification_submit(
            participant=enrolled,
            challenge_id=issued.pk,
            index=final.index,
            nonce=final.nonce,
            frames=STATIC[:1],
        )
    assert used.value.code == "challenge_used"
    stale = challenge(enrolled)
    LivenessChallenge.objects.filter(pk=stale.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ChallengeInvalid) as expired:
        prompt_by_prompt(enrolled, stale.pk, STATIC)
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

    slot = _video_seats(seats=2)[0]
    booking = appointments.unlock_book(participant=enrolled, starts_at=slot)
    assert appointments.unlock_book(participant=enrolled, starts_at=slot) == booking  # double tap
    officer = staff_user("petugas", role="Verifikator")
    check = desk_check_start(participant=enrolled, officer=officer, booking=booking)
    everything = Checklist(ektp_shown=True, answered=(), live_face_compared=True)
    with pytest.raises(UnlockRefused) as no_note:
        desk_unlock(
            check=check, officer=officer, checklist=everything, note=" ", now=booking.starts_at
        )
    assert no_note.value.code == "note_required"
    desk_unlock(
        check=check,
        officer=officer,
        checklist=everything,
        note="Video call: e-KTP shown, face matches",
        now=booking.starts_at,
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


def test_a_call_booked_before_the_cooling_off_opened_the_step_is_cancelled(enrolled) -> None:
    """The member booked a call, then the waiting time opened the step: the call's seat
    goes back to the calendar (an officer's check at that time would find nothing
    locked)."""
    lock(enrolled)
    slot = _video_seats(seats=1)[0]
    booking = appointments.unlock_book(participant=enrolled, starts_at=slot)
    assert slot not in {s.starts_at for s in appointments.free_slots(kind="video")}
    unlock_after_cooling_off(participant=enrolled, now=timezone.now() + timedelta(hours=25))
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert slot in {s.starts_at for s in appointments.free_slots(kind="video")}


def _video_seats(*, seats: int) -> list:
    """The video desk's published starts over the next working days (the one calendar)."""
    appointments.publish_capacity(
        first_day=timezone.localdate() + timedelta(days=1),
        working_days=5,
        kind="video",
        hours=(8, 15),
        seats=seats,
    )
    return [s.starts_at for s in appointments.free_slots(kind="video")]


def test_video_calls_take_seats_from_the_officers_calendar(enrolled) -> None:
    slots = _video_seats(seats=1)
    assert all(timezone.localtime(s).weekday() < 5 for s in slots)
    assert {timezone.localtime(s).hour for s in slots} == set(range(8, 16))
    with pytest.raises(UnlockRefused) as not_locked:
        appointments.unlock_book(participant=enrolled, starts_at=slots[0])
    assert not_locked.value.code == "not_locked"
    lock(enrolled)
    booking = appointments.unlock_book(participant=enrolled, starts_at=slots[0])
    assert booking.capacity.desk.kind == "video"
    assert slots[0] not in [s.starts_at for s in appointments.free_slots(kind="video")]
    with pytest.raises(UnlockRefused) as not_offered:
        UnlockBooking.objects.all().delete()
        appointments.unlock_book(participant=enrolled, starts_at=slots[0].replace(minute=7))
    assert not_offered.value.code == "slot_unavailable"


@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_are_all_counted_and_never_past_the_lock(member) -> None:
    # The race is only real where writers queue on a lock (a SQLite file or PostgreSQL);
    # shared-cache in-memory SQLite would fail them at once (settings_test).
    assert "memorydb" not in str(connection.settings_dict["NAME"])
    FaceEnrolment.objects.create(
        participant=member, embedding=embedding_of("obama.jpg").tobytes(), registry_distance=0.3
    )
    last_prompts = []
    for _ in range(5):  # every capture answered up to its last prompt
        issued = challenge(member).pk
        a_moment_later(issued)
        for index in range(2):
            prompt = ChallengePrompt.objects.get(challenge_id=issued, index=index)
            prompt_answer(
                participant=member,
                challenge_id=issued,
                index=index,
                nonce=prompt.nonce,
                frames=STATIC[:1],
            )
            a_moment_later(issued)
        last_prompts.append(ChallengePrompt.objects.get(challenge_id=issued, index=2))
    outcomes: list[str] = []
    guard = threading.Lock()

    def attempt(last: ChallengePrompt) -> None:
        try:
            verification_submit(
                participant=member,
                challenge_id=last.challenge_id,
                index=last.index,
                nonce=last.nonce,
                frames=STATIC[:1],
            )
            result = "counted"
        except FaceStepLocked:
            result = "refused"
        finally:
            connection.close()
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(last,)) for last in last_prompts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["counted"] * 3 + ["refused"] * 2
    step = FaceStep.objects.get(participant=member)
    assert step.counted_failures == 3 and step.locked_at is not None
    assert FaceAttempt.objects.filter(participant=member, counted=True).count() == 3
    assert FaceEvent.objects.filter(participant=member, kind="locked").count() == 1


# --- issue 9 M6: the capture follows the prompts as they are revealed ----------------------

LEFT, RIGHT, FRONT = flipped("obama2.jpg"), raw("obama2.jpg"), raw("obama.jpg")


def closer_frame() -> bytes:
    image = Image.open(FACES / "obama.jpg")
    w, h = image.size
    cw, ch = int(w / 1.4), int(h / 1.4)
    box = ((w - cw) // 2, (h - ch) // 3, (w - cw) // 2 + cw, (h - ch) // 3 + ch)
    return jpeg(image.crop(box).resize((w, h)))


def test_one_fixed_capture_passes_no_random_challenge(enrolled, settings) -> None:
    """The attack of issue 9: the same frames whatever the prompt (frontal, left, right,
    closer) sent to six random challenges; reading each prompt passes at once."""
    settings.CAIRKAN_FACE_POLICY = {"max_failures": 100}
    closer = closer_frame()
    fixed = [LEFT, RIGHT, closer, LEFT]  # all a prompt may bring (MAX_PROMPT_FRAMES)
    outcomes = []
    for _ in range(6):
        issued = challenge_issue(participant=enrolled, purpose="claim")  # random steps
        verdict = prompt_by_prompt(enrolled, issued.pk, [FRONT, fixed, fixed])
        outcomes.append((verdict.outcome, verdict.liveness_reason))
    assert outcomes == [("failed_liveness", "challenge_not_met")] * 6
    pose = {"turn_left": LEFT, "turn_right": RIGHT, "come_closer": closer}
    issued = challenge_issue(participant=enrolled, purpose="claim")
    prompt = challenge_prompt(challenge=issued)
    for _ in issued.steps:  # a person reading each prompt as it comes
        a_moment_later(issued.pk)
        prompt = prompt_answer(
            participant=enrolled,
            challenge_id=issued.pk,
            index=prompt.index,
            nonce=prompt.nonce,
            frames=[FRONT] if prompt.code == "front" else [pose[prompt.code]],
        )
    a_moment_later(issued.pk)
    verdict = verification_submit(
        participant=enrolled,
        challenge_id=issued.pk,
        index=prompt.index,
        nonce=prompt.nonce,
        frames=[pose[prompt.code]],
    )
    assert verdict.outcome == "passed"


def test_a_prompt_is_revealed_only_after_the_one_before_is_answered(enrolled) -> None:
    issued = challenge(enrolled)
    prompts = ChallengePrompt.objects.filter(challenge=issued)
    assert [(p.index, p.code) for p in prompts] == [(0, "front")]  # the steps stay secret
    first = prompts.get()
    # Frames for a step not yet shown, with a guessed or another prompt's nonce: refused.
    for index, nonce in [(1, first.nonce), (0, "guessed"), (2, "")]:
        with pytest.raises(ChallengeInvalid) as refused:
            prompt_answer(
                participant=enrolled,
                challenge_id=issued.pk,
                index=index,
                nonce=nonce,
                frames=[FRONT],
            )
        assert refused.value.code == "prompt_not_shown"
    # Frames sent the moment the prompt appeared were not taken after reading it.
    with pytest.raises(ChallengeInvalid) as hurried:
        prompt_answer(
            participant=enrolled, challenge_id=issued.pk, index=0, nonce=first.nonce, frames=[FRONT]
        )
    assert hurried.value.code == "prompt_too_soon"
    a_moment_later(issued.pk)
    second = prompt_answer(
        participant=enrolled, challenge_id=issued.pk, index=0, nonce=first.nonce, frames=[FRONT]
    )
    assert (second.index, second.code, second.last) == (1, "turn_left", False)
    assert second.nonce != first.nonce
    # Resent (the answer was lost on the way): the same next prompt, frames kept once.
    again = prompt_answer(
        participant=enrolled, challenge_id=issued.pk, index=0, nonce=first.nonce, frames=[FRONT]
    )
    assert again == second
    assert ChallengeFrame.objects.filter(prompt__challenge=issued).count() == 1
    # The last prompt brings the verdict, not another prompt; earlier ones no verdict.
    with pytest.raises(ChallengeInvalid):
        verification_submit(
            participant=enrolled,
            challenge_id=issued.pk,
            index=second.index,
            nonce=second.nonce,
            frames=[LEFT],
        )
    a_moment_later(issued.pk)
    third = prompt_answer(
        participant=enrolled,
        challenge_id=issued.pk,
        index=second.index,
        nonce=second.nonce,
        frames=[FRONT, LEFT],
    )
    assert (third.index, third.code, third.last) == (2, "turn_right", True)
    a_moment_later(issued.pk)
    with pytest.raises(ChallengeInvalid):
        prompt_answer(
            participant=enrolled,
            challenge_id=issued.pk,
            index=third.index,
            nonce=third.nonce,
            frames=[RIGHT],
        )
    verdict = verification_submit(
        participant=enrolled,
        challenge_id=issued.pk,
        index=third.index,
        nonce=third.nonce,
        frames=[RIGHT],
    )
    assert verdict.outcome == "passed"
    # The verdict is kept, the pictures are not.
    assert not ChallengeFrame.objects.filter(prompt__challenge=issued).exists()
    assert all(p.answered_at for p in ChallengePrompt.objects.filter(challenge=issued))


def test_a_prompt_brings_at_most_four_frames(enrolled) -> None:
    issued = challenge(enrolled)
    a_moment_later(issued.pk)
    first = ChallengePrompt.objects.get(challenge=issued)
    with pytest.raises(InvalidCapture) as flood:
        prompt_answer(
            participant=enrolled,
            challenge_id=issued.pk,
            index=0,
            nonce=first.nonce,
            frames=[FRONT] * 5,
        )
    assert flood.value.code == "too_many_frames"
