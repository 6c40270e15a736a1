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
    # Video calls to open a locked step take their seats from the officers' calendar
    # (claims.AppointmentCapacity), published per day and desk, not from this policy.


def policy() -> Policy:
    raw = dict(settings.CAIRKAN_FACE_POLICY)
    for name in ("cooling_off", "challenge_ttl", "prompt_min"):
        if name in raw and not isinstance(raw[name], timedelta):
            raw[name] = timedelta(seconds=float(raw[name]))
    for retired in ("video_slot_minutes", "video_slot_capacity", "video_hours"):
        raw.pop(retired, None)  # an older setting: the calendar publishes these now
    return Policy(**raw)
