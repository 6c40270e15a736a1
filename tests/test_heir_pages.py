"""The heirs' pages (/ahli-waris/): an heir without an account files a death claim on
the claims services; refusals are specific sentences, never a 500; a double tap files
one claim; uploads resume and belong to the heir's own draft only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cairkan.claims.models import Claim, ClaimDraft, DocumentUpload
from cairkan.demo.heirs import DECEASED_KPJ, DECEASED_NIK, SON, WIDOW
from claim_steps import letter_photo
from heir_claims import DEATH_DOCUMENTS, seed
from test_claim_pages import id_message

pytestmark = pytest.mark.django_db


def identity(**changes: str) -> dict[str, str]:
    return {
        "member_nik": DECEASED_NIK,
        "member_kpj": DECEASED_KPJ,
        "nik": WIDOW.nik,
        "full_name": "Siti Aminah",
        "birth_date": WIDOW.birth_date.isoformat(),
        "relation": "spouse",
        "phone": "0812 3450 0777",
        **changes,
    }


def started(client: Client, **changes: str) -> None:
    response = client.post(reverse("heir_start"), identity(**changes))
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("heir_documents")


def send_documents(client: Client) -> None:
    for kind in DEATH_DOCUMENTS:
        open_ = client.post(
            reverse("heir_upload_open"), {"kind": kind, "filename": "a.jpg", "size": "0"}
        )
        assert open_.status_code == 400  # an empty file is refused with a sentence
        photo = letter_photo()
        upload = client.post(
            reverse("heir_upload_open"), {"kind": kind, "filename": "a.jpg", "size": len(photo)}
        ).json()
        done = client.post(
            reverse("heir_upload_bytes", args=[upload["id"]]),
            photo,
            content_type="application/octet-stream",
            HTTP_UPLOAD_OFFSET="0",
        ).json()
        assert done["state"] == "complete", done


def first_free_slot(client: Client) -> str:
    page = client.get(reverse("heir_schedule")).content.decode()
    start = page.index('name="starts_at" value="') + len('name="starts_at" value="')
    return page[start : page.index('"', start)]


def test_an_heir_files_through_the_pages_and_a_double_tap_files_one_claim() -> None:
    seed()
    client = Client()
    assert client.get(reverse("heir_start")).status_code == 200
    started(client)
    send_documents(client)
    response = client.post(reverse("heir_documents"), {"action": "continue"})
    assert response["Location"] == reverse("heir_bank")
    # The deceased member's own account is refused: it must be the heir's.
    refused = client.post(
        reverse("heir_bank"),
        {"bank_code": "122", "account_number": "0010029008", "npwp": WIDOW.nik},
    )
    assert refused.status_code == 400
    # Refused as not in the heir's name, without naming whose it is (issue 14.4).
    assert "GUSTI RAHMADI" not in refused.content.decode()
    assert id_message("bank_holder_mismatch").split("(")[0] in refused.content.decode()
    response = client.post(
        reverse("heir_bank"),
        {"bank_code": WIDOW.bank_code, "account_number": WIDOW.account_number, "npwp": WIDOW.nik},
    )
    assert response["Location"] == reverse("heir_schedule")
    slot = first_free_slot(client)
    response = client.post(reverse("heir_schedule"), {"kind": "video", "starts_at": slot})
    assert response["Location"] == reverse("heir_review")
    review = client.get(reverse("heir_review"))
    assert review.status_code == 200 and "SITI AMINAH" in review.content.decode()
    first = client.post(reverse("heir_review"), {"key": "x"})
    second = client.post(reverse("heir_review"), {"key": "x"})
    claim = Claim.objects.get(participant__nik=DECEASED_NIK)
    assert first["Location"] == second["Location"] == reverse("heir_claim", args=[claim.public_id])
    assert claim.claimant.nik == WIDOW.nik
    assert claim.account_holder == "SITI AMINAH"
    assert claim.documents.count() == len(DEATH_DOCUMENTS)
    page = client.get(first["Location"])
    assert page.status_code == 200 and "Siti Aminah" in page.content.decode()
    # Someone else's browser does not read it.
    assert Client().get(first["Location"]).status_code == 302


@pytest.mark.parametrize(
    ("changes", "field_text"),
    [
        ({"birth_date": "1974-03-15"}, "population registry"),
        ({"nik": "12345"}, "16"),
        ({"member_nik": "6308056108979001", "member_kpj": "23000000101"}, "deceased"),
        ({"birth_date": "2999-01-01"}, ""),
    ],
)
def test_a_refusal_on_the_first_screen_is_a_sentence_not_a_500(changes, field_text) -> None:
    seed()
    with_english = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = with_english.post(reverse("heir_start"), identity(**changes))
    assert response.status_code == 400
    assert field_text in response.content.decode()
    assert not ClaimDraft.objects.exists()


def test_a_minor_heir_is_asked_for_a_guardian_and_then_the_guardians_letter() -> None:
    seed()
    client = Client()
    minor = {"nik": SON.nik, "full_name": SON.full_name, "birth_date": SON.birth_date.isoformat()}
    assert (
        client.post(reverse("heir_start"), identity(relation="child", **minor)).status_code == 400
    )
    started(
        client,
        relation="child",
        guardian_nik=WIDOW.nik,
        guardian_name=WIDOW.full_name,
        **minor,
    )
    page = client.get(reverse("heir_documents")).content.decode()
    assert 'data-kind="guardian_letter"' in page


def test_an_heir_without_a_checked_session_reads_and_writes_nothing() -> None:
    seed()
    client = Client()
    started(client)
    photo = letter_photo()
    upload = client.post(
        reverse("heir_upload_open"), {"kind": "ektp", "filename": "a.jpg", "size": len(photo)}
    ).json()
    stranger = Client()
    assert stranger.get(reverse("heir_documents"))["Location"] == reverse("heir_start")
    assert stranger.post(reverse("heir_upload_open"), {"kind": "ektp"}).status_code == 403
    url = reverse("heir_upload_bytes", args=[upload["id"]])
    assert stranger.get(url).status_code == 403
    assert DocumentUpload.objects.get(public_id=upload["id"]).received == 0
