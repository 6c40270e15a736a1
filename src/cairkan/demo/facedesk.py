"""The face desk's demo (issue 13.2, 13.3), filed with ``seed-demo --day`` as ``make run``
does: two members of the demo branch locked out of the face check (one with a video call
booked, one to be served as a walk-in) and a borderline claim photo waiting in the
verifiers' queue. Recorded through the biometrics service's demo-only path (no camera)
and the ordinary booking service."""

from __future__ import annotations

import contextlib
import io

from django.utils import timezone
from PIL import Image, ImageDraw

from cairkan.biometrics.services import UnlockRefused, face_desk_for_demo
from cairkan.claims.appointments import AppointmentError, free_slots, unlock_book
from cairkan.claims.models import AppointmentKind
from cairkan.demo.personas import PERSONA_KPJ_PREFIX
from cairkan.members.models import Participant

DEMO_REGENCY = "63.08."  # Hulu Sungai Utara: the demo branch (KC Amuntai)


def placeholder_frame() -> bytes:
    """A drawn stand-in for a member's camera frame (no real face ships with Cairkan)."""
    image = Image.new("RGB", (480, 640), (214, 196, 178))
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 140, 360, 460), fill=(190, 150, 120), outline=(90, 60, 40), width=4)
    draw.text((150, 560), "DEMO: no real photo", fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def face_desk_demo() -> list[str]:
    """Names of the members the desk shows (empty when the desk was used already)."""
    members = list(
        Participant.objects.filter(memberships__employer__district_code__startswith=DEMO_REGENCY)
        # The named personas are for the member's journeys: their face step stays open.
        .exclude(memberships__kpj__startswith=PERSONA_KPJ_PREFIX)
        .distinct()
        .order_by("-nik")[:3]
    )
    if len(members) < 3:
        return []
    called, walk_in, borderline = members
    if not face_desk_for_demo(
        locked=[called, walk_in], borderline=borderline, frame=placeholder_frame()
    ):
        return []
    # The call is booked on a later day than today, so the desk's "too early" shows today.
    today = timezone.localdate()
    later = [
        s.starts_at
        for s in free_slots(kind=AppointmentKind.VIDEO)
        if timezone.localdate(s.starts_at) > today
    ]
    with contextlib.suppress(UnlockRefused, AppointmentError, IndexError):  # no seat now
        unlock_book(participant=called, starts_at=later[0])
    return [called.full_name, walk_in.full_name, borderline.full_name]
