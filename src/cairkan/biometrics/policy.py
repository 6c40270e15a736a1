"""The attempt policy, as settings (CAIRKAN_FACE_POLICY)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings


@dataclass(frozen=True, slots=True)
class Policy:
    max_failures: int = 3  # counted failures before the face step locks
    cooling_off: timedelta = timedelta(hours=24)  # then one new round without travel
    self_unlocks: int = 1  # new rounds a member may open alone before an officer must
    challenge_ttl: timedelta = timedelta(minutes=2)
    challenge_steps: int = 2
    # A prompt's frames are refused until this long after it was shown: a person needs a
    # moment to read it and move; a script answering at once did not wait for it.
    prompt_min: timedelta = timedelta(seconds=1)
    video_slot_minutes: int = 30
    video_slot_capacity: int = 2  # officers free per slot
    video_hours: tuple[int, int] = (8, 15)  # first and last start hour, local time


def policy() -> Policy:
    raw = dict(settings.CAIRKAN_FACE_POLICY)
    for name in ("cooling_off", "challenge_ttl", "prompt_min"):
        if name in raw and not isinstance(raw[name], timedelta):
            raw[name] = timedelta(seconds=float(raw[name]))
    if "video_hours" in raw:
        raw["video_hours"] = tuple(raw["video_hours"])
    return Policy(**raw)
