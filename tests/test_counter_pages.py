"""The counter's pages (/kantor/loket/): who may use them, a walk-in claim filed from
finding the member to the printed receipt, and the face check on the counter's camera
with the real engine under the member's own attempt policy."""

from __future__ import annotations

import html
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from backoffice_staff import branches, officer, signed_in
from cairkan.audit.models import AuditEntry
from cairkan.biometrics.models import ChallengePrompt, FaceAttempt, FaceStep, LivenessChallenge
from cairkan.claims.models import Claim, CounterConsent
from cairkan.claims.services import ClaimRequest, claim_submit
from cairkan.integrations.models import SandboxRegistryRecord
from cairkan.members.models import Participant
from claim_steps import face_check_passed, letter_photo, required_for, upload_documents
from staff_users import staff_user

pytestmark = pytest.mark.django_db

FACES = Path(__file__).parent / "fixtures" / "faces"
RINA_NIK = "6308056108979001"
ROLES = ("Petugas loket", "Verifikator", "Penyelia", "Auditor")
MAY_FILE = {"Petugas loket", "Verifikator", "Penyelia"}


def raw(name: str) -> bytes:
    return (FACES / name).read_bytes()


def flipped(name: str) -> bytes:
    buffer = io.BytesIO()
    Image.open(FACES / name).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(buffer, "JPEG")
    return buffer.getvalue()


LIVE = [raw("obama.jpg"), flipped("obama2.jpg"), raw("obama2.jpg")]  # turn left, then right
STATIC = [raw("obama.jpg")] * 3  # a photo held up to the camera


@pytest.fixture
def rina() -> Participant:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))
    person = Participant.objects.get(nik=RINA_NIK)
    # Rina never enrolled online (no phone): the registry photo is what she is compared with.
    SandboxRegistryRecord.objects.filter(nik=RINA_NIK).update(photo_jpeg=raw("obama3.jpg"))
    return person


