"""Guidance before login: the eligibility check (plain answers, documents, channel, time
to pay) and the how-to-claim guide."""

from __future__ import annotations

import re
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


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"separation_date": ""}, "Isi hari terakhir bekerja"),
        ({"birth_date": "2999-01-01"}, "harus di masa lalu"),
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


# --- issue 14.6: the check leads somewhere ------------------------------------------------


def test_no_balance_is_asked_the_page_says_what_the_balance_decides(client: Client) -> None:
    today = limits(TODAY)
    empty = client.get("/cek-kelayakan/").content.decode()
    assert 'name="balance"' not in empty and 'name="has_npwp"' not in empty
    html = check(client)
    assert 'name="balance"' not in html
    # Where to file and whether an NPWP is needed follow from the balance: both are said,
    # with today's limits, and where the member reads the balance.
    assert rupiah(today.app_limit, "id") in html and rupiah(today.npwp_threshold, "id") in html
    assert "Di aplikasi Cairkan" in html and "panggilan video" in html
    assert "Estimasi pembayaran" not in html  # no amount made up from a guessed balance


@pytest.mark.parametrize("field", ["separation_date", "membership_start", "birth_date"])
def test_a_date_in_the_future_is_refused_with_a_message(client: Client, field) -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    html = check(client, **{field: tomorrow})
    assert "Ya, Anda bisa" not in html and "Anda bisa mengajukan klaim mulai" not in html
    assert re.search(r'class="error" role="alert">[^<]*(belum terjadi|masa lalu)', html), html


def test_an_eligible_visitor_is_told_the_next_step_register_or_log_in(client: Client) -> None:
    html = check(client)
    next_step = html[html.index('id="next-step"') :]
    assert 'href="/daftar/"' in next_step and 'href="/masuk/?next=/klaim/"' in next_step
    assert "e-KTP" in next_step  # what to bring to an office, should the member go there


def test_a_visitor_who_must_wait_is_told_when_and_what_to_do_meanwhile(client: Client) -> None:
    html = check(client, separation_date=(TODAY - timedelta(days=3)).isoformat())
    next_step = html[html.index('id="next-step"') :]
    assert 'href="/daftar/"' in next_step
    assert "Anda bisa mengajukan klaim mulai" in html


def test_a_logged_in_member_sees_the_own_balance_and_the_claim_link(client: Client) -> None:

    import numpy as np
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from cairkan.accounts.models import MemberAccount
    from cairkan.biometrics.models import FaceEnrolment
    from cairkan.members.balances import participant_balance
    from cairkan.members.models import Participant

    call_command("seed_demo", members=12, seed=1, as_of=TODAY)
    rina = Participant.objects.get(nik="6308056108979001")
    user = get_user_model().objects.create_user(username="rina", password=None)
    MemberAccount.objects.create(user=user, participant=rina, phone="+6281234500001")
    client.force_login(user)
    balance = rupiah(participant_balance(participant=rina, as_of=TODAY), "id")
    # Before the face is enrolled the account shows no balance (the H3 rule holds here).
    assert balance not in check(client)
    FaceEnrolment.objects.create(
        participant=rina, embedding=np.zeros(128).tobytes(), registry_distance=0.3
    )
    html = check(client)
    assert balance in html
    next_step = html[html.index('id="next-step"') :]
    assert 'href="/klaim/"' in next_step and 'href="/daftar/"' not in next_step
