"""``prune`` enforces docs/retention.md: records and files past their time go, audit
records stay, and what stays on disk is readable by the service's user only."""

from __future__ import annotations

import os
import stat
from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from cairkan.accounts.models import MemberAccount, OneTimeCode, ThrottleEvent
from cairkan.api.models import ApiToken
from cairkan.biometrics.models import FaceAttempt, LivenessChallenge
from cairkan.claims.models import ClaimDraft, DocumentUpload
from cairkan.members.models import Participant
from cairkan.notifications.models import OutboundMessage
from claim_steps import upload_documents

pytestmark = pytest.mark.django_db


def _member(nik: str = "6308055204890001") -> Participant:
    return Participant.objects.create(
        nik=nik,
        full_name="Siti",
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Aminah",
    )


def _prune() -> str:
    out = StringIO()
    call_command("prune", stdout=out)
    return out.getvalue()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _age(path: Path, days: int) -> None:
    then = (timezone.now() - timedelta(days=days)).timestamp()
    os.utime(path, (then, then))


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_prune_keeps_what_still_matters_and_the_audit_trail() -> None:
    now = timezone.now()
    old, fresh = now - timedelta(days=2), now + timedelta(minutes=5)
    member = _member()
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
    said = _prune()
    for count in ("1 login-limit records", "1 one-time codes", "1 unused challenges"):
        assert count in said
    assert list(ThrottleEvent.objects.values_list("key", flat=True)) == ["b"]
    assert list(OneTimeCode.objects.values_list("destination", flat=True)) == ["y"]
    assert not LivenessChallenge.objects.filter(pk=unused.pk).exists()
    assert LivenessChallenge.objects.filter(pk=audited.pk).exists()


def test_an_abandoned_draft_goes_with_its_documents_and_their_files(media: Path) -> None:
    abandoned, active = _member(), _member("6308055204890002")
    old_files = [media / u.stored.name for u in upload_documents(abandoned, "resignation")]
    new_files = [media / u.stored.name for u in upload_documents(active, "resignation")]
    ClaimDraft.objects.filter(participant=abandoned).update(
        updated_at=timezone.now() - timedelta(days=91)
    )
    for path in old_files:
        _age(path, 91)
    assert "1 abandoned claim drafts" in _prune()
    assert not ClaimDraft.objects.filter(participant=abandoned).exists()
    assert not any(path.exists() for path in old_files)
    assert ClaimDraft.objects.filter(participant=active).exists()
    assert all(path.exists() for path in new_files)
    assert DocumentUpload.objects.count() == len(new_files)


def test_unfinished_uploads_and_their_chunks_go_after_a_week(media: Path) -> None:
    from cairkan.claims.documents import upload_append, upload_start
    from cairkan.claims.drafts import draft_for

    draft = draft_for(participant=_member())
    stale = upload_start(kind="ektp", filename="ektp.jpg", size=1000, draft=draft)
    upload_append(upload=stale, offset=0, chunk=b"x" * 100)
    resuming = upload_start(kind="kpj_card", filename="kpj.jpg", size=1000, draft=draft)
    DocumentUpload.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert "1 unfinished uploads" in _prune()
    assert list(DocumentUpload.objects.values_list("pk", flat=True)) == [resuming.pk]


def test_files_no_record_names_are_deleted_once_past_the_grace(media: Path) -> None:
    kept = upload_documents(_member(), "resignation")[0]
    folder = media / "claim-documents"
    orphan, saving = folder / "orphan.jpg", folder / "being-saved.jpg"
    orphan.write_bytes(b"x")
    saving.write_bytes(b"x")  # written a moment ago: its record may not be committed yet
    _age(orphan, 2)
    assert "1 orphan files" in _prune()
    assert not orphan.exists()
    assert saving.exists() and (media / kept.stored.name).exists()


def test_documents_are_written_and_kept_for_the_service_user_only(media: Path) -> None:
    upload = upload_documents(_member(), "resignation")[0]
    path = media / upload.stored.name
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    # Files written before the modes were set are put right by prune.
    path.chmod(0o644)
    path.parent.chmod(0o755)
    _prune()
    assert (_mode(path), _mode(path.parent), _mode(media)) == (0o600, 0o700, 0o700)


def test_expired_api_tokens_and_sessions_go() -> None:
    user = get_user_model().objects.create_user("siti", password="x")
    account = MemberAccount.objects.create(user=user, participant=_member(), phone="+62811")
    now = timezone.now()
    ApiToken.objects.create(
        account=account, token_hash="old", device_hash="d", expires_at=now - timedelta(days=2)
    )
    ApiToken.objects.create(
        account=account, token_hash="valid", device_hash="d", expires_at=now + timedelta(days=2)
    )
    for key, expires in (("gone", now - timedelta(minutes=1)), ("live", now + timedelta(1))):
        session = SessionStore(session_key=None)
        session.create()
        Session.objects.filter(session_key=session.session_key).update(
            session_key=key, expire_date=expires
        )
    said = _prune()
    assert "1 expired API tokens" in said and "1 expired sessions" in said
    assert list(ApiToken.objects.values_list("token_hash", flat=True)) == ["valid"]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_message_bodies_are_cleared_after_thirty_days_and_the_record_stays() -> None:
    long_ago: datetime = timezone.now() - timedelta(days=31)
    sent = OutboundMessage.objects.create(
        channel="sms", to="+62811", body="Klaim Rp 12.000.000 dibayar", state="sent"
    )
    waiting = OutboundMessage.objects.create(channel="sms", to="+62812", body="antre")
    recent = OutboundMessage.objects.create(channel="sms", to="+62813", body="baru", state="sent")
    OutboundMessage.objects.filter(pk__in=[sent.pk, waiting.pk]).update(created_at=long_ago)
    assert "1 message bodies cleared" in _prune()
    sent.refresh_from_db()
    assert "12.000.000" not in sent.body and sent.to == "+62811" and sent.state == "sent"
    assert OutboundMessage.objects.get(pk=waiting.pk).body == "antre"  # still to be sent
    assert OutboundMessage.objects.get(pk=recent.pk).body == "baru"
    assert "0 message bodies cleared" in _prune()  # cleared once, not again