def at_counter(client: Client, person: Participant) -> None:
    response = client.post(
        reverse("backoffice:counter"),
        {"nik": person.nik, "kpj": person.memberships.first().kpj},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def face_check(client: Client, frames: list[bytes], **extra: str) -> dict:
    """The counter's camera answering each prompt as face.js does (JSON)."""
    page = client.get(reverse("backoffice:counter_face"))
    assert page.status_code == 200
    challenge = LivenessChallenge.objects.order_by("-issued_at").first()
    LivenessChallenge.objects.filter(pk=challenge.pk).update(steps=["turn_left", "turn_right"])
    prompt = challenge.prompts.get(index=0)
    answer: dict = {}
    for index, frame in enumerate(frames):
        ChallengePrompt.objects.filter(challenge=challenge).update(
            revealed_at=F("revealed_at") - timedelta(seconds=5)
        )
        response = client.post(
            reverse("backoffice:counter_face_submit"),
            {
                "purpose": "claim",
                "challenge_id": str(challenge.pk),
                "step": index,
                "nonce": prompt.nonce,
                "frames": io.BytesIO(frame),
                **extra,
            },
            HTTP_ACCEPT="application/json",
        )
        answer = response.json()
        if answer.get("outcome") == "next":
            prompt = challenge.prompts.get(index=answer["prompt"]["index"])
    return answer


@pytest.mark.parametrize("role", ROLES)
def test_the_counter_is_for_officers_who_may_file_for_someone(rina, role: str) -> None:
    amuntai, _other = branches()
    client = signed_in(officer("o", role, posted=amuntai))
    allowed = role in MAY_FILE
    assert client.get(reverse("backoffice:counter")).status_code == (200 if allowed else 403)
    response = client.post(
        reverse("backoffice:counter"), {"nik": rina.nik, "kpj": rina.memberships.first().kpj}
    )
    assert response.status_code == (302 if allowed else 403)
    for name in ("counter_claim", "counter_face"):
        assert client.get(reverse(f"backoffice:{name}")).status_code == (200 if allowed else 403)
    for name in ("counter_face_submit", "counter_face_quality"):
        response = client.post(reverse(f"backoffice:{name}"), HTTP_ACCEPT="application/json")
        assert (response.status_code == 403) is not allowed, name


def test_a_user_without_the_right_to_file_gets_nothing(rina) -> None:
    client = signed_in(staff_user("lihat", "claims.view_claim", "members.view_participant"))
    assert client.get(reverse("backoffice:counter")).status_code == 403
    assert client.post(reverse("backoffice:counter"), {"nik": rina.nik}).status_code == 403
    assert not AuditEntry.objects.filter(action="counter.walk_in").exists()


def test_a_wrong_kpj_is_said_in_words_and_nobody_is_found(rina) -> None:
    client = signed_in(officer("loket", "Petugas loket"))
    response = client.post(reverse("backoffice:counter"), {"nik": rina.nik, "kpj": "99999999999"})
    assert response.status_code == 400
    assert "KPJ" in response.content.decode()
    assert client.get(reverse("backoffice:counter_claim")).status_code == 302


def test_an_elderly_walk_in_claim_from_the_counter_to_the_receipt(rina) -> None:
    amuntai, _other = branches()
    clerk = officer("loket", "Petugas loket", posted=amuntai)
    client = signed_in(clerk)
    at_counter(client, rina)
    page = reverse("backoffice:counter_claim")
    response = client.post(
        page,
        {"action": "reason", "reason": "resignation", "separation_date": "2026-10-09"},
    )
    assert response.status_code == 302, response.content.decode()
    files = {kind: io.BytesIO(letter_photo()) for kind in required_for("resignation")}
    for kind, data in files.items():
        data.name = f"{kind}.jpg"
    assert client.post(page, {"action": "documents", **files}).status_code == 302
    # Before the face check the consent is not offered.
    assert "consent_text" not in client.get(page).content.decode()
    answer = face_check(client, LIVE)
    assert answer["outcome"] == "passed", answer
    attempt = FaceAttempt.objects.get(participant=rina, outcome="passed")
    assert attempt.helper == clerk and attempt.purpose == "claim"
    response = client.post(
        page, {"action": "bank", "bank_code": "002", "account_number": "005201000019001"}
    )
    assert response.status_code == 302, response.content.decode()
    form = client.get(page).content.decode()
    assert "consent_text" in form
    key = form.split('name="key" value="')[1].split('"')[0]
    consent = html.unescape(form.split('name="consent_text" value="')[1].split('"')[0])
    data = {
        "action": "file",
        "key": key,
        "consent_text": consent,
        "method": "thumbprint",
        "agreed": "on",
    }
    first = client.post(page, data)
    assert first.status_code == 302, first.content.decode()
    claim = Claim.objects.get(participant=rina)
    assert first["Location"] == reverse("backoffice:counter_receipt", args=[claim.public_id])
    # A double click: the same key, the same claim (the walk-in is over: find them again).
    at_counter(client, rina)
    again = client.post(page, data)
    assert again.status_code == 302
    assert Claim.objects.filter(participant=rina).count() == 1
    assert claim.channel == "counter" and claim.helper == clerk
    found = AuditEntry.objects.filter(action="counter.walk_in", participant_id=rina.pk)
    assert found.count() == 2 and {e.actor_user_id for e in found} == {clerk.pk}
    review = client.get(reverse("backoffice:review", args=[claim.public_id])).content.decode()
    assert html.escape(consent) in review
    assert CounterConsent.objects.get(claim=claim).text == consent
    receipt = client.get(reverse("backoffice:counter_receipt", args=[claim.public_id]))
    body = receipt.content.decode()
    assert str(claim.public_id)[:8] in body
    assert rina.nik not in body and claim.account_number not in body
    assert rina.full_name not in body
    for role, status in (("Auditor", 403), ("Verifikator", 200)):
        other = signed_in(officer(f"r-{role}", role, posted=amuntai))
        assert other.get(receipt.wsgi_request.path).status_code == status, role


def test_the_counters_face_check_counts_and_locks_as_the_members_own(rina) -> None:
    client = signed_in(officer("loket", "Petugas loket"))
    at_counter(client, rina)
    left = [face_check(client, STATIC).get("failures_left") for _ in range(2)]
    assert left == [2, 1]
    third = face_check(client, STATIC)
    assert third["outcome"] == "locked"
    step = FaceStep.objects.get(participant=rina)
    assert step.counted_failures == 3 and step.locked_at is not None
    assert FaceAttempt.objects.filter(participant=rina, counted=True).count() == 3
    assert client.get(reverse("backoffice:counter_face")).context["locked"] is True


def test_a_receipt_is_only_for_a_counter_claim(rina) -> None:
    amuntai, _other = branches()
    client = signed_in(officer("loket", "Petugas loket", posted=amuntai))
    face_check_passed(rina, at=timezone.now())
    upload_documents(rina, "resignation")
    in_app = claim_submit(
        participant=rina,
        request=ClaimRequest(
            reason="resignation",
            separation_date=date(2026, 10, 9),
            bank_code="002",
            account_number="005201000019001",
        ),
        idempotency_key="app",
    )
    assert in_app.channel == "app"
    receipt = reverse("backoffice:counter_receipt", args=[in_app.public_id])
    assert client.get(receipt).status_code == 404
    # A member with a claim in progress is shown its status line, not a second filing.
    at_counter(client, rina)
    response = client.get(reverse("backoffice:counter_claim"), follow=True)
    assert response.status_code == 200
    assert [line["claim"] for line in response.context["found"]] == [in_app]


def test_on_a_test_system_without_a_registry_photo_the_first_frame_stands_in(rina) -> None:
    SandboxRegistryRecord.objects.filter(nik=RINA_NIK).update(photo_jpeg=None)
    client = signed_in(officer("loket", "Petugas loket"))
    at_counter(client, rina)
    assert client.get(reverse("backoffice:counter_face")).context["tester"] is True
    refused = face_check(client, LIVE)
    assert refused["outcome"] == "error" and "Dukcapil" in refused["message"]
    assert not FaceAttempt.objects.filter(participant=rina).exists()
    passed = face_check(client, LIVE, tester="1")
    assert passed["outcome"] == "passed", passed
    assert SandboxRegistryRecord.objects.get(nik=RINA_NIK).photo_jpeg
    # From now on the sandbox has a photo: no test mode, the real comparison.
    assert client.get(reverse("backoffice:counter_face")).context["tester"] is False
