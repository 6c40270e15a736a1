"""The face desk's pages as officers use them (/kantor/wajah/): a booked call checked
at its time, a walk-in found by KPJ, the branch scope, and the verifiers' review with
both pictures. The rules behind them are tested in test_face_desk.py."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from backoffice_staff import branches, officer, signed_in
from cairkan.biometrics.models import DeskCheck, FaceReview, UnlockBooking
from cairkan.biometrics.selectors import desk_questions
from cairkan.biometrics.services import face_status
from cairkan.integrations.models import SandboxRegistryRecord
from cairkan.members.models import Participant
from face_desk_objects import borderline_review, locked_step

pytestmark = pytest.mark.django_db

PHOTO = (Path(__file__).parent / "fixtures" / "faces" / "obama3.jpg").read_bytes()


@pytest.fixture
def rina() -> Participant:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))
    person = Participant.objects.get(nik="6308056108979001")
    SandboxRegistryRecord.objects.filter(nik=person.nik).update(photo_jpeg=PHOTO)
    locked_step(person)
    return person


def _checklist(check: DeskCheck) -> dict[str, object]:
    return {
        "ektp_shown": "1",
        "answered": list(check.questions),
        "live_face_compared": "1",
        "note": "e-KTP asli, wajah sama",
    }


def test_a_verifier_opens_a_booked_call_only_at_its_time(rina) -> None:
    amuntai, _other = branches()
    client = signed_in(officer("ver", "Verifikator", posted=amuntai))
    booking = UnlockBooking.objects.create(
        participant=rina, starts_at=timezone.now() + timedelta(hours=1)
    )
    desk = client.get(reverse("backoffice:face_desk")).content.decode()
    assert rina.full_name in desk
    started = client.post(reverse("backoffice:face_check_start"), {"booking": booking.pk})
    check = DeskCheck.objects.get(participant=rina)
    assert started["Location"] == reverse("backoffice:face_check", args=[check.public_id])
    page = client.get(started["Location"]).content.decode()
    assert 'src="data:image/jpeg;base64,' in page  # the registry photo, inline
    asked = desk_questions(participant=rina, codes=check.questions)
    assert len(asked) == 3 and all(escape(q.answer) in page for q in asked)  # on record
    unlock = reverse("backoffice:face_check_unlock", args=[check.public_id])
    early = client.post(unlock, _checklist(check), follow=True).content.decode()
    assert "Waktu yang dijadwalkan belum tiba" in early
    assert face_status(participant=rina).locked
    UnlockBooking.objects.filter(pk=booking.pk).update(
        starts_at=timezone.now() - timedelta(minutes=1)
    )
    missing = {**_checklist(check), "live_face_compared": ""}
    incomplete = client.post(unlock, missing, follow=True).content.decode()
    assert "Centang setiap butir" in incomplete
    assert face_status(participant=rina).locked
    client.post(unlock, _checklist(check))
    assert not face_status(participant=rina).locked
    booking.refresh_from_db()
    assert booking.status == UnlockBooking.Status.DONE


def test_a_walk_in_is_found_by_kpj_in_the_officers_branch_only(rina) -> None:
    amuntai, other = branches()
    kpj = rina.memberships.order_by("-start_date").first().kpj
    outsider = signed_in(officer("luar", "Verifikator", posted=other))
    answer = outsider.post(reverse("backoffice:face_check_start"), {"identifier": kpj}, follow=True)
    assert "Tidak ada peserta dengan NIK atau KPJ ini" in answer.content.decode()
    assert not DeskCheck.objects.exists()
    client = signed_in(officer("ver", "Verifikator", posted=amuntai))
    client.post(reverse("backoffice:face_check_start"), {"identifier": f" {kpj} "})
    check = DeskCheck.objects.get(participant=rina)
    assert (check.method, check.walk_in) == ("counter", True)
    # Another branch's officer cannot open it, even with its address.
    assert outsider.get(reverse("backoffice:face_check", args=[check.public_id])).status_code == 404
    refuse = reverse("backoffice:face_check_refuse", args=[check.public_id])
    assert outsider.post(refuse, {"reason": "no_show"}).status_code == 404
    client.post(reverse("backoffice:face_check_unlock", args=[check.public_id]), _checklist(check))
    assert not face_status(participant=rina).locked


def test_the_review_shows_both_pictures_and_the_verifier_decides(rina) -> None:
    amuntai, other = branches()
    review = borderline_review(rina)
    outsider = signed_in(officer("luar", "Verifikator", posted=other))
    assert rina.full_name not in outsider.get(reverse("backoffice:face_reviews")).content.decode()
    page_url = reverse("backoffice:face_review", args=[review.public_id])
    assert outsider.get(page_url).status_code == 404
    client = signed_in(officer("ver", "Verifikator", posted=amuntai))
    assert rina.full_name in client.get(reverse("backoffice:face_reviews")).content.decode()
    page = client.get(page_url).content.decode()
    assert page.count('src="data:image/jpeg;base64,') == 2  # registry photo and the frame
    client.post(reverse("backoffice:face_review_refuse", args=[review.public_id]), {"reason": "x"})
    review.refresh_from_db()
    assert review.status == FaceReview.Status.PENDING  # an unknown reason decides nothing
    client.post(reverse("backoffice:face_review_accept", args=[review.public_id]), {"note": "Sama"})
    review.refresh_from_db()
    assert (review.status, bytes(review.frame)) == (FaceReview.Status.ACCEPTED, b"")
