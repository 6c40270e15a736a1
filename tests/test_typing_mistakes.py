"""Mistakes caught where they are made (issue 14.4): a NIK typo is reported on the NIK
field, not blamed on the KPJ and the employer; the bank check never shows a stranger's
name; a blank, all-black or unreadable document is refused with its reason."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from cairkan.accounts import services
from cairkan.accounts.messages import MESSAGES
from cairkan.accounts.models import Registration

pytestmark = pytest.mark.django_db
RINA = {
    "nik": "6308056108979001",
    "kpj": "23000000101",
    "full_name": "Rina Maulida",
    "birth_date": "1997-08-21",
    "mother_maiden_name": "Siti Rahmah",
}


@pytest.fixture(autouse=True)
def personas() -> None:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))


def indonesian(code: str) -> str:
    with translation.override("id"):
        return escape(str(MESSAGES[code]))


def field_errors(html: str, name: str) -> str:
    """The error list Django renders next to the field ``name`` (empty when none)."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{name}_error">(.*?)</ul>', html, flags=re.DOTALL
    )
    return match.group(1) if match else ""


# --- the NIK typo -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typo",
    [
        "6308056108979002",  # the serial's last digit: a well-formed NIK nobody has
        "6308056108979010",  # two digits swapped
        "6308056108997001",  # the year's digits swapped (97 → 79): still well formed
    ],
)
def test_a_well_formed_nik_typo_is_reported_on_the_nik_not_the_kpj(client: Client, typo) -> None:
    response = client.post("/daftar/", {**RINA, "nik": typo})
    assert response.status_code == 400
    html = response.content.decode()
    assert indonesian("kpj_not_yours") not in html  # not blamed on the KPJ and the employer
    assert not field_errors(html, "kpj")
    assert indonesian("nik_not_in_registry") in field_errors(html, "nik")
    assert f'value="{typo}"' in html
    assert not Registration.objects.exists()


def test_a_typo_that_makes_another_members_nik_is_reported_on_the_nik(client: Client) -> None:
    # Ahmad Fauzi's NIK with Rina's KPJ, name and birth date: the NIK is the odd one out.
    response = client.post("/daftar/", {**RINA, "nik": "6308050311889001"})
    assert response.status_code == 400
    html = response.content.decode()
    assert indonesian("nik_mistyped") in field_errors(html, "nik")
    assert not field_errors(html, "kpj")


def test_someone_elses_kpj_with_the_right_nik_is_still_the_kpjs_fault(client: Client) -> None:
    response = client.post("/daftar/", {**RINA, "kpj": "23000000103"})
    html = response.content.decode()
    assert indonesian("kpj_not_yours") in field_errors(html, "kpj")
    assert not field_errors(html, "nik")


@pytest.mark.parametrize(
    ("typo", "says"),
    [
        ("630805610897900", "16 angka"),  # a digit left out
        ("6308056108979O01", "angka"),  # the letter O for a zero
        ("9908056108979001", "provinsi"),  # province 99 does not exist
    ],
)
def test_an_impossible_nik_is_explained_on_the_nik_field_before_any_lookup(
    client: Client, typo, says
) -> None:
    response = client.post("/daftar/", {**RINA, "nik": typo})
    assert response.status_code == 400
    html = response.content.decode()
    errors = field_errors(html, "nik")
    assert says in errors.lower(), errors
    assert not field_errors(html, "kpj")


def test_a_birth_day_the_nik_cannot_hold_is_explained(client: Client) -> None:
    # Digits 7–8 are the day (+40 for women): 35 is neither.
    response = client.post("/daftar/", {**RINA, "nik": "6308053508979001"})
    errors = field_errors(response.content.decode(), "nik")
    assert "35" in errors and "41" in errors


def test_the_recovery_page_reports_a_nik_typo_on_the_nik_too(client: Client) -> None:
    registration = services.registration_start(
        **{**RINA, "birth_date": date.fromisoformat(RINA["birth_date"])}
    )
    assert registration.pk
    response = client.post("/pulihkan/", {**RINA, "nik": "6308056108979002"})
    assert response.status_code == 400
    html = response.content.decode()
    assert indonesian("nik_not_in_registry") in field_errors(html, "nik")
    assert not field_errors(html, "kpj")


# --- the bank check says "yours or not", never whose --------------------------------------


def rina_draft():
    from cairkan.claims import drafts
    from cairkan.members.models import Participant

    participant = Participant.objects.get(nik=RINA["nik"])
    return participant, drafts.draft_for(participant=participant)


def bank_step(participant, draft, bank_code: str, account_number: str):
    from cairkan.claims.services import step_save

    return step_save(
        participant=participant,
        draft=draft,
        step="bank",
        answers={"bank_code": bank_code, "account_number": account_number},
        version=draft.version,
    )


def test_someone_elses_account_is_refused_without_naming_its_holder() -> None:
    from cairkan.api.errors import _claim_error
    from cairkan.claims.messages import claim_message
    from cairkan.claims.services import ClaimError

    participant, draft = rina_draft()
    # Bahrudin's account, in his wife's name (SARI WAHYUNI).
    with pytest.raises(ClaimError) as refused:
        bank_step(participant, draft, "002", "005201000019009")
    assert refused.value.code == "bank_holder_mismatch"
    with translation.override("id"):
        message = claim_message(refused.value.code, refused.value.params)
    assert "SARI" not in message.upper() and "WAHYUNI" not in message.upper()
    assert "Rina" in message  # it says whose name the account must be in: the member's
    assert not any("SARI" in str(value).upper() for value in refused.value.params.values())
    # The API's problem body carries the params as details: no name there either.
    assert b"SARI" not in _claim_error(None, refused.value).content.upper()


