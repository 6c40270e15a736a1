"""Guidance before login: the eligibility check (plain answers, documents, channel, time
to pay) and the how-to-claim guide."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cairkan.jht import limits
from cairkan.jht.messages import rupiah

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def check(client: Client, **answers: object) -> str:
    base = {
        "reason": "resignation",
        "birth_date": "1990-01-01",
        "membership_start": "2019-01-01",
        "separation_date": (TODAY - timedelta(days=60)).isoformat(),
        "employer_reported": "yes",
        "balance": "8000000",
        "has_npwp": "no",
        "partial_before": "no",
    }
    response = client.get("/cek-kelayakan/", {**base, **answers})
    assert response.status_code == 200
    return response.content.decode()


def test_the_empty_form_explains_itself(client: Client) -> None:
    html = client.get("/cek-kelayakan/").content.decode()
    assert "Dokumen" not in html and 'name="reason"' in html


def test_eligible_now_with_documents_channel_and_time(client: Client) -> None:
    html = check(client)
    assert "Ya, Anda bisa mengajukan klaim sekarang." in html
    assert "Di aplikasi Cairkan" in html
    assert "surat keterangan" in html.lower()
    assert "1 hari kerja" in html


def test_waiting_period_says_from_when(client: Client) -> None:
    left = TODAY - timedelta(days=3)
    html = check(client, separation_date=left.isoformat())
    assert "Anda bisa mengajukan klaim mulai" in html
    assert "satu bulan setelah tanggal berhenti" in html


def test_employer_not_reported_says_what_to_do(client: Client) -> None:
    html = check(client, employer_reported="no")
    assert "HRD" in html


def test_above_the_limit_goes_online_with_an_officer(client: Client) -> None:
    html = check(client, balance="40000000")
    assert "panggilan video" in html and "Di aplikasi Cairkan" not in html


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"separation_date": ""}, "Isi hari terakhir bekerja"),
        ({"birth_date": "2999-01-01"}, "harus di masa lalu"),
        ({"balance": "banyak"}, "bilangan"),
        ({"reason": "pensiun"}, "pilihan yang valid"),
    ],
)
def test_mistakes_are_named_in_indonesian(client: Client, answers, message) -> None:
    html = check(client, **answers)
    assert message in html


def test_the_guide_explains_the_steps_and_quotes_todays_limits(client: Client) -> None:
    today = limits(timezone.localdate())
    page = client.get("/panduan/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert page.count("<li><svg") == 7  # seven illustrated steps
    assert rupiah(today.app_limit, "id") in page
    assert rupiah(today.npwp_threshold, "id") in page
    assert page.count("<details>") == 8
    assert 'href="/klaim/"' in page and 'href="/cek-kelayakan/"' in page
