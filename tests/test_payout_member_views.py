"""What a member reads about the payment of their claim, on the web and through the API:
an honest text for every payout state (approved, being paid, paid, failed, held), the
account page's claim card with the claim's state and next step, the failure reason and
the re-queue after another account, and a double tap on "send" paying once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from cairkan.biometrics.models import FaceEnrolment
from cairkan.claims.models import Claim
from cairkan.claims.services import claim_correct
from cairkan.integrations import loading
from cairkan.members.models import Withdrawal
from cairkan.payouts.failures import member_message
from cairkan.payouts.models import Payout
from cairkan.payouts.services import claim_approve, payouts_sweep
from payout_factories import bank_account, claim_in_review
from sent_messages import last_code
from test_api import enrol_face  # type: ignore[import-not-found]

pytestmark = pytest.mark.django_db
STRONG = "Padi-Kuning-Amuntai-77"


@pytest.fixture(autouse=True)
def instant_bank(settings) -> None:
    """The sandbox bank settles at once and the sweep may ask about a transfer at once."""
    settings.CAIRKAN_BANK_OPTIONS = {**settings.CAIRKAN_BANK_OPTIONS, "settle_after_s": 0}
    settings.CAIRKAN_PAYOUT_POLL_SECONDS = 0
    loading.reset()


@pytest.fixture
def approve(django_capture_on_commit_callbacks):
    def run(claim: Claim) -> Claim:
        with django_capture_on_commit_callbacks(execute=True):
            claim_approve(claim=claim, actor="officer", reason="approved")
        claim.refresh_from_db()
        return claim

    return run


def id_text(msgid: str) -> str:
    with translation.override("id"):
        return escape(translation.gettext(msgid))


def web_client(claim: Claim) -> Client:
    """The claim's member, logged in, face enrolled, reading Indonesian."""
    account = claim.participant.account
    FaceEnrolment.objects.get_or_create(
        participant=claim.participant,
        defaults={"embedding": bytes(128 * 8), "registry_distance": 0.3},
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(account.user)
    return client


def api_client(claim: Claim) -> Client:
    """The claim's member, face enrolled, with an API token on their device."""
    enrol_face(claim.participant)
    account = claim.participant.account
    account.user.set_password(STRONG)
    account.user.save()
    client = Client()
    login = {"identifier": account.phone, "password": STRONG, "device_id": "app-1"}
    first = client.post("/api/auth/login", login, content_type="application/json")
    assert first.status_code == 202, first.content
    token = client.post(
        "/api/auth/confirm",
        {**login, "code": last_code(account.phone)},
        content_type="application/json",
    ).json()["token"]
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client.defaults["HTTP_X_DEVICE_ID"] = "app-1"
    return client


PAGE_TEXTS = {
    "approved": "Approved. The payment is being prepared.",
    "payout_queued": "The money is on its way to your account.",
    "paid": "Paid. Check your savings book or banking app.",
    "payout_failed": (
        "The bank could not credit your account. Give another account in your own name."
    ),
}


def test_the_claim_page_says_what_each_payout_state_means(approve, settings) -> None:
    def page_says(claim: Claim, status: str) -> str:
        claim.refresh_from_db()
        assert claim.status == status
        body = web_client(claim).get(f"/klaim/{claim.public_id}/").content.decode()
        assert id_text(PAGE_TEXTS[status]) in body, status
        return body

    # Approved, the send not yet run (no worker yet): being prepared.
    waiting = claim_in_review()
    claim_approve(claim=waiting, actor="officer")  # its on-commit send never runs here
    page_says(waiting, "approved")
    # Handed to the bank, not yet credited: on its way.
    settings.CAIRKAN_BANK_OPTIONS = {**settings.CAIRKAN_BANK_OPTIONS, "settle_after_s": 30}
    loading.reset()
    page_says(approve(claim_in_review()), "payout_queued")
    # Credited: paid.
    settings.CAIRKAN_BANK_OPTIONS = {**settings.CAIRKAN_BANK_OPTIONS, "settle_after_s": 0}
    loading.reset()
    paid = approve(claim_in_review())
    payouts_sweep()
    page_says(paid, "paid")
    # Refused by the bank: why, and what to do.
    failed = page_says(approve(claim_in_review(account_status="closed")), "payout_failed")
    with translation.override("id"):
        assert escape(member_message("account_closed")) in failed


def test_a_held_payout_is_not_called_on_its_way(approve, settings) -> None:
    """A payout stopped for an officer (retries exhausted) is delayed, not on its way."""
    settings.CAIRKAN_BANK_OPTIONS = {**settings.CAIRKAN_BANK_OPTIONS, "settle_after_s": 30}
    loading.reset()
    claim = approve(claim_in_review())
    Payout.objects.filter(claim=claim).update(state="held")
    body = web_client(claim).get(f"/klaim/{claim.public_id}/").content.decode()
    assert id_text("The money is on its way to your account.") not in body
    assert (
        id_text(
            "The payment is delayed: our officers are checking it with the bank. "
            "You need not do anything; we will message you."
        )
        in body
    )


def test_the_account_page_shows_the_claims_state_and_next_step(approve) -> None:
    claim = approve(claim_in_review(account_status="closed"))
    assert claim.status == "payout_failed"
    body = web_client(claim).get("/akun/").content.decode()
    assert id_text("payment failed").lower() in body.lower()
    assert (
        id_text("The bank could not credit your account. Give another account in your own name.")
        in body
    )


def test_the_api_shows_the_payout_state_and_reason_and_a_correction_requeues(approve) -> None:
    claim = approve(claim_in_review(account_status="closed"))
    api = api_client(claim)
    shown = api.get(f"/api/claims/{claim.public_id}").json()
    assert shown["status"] == "payout_failed"
    with translation.override("id"):
        reason = member_message("account_closed")
    assert shown["payout"] == {
        "state": "failed",
        "failure_code": "account_closed",
        "failure_message": reason,
    }
    assert shown["correction_fields"] == ["bank"]
    other = bank_account(claim.participant)
    corrected = api.post(
        f"/api/claims/{claim.public_id}/correction",
        {"bank_code": other.bank_code, "account_number": other.account_number},
        content_type="application/json",
    )
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["payout"]["state"] in ("queued", "accepted", "paid")
    payouts_sweep()
    shown = api.get(f"/api/claims/{claim.public_id}").json()
    assert shown["status"] == "paid"
    assert shown["payout"] == {"state": "paid", "failure_code": "", "failure_message": ""}
    assert Payout.objects.filter(claim=claim, state="paid").count() == 1
    assert Withdrawal.objects.filter(participant=claim.participant).count() == 1


def test_a_second_tap_on_the_correction_pays_once(approve, django_capture_on_commit_callbacks):
    """Both taps loaded the failed claim; the second arrives after the first went through."""
    claim = approve(claim_in_review(account_status="closed"))
    other = bank_account(claim.participant)
    first_tap = Claim.objects.get(pk=claim.pk)
    second_tap = Claim.objects.get(pk=claim.pk)
    with django_capture_on_commit_callbacks(execute=True):
        claim_correct(
            claim=first_tap, bank_code=other.bank_code, account_number=other.account_number
        )
        claim_correct(
            claim=second_tap, bank_code=other.bank_code, account_number=other.account_number
        )
    payouts_sweep()
    assert Payout.objects.filter(claim=claim).exclude(state="failed").count() == 1
    assert Withdrawal.objects.filter(participant=claim.participant).count() == 1
    # The web form posted twice: the second post finds nothing to correct and shows the claim.
    client = web_client(claim)
    again = client.post(
        f"/klaim/{claim.public_id}/perbaiki/",
        {"action": "send", "bank_code": other.bank_code, "account_number": other.account_number},
    )
    assert again.status_code == 302
    assert Payout.objects.filter(claim=claim).count() == 2


def test_a_paid_claim_says_when_it_was_paid_not_a_deadline(approve) -> None:
    claim = approve(claim_in_review())
    payouts_sweep()
    claim.refresh_from_db()
    assert claim.status == "paid"
    body = web_client(claim).get(f"/klaim/{claim.public_id}/").content.decode()
    assert id_text("Paid by") not in body  # the deadline is met: no longer news
    assert id_text("Paid on") in body
