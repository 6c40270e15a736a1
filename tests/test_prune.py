from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cairkan.accounts.models import OneTimeCode, ThrottleEvent
from cairkan.biometrics.models import FaceAttempt, LivenessChallenge
from cairkan.members.models import Participant

pytestmark = pytest.mark.django_db


def test_prune_keeps_what_still_matters_and_the_audit_trail() -> None:
    now = timezone.now()
    old, fresh = now - timedelta(days=2), now + timedelta(minutes=5)
    member = Participant.objects.create(
        nik="6308055204890001",
        full_name="Siti",
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Aminah",
    )
    ThrottleEvent.objects.create(scope="login_account", key="a", at=old)
    ThrottleEvent.objects.create(scope="login_account", key="b", at=now)
    OneTimeCode.objects.create(purpose="contact", destination="x", code_hash="h", expires_at=old)
    OneTimeCode.objects.create(purpose="contact", destination="y", code_hash="h", expires_at=fresh)
    unused = LivenessChallenge.objects.create(
        participant=member, purpose="claim", steps=["turn_left"], expires_at=old
    )
    audited = LivenessChallenge.objects.create(
        participant=member, purpose="claim", steps=["turn_left"], expires_at=old
    )
    FaceAttempt.objects.create(
        participant=member, challenge=audited, purpose="claim", outcome="retake"
    )
    out = StringIO()
    call_command("prune", stdout=out)
    assert "1 login-limit records, 1 one-time codes, 1 unused challenges" in out.getvalue()
    assert list(ThrottleEvent.objects.values_list("key", flat=True)) == ["b"]
    assert list(OneTimeCode.objects.values_list("destination", flat=True)) == ["y"]
    assert not LivenessChallenge.objects.filter(pk=unused.pk).exists()
    assert LivenessChallenge.objects.filter(pk=audited.pk).exists()
