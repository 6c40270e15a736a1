"""Hostile files through every door a member has: the API's and the page's resumable
uploads, the page without JavaScript, the face check's frames and live coaching. Each
is answered with a specific message, never a 500; a refused upload ends refused, and a
new one for the same document goes through (issue 9: M3/M5, L4, L5).

Run on SQLite and, for the NUL in a file name, under ``scripts/with-postgres``.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.html import escape

import hostile
from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.messages import ERRORS as FACE_ERRORS
from cairkan.biometrics.models import FaceAttempt, FaceEnrolment, LivenessChallenge
from cairkan.claims.documents import upload_start
from cairkan.claims.drafts import draft_for
from cairkan.claims.messages import claim_message
from cairkan.claims.models import DocumentUpload
from cairkan.integrations.models import SandboxRegistryRecord
from cairkan.members.models import Participant
from claim_steps import letter_photo
from test_api import api, rina  # noqa: F401  (fixtures)
from test_api_face import enrolled, verify  # noqa: F401  (fixtures)
from test_claim_pages import post_step
from test_face_pages import submit as submit_prompts

pytestmark = pytest.mark.django_db
FACES = Path(__file__).parent / "fixtures" / "faces"

BOMBS = {
    "png_20000": (hostile.png_bomb, "image_too_large"),
    "jpeg_65000": (lambda: hostile.jpeg_declaring(65_000, 65_000), "image_too_large"),
    "png_16bit_grey": (hostile.png_16bit, "image_mode_unsupported"),
    "png_16bit_colour": (
        lambda: hostile.png(7000, 7000, bit_depth=16, colour=2),
        "image_too_large",
    ),
}


def indonesian(code: str) -> str:
    with translation.override("id"):
        return claim_message(code)


@pytest.fixture
def web(rina: Participant) -> Client:  # noqa: F811
    """Rina logged in on the pages, her face enrolled (the wizard waits for it)."""
    if not FaceEnrolment.objects.filter(participant=rina).exists():
        FaceEnrolment.objects.create(
            participant=rina, embedding=np.zeros(128).tobytes(), registry_distance=0.3
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(MemberAccount.objects.get(participant=rina).user)
    return client


# --- the API's resumable upload --------------------------------------------------------------


def api_upload(client: Client, data: bytes, kind: str = "ektp", name: str = "ktp.jpg") -> dict:
    opened = client.post(
        "/api/uploads",
        {"kind": kind, "filename": name, "size": len(data)},
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content
    answer = client.patch(
        f"/api/uploads/{opened.json()['id']}",
        data,
        content_type="application/octet-stream",
        HTTP_UPLOAD_OFFSET="0",
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("bomb", BOMBS)
def test_an_image_bomb_is_refused_by_the_api_and_the_member_starts_again(
    api: Client,  # noqa: F811
    bomb: str,
    settings,
    tmp_path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    make, code = BOMBS[bomb]
    refused = api_upload(api, make())
    assert (refused["state"], refused["rejection"]) == ("rejected", code)
    assert refused["message"] == indonesian(code)
    if code == "image_too_large":  # the limit is quoted, in the member's language
        assert "paling banyak 16 juta piksel" in refused["message"]
    assert api.get(f"/api/uploads/{refused['id']}").json()["state"] == "rejected"
    again = api_upload(api, letter_photo())
    assert again["state"] == "complete"
    assert DocumentUpload.objects.get(kind="ektp").public_id.hex == again["id"].replace("-", "")


def test_a_web_page_posing_as_a_photo_is_refused(api: Client, settings, tmp_path) -> None:  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    refused = api_upload(api, hostile.HTML_AS_PHOTO)
    assert (refused["state"], refused["rejection"]) == ("rejected", "file_is_web_page")
    assert refused["message"] == indonesian("file_is_web_page")


@pytest.mark.parametrize(
    "make",
    [
        hostile.pdf_with_javascript,
        hostile.pdf_with_launch,
        hostile.pdf_with_attachment,
        hostile.pdf_html_polyglot,
    ],
)
def test_an_active_pdf_is_stored_without_what_it_would_run(
    api: Client,  # noqa: F811
    make,
    settings,
    tmp_path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    done = api_upload(api, make(), kind="resignation_statement", name="surat.pdf")
    assert done["state"] == "complete"
    stored = Path(DocumentUpload.objects.get(kind="resignation_statement").stored.path)
    data = stored.read_bytes()
    for active in (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"<script", b"gaji.exe"):
        assert active not in data
    assert len(pikepdf.open(io.BytesIO(data)).pages) == 1


# --- the page's resumable upload and the page without JavaScript ----------------------------


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_pages_upload_refuses_a_bomb_with_a_message(web: Client, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = hostile.png_bomb()
    opened = web.post("/klaim/unggah/", {"kind": "ektp", "filename": "ktp.png", "size": len(data)})
    assert opened.status_code == 201, opened.content
    answer = web.post(
        f"/klaim/unggah/{opened.json()['id']}/",
        data,
        content_type="application/octet-stream",
        HTTP_UPLOAD_OFFSET="0",
    )
    assert answer.status_code == 200
    assert (answer.json()["state"], answer.json()["message"]) == (
        "rejected",
        indonesian("image_too_large"),
    )


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_page_without_javascript_says_what_is_wrong(web: Client, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    post_step(web, "/klaim/", {"helper": "0"}, "/klaim/alasan/")
    post_step(web, "/klaim/alasan/", {"reason": "resignation"}, "/klaim/data/")
    post_step(web, "/klaim/data/", {}, "/klaim/dokumen/")
    bomb = SimpleUploadedFile("ktp.jpg", hostile.jpeg_declaring(65_000, 65_000), "image/jpeg")
    response = post_step(web, "/klaim/dokumen/", {"ektp": bomb, "action": "continue"})
    assert response.status_code == 400
    assert escape(indonesian("image_too_large")) in response.content.decode()
    assert DocumentUpload.objects.get(kind="ektp").rejection == "image_too_large"


# --- the file name (L4): a NUL reached PostgreSQL and gave a 500 -----------------------------


@pytest.mark.parametrize(
    ("name", "kept"),
    [("ktp\x00.jpg", "ktp.jpg"), ("../../ktp.jpg", "ktp.jpg"), ("\x00\x01", "ektp")],
)
def test_a_file_name_with_a_nul_is_cleaned_not_a_500(
    web: Client,
    rina: Participant,  # noqa: F811
    name: str,
    kept: str,
) -> None:
    opened = web.post("/klaim/unggah/", {"kind": "ektp", "filename": name, "size": 10})
    assert opened.status_code == 201, opened.content
    assert DocumentUpload.objects.get(kind="ektp").filename == kept
    upload = upload_start(draft=draft_for(participant=rina), kind="kpj_card", filename=name, size=9)
    upload.refresh_from_db()
    assert upload.filename == kept.replace("ektp", "kpj_card")


# --- the face check: API frames, page frames, live coaching ----------------------------------


def face_message(code: str) -> str:
    with translation.override("id"):
        return str(FACE_ERRORS[code])


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("bomb", BOMBS)
def test_the_face_api_refuses_a_bomb_and_counts_nothing(
    api: Client,  # noqa: F811
    enrolled: Participant,  # noqa: F811
    bomb: str,
) -> None:
    make, code = BOMBS[bomb]
    response = verify(api, [make()])  # refused at the first prompt, before any judging
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["message"] == face_message(code)
    assert not FaceAttempt.objects.exists()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("bomb", BOMBS)
def test_live_coaching_refuses_a_bomb(web: Client, bomb: str) -> None:
    make, code = BOMBS[bomb]
    frame = SimpleUploadedFile("coach.png", make(), content_type="image/png")
    response = web.post("/wajah/kualitas/", {"frame": frame})
    assert response.status_code == 400, response.content
    assert (response.json()["ok"], response.json()["code"]) == (False, code)
    assert response.json()["message"] == face_message(code)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_face_page_refuses_a_bomb_with_its_reason(web: Client, rina: Participant) -> None:  # noqa: F811
    FaceEnrolment.objects.filter(participant=rina).delete()  # she enrols now
    SandboxRegistryRecord.objects.filter(nik=rina.nik).update(
        photo_jpeg=(FACES / "obama3.jpg").read_bytes()
    )
    assert web.get("/daftar/wajah/").status_code == 200
    challenge = LivenessChallenge.objects.filter(participant=rina).latest("issued_at")
    response = submit_prompts(web, challenge, [hostile.png_bomb()])
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "image_too_large"
    assert response.json()["message"] == face_message("image_too_large")
    assert not FaceAttempt.objects.exists()
