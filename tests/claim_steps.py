"""What a claim needs before it is filed, made for tests: readable documents uploaded
through the same service the pages use, and a passed face check."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from django.utils import timezone
from PIL import Image, ImageDraw

from cairkan.biometrics.models import FaceAttempt, LivenessChallenge
from cairkan.claims.documents import upload_whole
from cairkan.claims.drafts import draft_for
from cairkan.claims.models import DocumentUpload
from cairkan.jht.variables.documents import DOCUMENTS
from cairkan.members.models import Participant


def letter_photo(width: int = 900, height: int = 1200) -> bytes:
    """A photographed letter: a white page with lines of "text", large enough to read."""
    page = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(page)
    for y in range(80, height - 80, 40):
        pen.line((60, y, width - 60, y), fill="black", width=3)
    out = io.BytesIO()
    page.save(out, "JPEG", quality=80)
    return out.getvalue()


def required_for(reason: str, npwp: bool = False) -> list[str]:
    """The documents of ``reason``, and the NPWP card for a balance above its threshold."""
    codes = [
        code for code, (reasons, _) in DOCUMENTS.items() if reason in {r.name for r in reasons}
    ]
    return [*codes, "npwp"] if npwp else codes


def upload_documents(
    participant: Participant, reason: str, npwp: bool = False
) -> list[DocumentUpload]:
    """Every document ``reason`` needs, uploaded to the member's draft."""
    draft = draft_for(participant=participant)
    photo = letter_photo()
    uploads = [
        upload_whole(draft=draft, kind=kind, filename=f"{kind}.jpg", data=photo)
        for kind in required_for(reason, npwp)
    ]
    assert all(u.state == DocumentUpload.State.COMPLETE for u in uploads), uploads
    return uploads


def face_check_passed(participant: Participant, at: datetime | None = None) -> FaceAttempt:
    """A passed claim face check, as the face step records it (the check itself is tested
    with real photos in test_face_policy and tests/browser)."""
    at = at or timezone.now()
    challenge = LivenessChallenge.objects.create(
        participant=participant,
        purpose="claim",
        steps=["turn_left"],
        expires_at=at + timedelta(minutes=2),
    )
    return FaceAttempt.objects.create(
        participant=participant, challenge=challenge, purpose="claim", outcome="passed"
    )
