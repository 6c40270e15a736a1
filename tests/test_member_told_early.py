"""Issue 14.1-14.3 and 14.7: a member hears "not yet" before any effort, is asked only
what applies, reads honest status pages, can cancel a claim no officer has started, and
finds on the account page what JMO members expect (Django's test client, Indonesian)."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cairkan.accounts import services as accounts
from cairkan.accounts.models import MemberAccount
from cairkan.audit.models import AuditEntry
from cairkan.claims.models import Appointment, Claim
from cairkan.claims.services import claim_transition
from cairkan.jht.dates import add_months
from cairkan.jht.messages import long_date, rupiah
from cairkan.members.balances import kpj_balances
from cairkan.members.models import Membership
from cairkan.members.statements import statement_csv, statement_for
from cairkan.notifications.gateway import notify
from cairkan.notifications.models import CODE_MASK, OutboundMessage
from sent_messages import last_code
from test_api import PASSWORD, PHONE, enrol_face, logged_in
from test_api import RINA as RINA_IDENTITY
from test_claim_pages import (
    RETIREE,
    RETIREE_BANK,
    RINA,
    free_times,
    member_client,
    post_step,
    walk_to_review,
)

NOR = "6308035705949001"  # resigned 10 days ago: the waiting period is not over
FAUZI = "6308050311889001"  # still working, a member for 12 years: partial withdrawal
RUSDI = "6308060901859001"  # two KPJ numbers


@pytest.fixture(autouse=True)
def personas(db: None) -> None:
    call_command("seed_demo", members=12, seed=1, as_of=timezone.localdate())


def stepper(page: str) -> str:
    match = re.search(r'<p class="stepper">([^<]+)</p>', page)
    assert match, page[:2000]
    return match.group(1)


def test_ten_days_into_the_waiting_period_she_is_told_on_the_first_screen() -> None:
    client, nor = member_client(NOR, "+6281234500004")
    separation = Membership.objects.get(participant=nor).separation_date
    assert separation is not None
    opens = long_date(add_months(separation, 1), "id")
    first = client.get("/klaim/")
    page = first.content.decode()
    assert first.status_code == 200
    assert opens in page, page
    # No form to start: nothing to upload, no face, no bank before she may claim.
    assert 'action="/klaim/"' not in page
    assert opens in client.get("/akun/").content.decode()
    # Straight to a later screen, or posting the first one, changes nothing.
    assert client.get("/klaim/dokumen/")["Location"] == "/klaim/"
    assert client.post("/klaim/", {"helper": "0"}).status_code == 400


def test_a_reason_the_rules_refuse_today_is_refused_on_its_screen() -> None:
    client, nor = member_client(NOR, "+6281234500004")
    Membership.objects.filter(participant=nor).update(separation_date=None, separation_reason="")
    post_step(client, "/klaim/", {"helper": "0"}, "/klaim/alasan/")
    post_step(client, "/klaim/alasan/", {"reason": "resignation"}, "/klaim/data/")
    ten_days_ago = timezone.localdate() - timezone.timedelta(days=10)
    response = post_step(client, "/klaim/data/", {"separation_date": ten_days_ago.isoformat()})
    assert response.status_code == 400
    assert long_date(add_months(ten_days_ago, 1), "id") in response.content.decode()


def test_the_step_count_is_known_on_the_first_screen_and_never_jumps() -> None:
    client, _retiree = member_client(RETIREE, "+6281234500009")
    counts = [stepper(client.get("/klaim/").content.decode())]
    post_step(client, "/klaim/", {"helper": "0"}, "/klaim/alasan/")
    counts.append(stepper(client.get("/klaim/alasan/").content.decode()))
    post_step(client, "/klaim/alasan/", {"reason": "retirement"}, "/klaim/data/")
    counts.append(stepper(client.get("/klaim/data/").content.decode()))
    assert [c.split(":")[0] for c in counts] == [
        "Langkah 1 dari 8",
        "Langkah 2 dari 8",
        "Langkah 3 dari 8",
    ]


def test_the_separation_date_is_asked_only_when_it_applies() -> None:
    client, _fauzi = member_client(FAUZI, "+6281234500003")
    post_step(client, "/klaim/", {"helper": "0"}, "/klaim/alasan/")
    post_step(client, "/klaim/alasan/", {"reason": "partial_10"}, "/klaim/data/")
    assert 'name="separation_date"' not in client.get("/klaim/data/").content.decode()
    rina_client, _rina = member_client(RINA, "+6281234500001")  # the employer reported it
    post_step(rina_client, "/klaim/", {"helper": "0"}, "/klaim/alasan/")
    post_step(rina_client, "/klaim/alasan/", {"reason": "resignation"}, "/klaim/data/")
    assert 'name="separation_date"' not in rina_client.get("/klaim/data/").content.decode()


def test_the_helpers_fields_sit_in_their_own_block_shown_only_for_a_helper() -> None:
    client, _rina = member_client(RINA, "+6281234500001")
    page = client.get("/klaim/").content.decode()
    block = re.search(r'<fieldset class="card helper-fields"[^>]*>(.*?)</fieldset>', page, re.S)
    assert block and 'name="name"' in block.group(1)


def _filed_assisted_claim(client: Client, retiree: object) -> Claim:
    walk_to_review(client, retiree, "retirement", RETIREE_BANK)  # type: ignore[arg-type]
    post_step(client, "/klaim/rekening/", RETIREE_BANK, "/klaim/jadwal/")
    slot = free_times(client)[0]  # a day first, then its times (issue 14.5)
    day_page = f"/klaim/jadwal/?hari={slot[:10]}"
    post_step(client, day_page, {"kind": "video", "starts_at": slot}, "/klaim/tinjau/")
    client.post("/klaim/tinjau/", {})
    return Claim.objects.get(participant=retiree)


def test_a_rejected_claim_shows_no_amount_date_or_appointment_and_the_real_reason() -> None:
    client, retiree = member_client(RETIREE, "+6281234500009")
    claim = _filed_assisted_claim(client, retiree)
    assert claim.appointments.filter(state="booked").exists()
    claim_transition(
        claim=claim, to_status="rejected", actor="officer", rejection_code="documents_incomplete"
    )
    page = client.get(f"/klaim/{claim.public_id}/").content.decode()
    assert rupiah(claim.net, "id") not in page and rupiah(claim.gross, "id") not in page
    assert "Dibayar paling lambat" not in page and "Janji temu Anda" not in page
    # No correction was asked: the reason does not speak of a correction period.
    assert "masa perbaikan" not in page
    assert "Dokumen tidak lengkap atau tidak terbaca. Ajukan klaim baru" in page
    # The booked seat is freed.
    assert not claim.appointments.filter(state="booked").exists()


def test_a_member_cancels_a_claim_no_officer_has_started() -> None:
    client, retiree = member_client(RETIREE, "+6281234500009")
    claim = _filed_assisted_claim(client, retiree)
    assert claim.status == "submitted", claim.status
    page = client.get(f"/klaim/{claim.public_id}/").content.decode()
    assert f'action="/klaim/{claim.public_id}/batalkan/"' in page
    response = client.post(f"/klaim/{claim.public_id}/batalkan/")
    assert response["Location"] == f"/klaim/{claim.public_id}/"
    claim.refresh_from_db()
    assert claim.status == "cancelled"
    assert list(claim.appointments.values_list("state", flat=True)) == ["cancelled"]
    assert claim.events.last().actor == "member"
    assert AuditEntry.objects.filter(action="claim.transition", after__status="cancelled").exists()
    # A second tap changes nothing and is not an error.
    assert client.post(f"/klaim/{claim.public_id}/batalkan/").status_code == 302
    assert claim.events.filter(to_status="cancelled").count() == 1
    page = client.get(f"/klaim/{claim.public_id}/").content.decode()
    assert rupiah(claim.net, "id") not in page
    # The past claim is listed on the account page, and a new claim may be started.
    account = client.get("/akun/").content.decode()
    assert f'href="/klaim/{claim.public_id}/"' in account
    assert client.get("/klaim/").status_code == 200


def test_a_claim_an_officer_has_taken_cannot_be_cancelled() -> None:
    client, retiree = member_client(RETIREE, "+6281234500009")
    claim = _filed_assisted_claim(client, retiree)
    claim_transition(claim=claim, to_status="in_review", actor="officer")
    assert (
        f"/klaim/{claim.public_id}/batalkan/"
        not in client.get(f"/klaim/{claim.public_id}/").content.decode()
    )
    response = client.post(f"/klaim/{claim.public_id}/batalkan/")
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == "in_review"
    assert Appointment.objects.get(claim=claim).state == "booked"
    other, _p = member_client(RINA, "+6281234500001")
    assert other.post(f"/klaim/{claim.public_id}/batalkan/").status_code == 404


def test_the_account_page_shows_each_kpj_the_total_statement_history_messages_and_help() -> None:
    client, rusdi = member_client(RUSDI, "+6281234500005")
    today = timezone.localdate()
    per_kpj = kpj_balances(participant=rusdi, as_of=today)
    assert len(per_kpj) == 2
    page = client.get("/akun/").content.decode()
    for kpj, amount in per_kpj.items():
        assert kpj in page and rupiah(amount, "id") in page
    assert rupiah(sum(per_kpj.values()), "id") in page
    assert 'href="/akun/saldo.pdf"' in page and 'href="/akun/saldo.csv"' in page
    assert "Mall Pelayanan Publik Amuntai" in page
    pdf = client.get("/akun/saldo.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = client.get("/akun/saldo.csv")
    own = statement_csv(statement_for(participant=rusdi, as_of=today))
    assert csv.status_code == 200 and csv.content == own
    assert "no-store" in csv["Cache-Control"]
    assert Client().get("/akun/saldo.csv")["Location"].startswith("/masuk/")


def test_the_account_page_lists_the_members_own_messages_without_codes() -> None:
    client, _rina = member_client(RINA, "+6281234500001")
    notify(channel="sms", to="+6281234500001", body="Klaim JHT Anda diterima.")
    notify(channel="sms", to="+6281234500001", body=f"Kode Anda {CODE_MASK}", secret="123456")
    notify(channel="sms", to="+6281299999999", body="Pesan untuk orang lain.")
    page = client.get("/akun/pesan/").content.decode()
    assert "Klaim JHT Anda diterima." in page
    assert "123456" not in page and "Kode Anda" not in page
    assert "Pesan untuk orang lain." not in page
    assert 'href="/akun/pesan/"' in client.get("/akun/").content.decode()


def test_a_member_changes_their_phone_by_proving_the_new_one(caplog) -> None:
    client, rina = member_client(RINA, "+6281234500001")
    new = "+6281377788899"
    response = client.post(
        "/akun/kontak/", {"action": "send", "channel": "sms", "destination": "0813 7778 8899"}
    )
    assert response.status_code == 302
    code = last_code(new)
    # The code is in no page, no log and no stored message.
    page = client.get("/akun/kontak/").content.decode()
    assert code not in page and code not in caplog.text
    assert code not in client.get("/akun/pesan/").content.decode()
    assert (
        client.post(
            "/akun/kontak/",
            {"action": "verify", "code": "000000" if code != "000000" else "111111"},
        ).status_code
        == 400
    )
    assert MemberAccount.objects.get(participant=rina).phone == "+6281234500001"
    response = client.post("/akun/kontak/", {"action": "verify", "code": code})
    assert response["Location"] == "/akun/"
    assert MemberAccount.objects.get(participant=rina).phone == new
    entry = AuditEntry.objects.get(action="account.contact_change")
    assert new not in str(entry.after) and code not in str(entry.after)
    # The old number is told, in case it was not the member.
    assert OutboundMessage.objects.filter(to="+6281234500001", body__contains="Cairkan").exists()


def test_codes_for_a_new_contact_are_limited_per_account_whatever_the_destination() -> None:
    client, _rina = member_client(RINA, "+6281234500001")
    statuses = [
        client.post(
            "/akun/kontak/",
            {"action": "send", "channel": "sms", "destination": f"08137778880{n}"},
        ).status_code
        for n in range(7)
    ]
    assert statuses[:5] == [302] * 5 and statuses[-1] == 429


def test_a_number_another_account_uses_is_refused_on_its_field() -> None:
    client, _rina = member_client(RINA, "+6281234500001")
    member_client(NOR, "+6281234500004")
    response = client.post(
        "/akun/kontak/", {"action": "send", "channel": "sms", "destination": "081234500004"}
    )
    assert response.status_code == 400
    assert "sudah dipakai akun lain" in response.content.decode()


def test_the_api_refuses_a_reason_closed_today_on_its_draft_step(client: Client) -> None:
    """A native app hears "not yet" on the reason step too, with the dated explanation."""
    # The API tests' Rina, registered through the services.
    registration = accounts.registration_start(**RINA_IDENTITY)
    accounts.registration_send_code(registration=registration, channel="sms", destination=PHONE)
    accounts.registration_verify_code(
        registration=registration, channel="sms", code=last_code(PHONE)
    )
    member = accounts.registration_set_password(registration=registration, password=PASSWORD)
    ten_days_ago = timezone.localdate() - timezone.timedelta(days=10)
    Membership.objects.filter(participant=member.participant).update(separation_date=ten_days_ago)
    enrol_face(member.participant)
    api = logged_in(client)
    draft = api.get("/api/draft").json()
    response = api.put(
        "/api/draft/reason",
        {"version": draft["version"], "answers": {"reason": "resignation"}},
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500
    problem = response.json()
    assert problem["code"] == "not_eligible"
    assert problem["details"]["refusals"] == ["waiting_period"]
