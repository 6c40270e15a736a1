"""Drafts survive tabs and phones; uploads survive dropped connections and show what
the file really is."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.utils.translation import override
from PIL import Image

from cairkan.claims.documents import UploadError, upload_append, upload_start
from cairkan.claims.drafts import DraftConflict, DraftError, draft_for, draft_save
from cairkan.claims.messages import claim_message
from cairkan.claims.models import DocumentUpload, UploadChunk
from cairkan.members.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))
    return draft_for(participant=Participant.objects.get(nik="6308056108979001"))


def test_steps_save_in_order_and_a_stale_tab_is_refused(draft) -> None:
    draft = draft_save(draft=draft, step="reason", answers={"reason": "resignation"}, version=1)
    assert (draft.step, draft.version) == ("data", 2)
    other_tab = draft_for(participant=draft.participant)  # same draft, another phone
    assert other_tab.pk == draft.pk and other_tab.data == {"reason": {"reason": "resignation"}}
    draft = draft_save(
        draft=draft,
        step="data",
        answers={"separation_date": "2026-10-09", "flagged": ["employer"]},
        version=2,
    )
    with pytest.raises(DraftConflict) as stale:
        draft_save(draft=draft, step="reason", answers={"reason": "termination"}, version=2)
    assert stale.value.current.version == 3
    assert stale.value.current.data["reason"] == {"reason": "resignation"}


def test_a_save_sent_again_changes_nothing(draft) -> None:
    """A phone that never heard the answer to its save sends it again (the offline queue,
    issue 14.8): the draft holds one save, and the repeat is not taken for another phone's
    change; a different answer on the old version is still refused."""
    saved = draft_save(draft=draft, step="reason", answers={"reason": "resignation"}, version=1)
    saved = draft_save(draft=saved, step="data", answers={"flagged": []}, version=2)
    again = draft_save(draft=draft, step="reason", answers={"reason": "resignation"}, version=1)
    assert (again.version, again.step, again.data) == (3, "documents", saved.data)
    with pytest.raises(DraftConflict):
        draft_save(draft=draft, step="reason", answers={"reason": "termination"}, version=1)


@pytest.mark.parametrize(
    ("step", "answers", "field", "code"),
    [
        ("reason", {"reason": "quit"}, "reason", "reason_unknown"),
        ("data", {"flagged": ["salary"]}, "flagged", "field_unknown"),
        ("data", {"separation_date": "9/10/2026"}, "separation_date", "date_invalid"),
        ("data", {"separation_date": "2999-01-01"}, "separation_date", "date_in_future"),
        ("bank", {"bank_code": "999", "account_number": "1234567890"}, "bank_code", "bank_unknown"),
        (
            "bank",
            {"bank_code": "002", "account_number": "123"},
            "account_number",
            "account_number_length",
        ),
        (
            "bank",
            {"bank_code": "002", "account_number": "1234567890", "npwp": "12.3"},
            "npwp",
            "npwp_format",
        ),
    ],
)
def test_bad_answers_name_the_field(draft, step, answers, field, code) -> None:
    with pytest.raises(DraftError) as error:
        draft_save(draft=draft, step=step, answers=answers, version=draft.version)
    assert (error.value.field, error.value.code) == (field, code)


@pytest.mark.parametrize(
    ("npwp", "reason"),
    [
        ("123456789012345", "Digit 9 of this NPWP is a check digit"),
        ("6308053104890001", "month 04 has at most 30 days"),
    ],
)
def test_a_wrong_npwp_says_what_is_wrong(draft, npwp, reason) -> None:
    answers = {"bank_code": "002", "account_number": "1234567890", "npwp": npwp}
    with override("en"), pytest.raises(DraftError) as error:  # the request's language
        draft_save(draft=draft, step="bank", answers=answers, version=draft.version)

    assert (error.value.field, error.value.code) == ("npwp", "npwp_format")
    with override("en"):
        assert reason in claim_message(error.value.code, error.value.params)


def test_an_npwp_is_kept_as_its_digits(draft) -> None:
    answers = {"bank_code": "002", "account_number": "1234567890", "npwp": "01.312.166.0-091.000"}
    saved = draft_save(draft=draft, step="bank", answers=answers, version=draft.version)

    assert saved.data["bank"]["npwp"] == "013121660091000"


def photo_of_a_letter(side: int = 1600) -> bytes:
    """A JPEG with paper grain, as a phone photographs a letter (hundreds of KB)."""
    rng = np.random.default_rng(1)
    grain = rng.integers(200, 256, (int(side * 1.4), side, 3), dtype=np.uint8)
    grain[side // 10 :: side // 25, side // 12 : -side // 12] = 30  # lines of writing
    out = io.BytesIO()
    Image.fromarray(grain).save(out, "JPEG", quality=80)
    return out.getvalue()


def send(upload, data: bytes, start: int = 0, size: int = 100_000):
    for offset in range(start, len(data), size):
        upload = upload_append(upload=upload, offset=offset, chunk=data[offset : offset + size])
    return upload


def test_an_upload_resumes_after_a_drop_and_is_shrunk(draft, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = photo_of_a_letter(2400)
    upload = upload_start(
        draft=draft, kind="resignation_statement", filename="surat.png", size=len(data)
    )
    upload = upload_append(upload=upload, offset=0, chunk=data[:50_000])
    # The connection dropped; the client asks again from 0 and is told where to go on.
    with pytest.raises(UploadError) as resume:
        upload_append(upload=upload, offset=0, chunk=data[:50_000])
    assert resume.value.params == {"expected": 50_000}
    upload = send(upload, data, start=50_000)
    assert (upload.state, upload.content_type) == ("complete", "image/jpeg")
    stored = Image.open(upload.stored.path)
    assert max(stored.size) == 2000  # photos are shrunk
    assert not UploadChunk.objects.filter(upload=upload).exists()


def test_a_pdf_is_kept_as_it_is(draft, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    from hostile import pdf_clean

    data = pdf_clean()  # a letter of one page, with nothing active in it
    upload = send(
        upload_start(draft=draft, kind="resignation_statement", filename="s.pdf", size=len(data)),
        data,
    )
    assert (upload.state, upload.content_type) == ("complete", "application/pdf")
    assert Path(upload.stored.path).read_bytes() == data


@pytest.mark.parametrize(
    ("data", "rejection"),
    [
        (photo_of_a_letter(400), "image_too_small"),
        (b"%PDF-1.7 this is not really a pdf", "pdf_unreadable"),
        (b"MZ\x90\x00 an executable renamed .jpg" * 10, "not_image"),
        (photo_of_a_letter(800)[:60_000], "image_damaged"),  # a photo cut off in transit
    ],
)
def test_what_the_file_really_is_decides(draft, settings, tmp_path, data, rejection) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = send(upload_start(draft=draft, kind="ektp", filename="ktp.jpg", size=len(data)), data)
    assert (upload.state, upload.rejection) == ("rejected", rejection)


def test_limits(draft) -> None:
    with pytest.raises(UploadError) as big:
        upload_start(draft=draft, kind="ektp", filename="x.jpg", size=6 * 1024 * 1024 + 1)
    assert big.value.code == "file_too_large"
    with pytest.raises(UploadError) as kind:
        upload_start(draft=draft, kind="selfie", filename="x.jpg", size=10)
    assert kind.value.code == "document_kind_unknown"
    upload = upload_start(draft=draft, kind="ektp", filename="x.jpg", size=10)
    with pytest.raises(UploadError) as past:
        upload_append(upload=upload, offset=0, chunk=b"x" * 11)
    assert past.value.code == "file_too_large"
    assert DocumentUpload.objects.get(pk=upload.pk).received == 0