def test_a_strangers_dormant_account_reads_as_not_yours_not_as_dormant() -> None:
    from cairkan.claims.services import ClaimError

    participant, draft = rina_draft()
    # Muhammad Arsyad's dormant account: its state is his business, not Rina's.
    with pytest.raises(ClaimError) as refused:
        bank_step(participant, draft, "002", "005201000019007")
    assert refused.value.code == "bank_holder_mismatch"


def test_the_members_own_dormant_account_is_said_to_be_dormant() -> None:
    from cairkan.claims import drafts
    from cairkan.claims.services import ClaimError
    from cairkan.members.models import Participant

    arsyad = Participant.objects.get(nik="6308012207799001")
    with pytest.raises(ClaimError) as refused:
        bank_step(arsyad, drafts.draft_for(participant=arsyad), "002", "005201000019007")
    assert refused.value.code == "bank_account_dormant"


def test_account_numbers_tried_are_limited_per_member_whatever_the_address() -> None:
    from cairkan.claims import drafts
    from cairkan.claims.services import ClaimError
    from cairkan.members.models import Participant

    participant, draft = rina_draft()
    codes = []
    for number in range(5):  # five strangers' or unknown numbers in a row
        with pytest.raises(ClaimError) as refused:
            bank_step(participant, draft, "002", f"00520100009990{number}")
        codes.append(refused.value.code)
    assert "bank_check_throttled" not in codes
    with pytest.raises(ClaimError) as refused:  # even her own number waits now
        bank_step(participant, draft, "002", "005201000019001")
    assert refused.value.code == "bank_check_throttled"
    from cairkan.claims.messages import claim_message

    assert re.search(r"\d\d\.\d\d", claim_message(refused.value.code, refused.value.params))
    # Another member is not held up by Rina's tries.
    ahmad = Participant.objects.get(nik="6308050311889001")
    saved = bank_step(ahmad, drafts.draft_for(participant=ahmad), "009", "0310029001")
    assert saved.data["bank"]["holder"]


def test_the_members_own_account_is_accepted_and_costs_no_try() -> None:
    from cairkan.accounts import throttle
    from cairkan.claims.services import BANK_CHECK_LIMIT

    participant, draft = rina_draft()
    saved = bank_step(participant, draft, "002", "005201000019001")
    assert saved.data["bank"]["holder"]
    assert throttle.recent_count(BANK_CHECK_LIMIT, str(participant.pk)) == 0


# --- documents: blank, all black or unreadable are refused with the reason -------------------


def picture(colour: str | int, mode: str = "RGB", fmt: str = "JPEG", noise: float = 0) -> bytes:
    import io

    import numpy as np
    from PIL import Image

    page = Image.new(mode, (900, 1200), colour)
    if noise:  # a sensor's grain: still nothing on the page
        pixels = np.asarray(page.convert("L"), dtype="float64")
        grain = np.random.default_rng(3).normal(0, noise, pixels.shape)
        page = Image.fromarray(np.clip(pixels + grain, 0, 255).astype("uint8"))
    out = io.BytesIO()
    page.save(out, fmt)
    return out.getvalue()


def blank_pdf(pages: int = 1) -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def text_pdf() -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Surat keterangan kerja) Tj ET")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def upload(data: bytes, kind: str = "ektp"):
    from cairkan.claims.documents import upload_whole

    _participant, draft = rina_draft()
    return upload_whole(draft=draft, kind=kind, filename="foto.jpg", data=data)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (lambda: picture("white"), "image_blank"),
        (lambda: picture("white", fmt="PNG", noise=3), "image_blank"),
        (lambda: picture("#7f7f7f"), "image_blank"),  # one grey: the lens saw no page
        (lambda: picture("black"), "image_black"),
        (lambda: picture(12, mode="L", noise=3), "image_black"),  # a covered lens, in the dark
        (lambda: blank_pdf(), "pdf_blank"),
        (lambda: blank_pdf(pages=3), "pdf_blank"),
    ],
)
def test_a_blank_or_black_document_is_refused_with_its_reason(data, code) -> None:
    from cairkan.claims.messages import claim_message

    refused = upload(data())
    assert (refused.state, refused.rejection) == ("rejected", code)
    with translation.override("id"):
        assert claim_message(code) != code  # a sentence, in Indonesian
        assert "PDF" in claim_message(code)  # what to send instead names every type


def test_a_readable_letter_and_a_pdf_with_text_are_accepted() -> None:
    from claim_steps import letter_photo

    assert upload(letter_photo()).state == "complete"
    assert upload(text_pdf(), kind="kpj_card").state == "complete"


@pytest.mark.parametrize(
    "code",
    [
        "not_image",
        "unsupported_type",
        "image_mode_unsupported",
        "image_damaged",
        "pdf_unreadable",
        "image_blank",
        "image_black",
        "pdf_blank",
    ],
)
def test_every_refusal_of_a_file_names_every_allowed_type(code) -> None:
    from cairkan.claims.messages import claim_message

    for language in ("id", "en"):
        with translation.override(language):
            text = claim_message(code)
        assert all(kind in text for kind in ("JPG", "PNG", "PDF")), (language, text)
