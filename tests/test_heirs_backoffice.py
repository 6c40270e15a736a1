"""The officer's side of an heir's death claim: the queue says in words why a person
looks, the review screen shows the heir, the relation, the guardian and the documents,
the bank inquiry judges the holder against the heir, and approval pays the heir."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from backoffice_staff import branches, officer, signed_in
from cairkan.backoffice.selectors import QueueFilters, work_queue
from cairkan.claims.models import Claim
from cairkan.payouts.models import Payout
from cairkan.screening.services import claim_screen
from heir_claims import NOW, file_for, seed, son, widow

pytestmark = pytest.mark.django_db


def screened(claim: Claim) -> Claim:
    claim_screen(claim_id=claim.pk, now=NOW)
    claim.refresh_from_db()
    return claim


def test_the_queue_says_in_words_that_an_heir_filed_a_death_claim() -> None:
    seed()
    amuntai = branches()[0]
    claim = screened(file_for(widow()))
    verifier = officer("ver", "Verifikator", posted=amuntai)
    with translation.override("en"):
        items = work_queue(verifier, QueueFilters())
        labels = items[0].reason_labels
    assert [item.claim.pk for item in items] == [claim.pk]
    assert any(label.startswith("Death claim filed by an heir") for label in labels)
    assert "The population registry records this person as deceased" in labels
    assert not any("_" in label for label in labels)  # never a raw risk code


def test_the_review_screen_shows_the_heir_the_guardian_and_the_documents() -> None:
    seed()
    amuntai = branches()[0]
    claim = screened(file_for(son()))
    client = signed_in(officer("ver", "Verifikator", posted=amuntai))
    with translation.override("en"):
        page = client.get(
            reverse("backoffice:review", args=[claim.public_id]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Ahmad Fauzan" in text and "6308050506129101" in text
    assert "Siti Aminah" in text  # the guardian
    assert "under 18" in text
    for upload in claim.documents.all():
        assert reverse("backoffice:document", args=[upload.public_id]) in page
    assert "AHMAD FAUZAN" in text
    assert "a different name" not in text  # the holder is the heir: the right person


def test_a_supervisor_approves_in_the_back_office_and_the_heir_is_paid(settings) -> None:
    seed()
    amuntai = branches()[0]
    claim = screened(file_for(widow()))
    settings.CAIRKAN_FOUR_EYES_ABOVE = claim.gross
    client = signed_in(officer("pny", "Penyelia", posted=amuntai))
    client.post(reverse("backoffice:approve", args=[claim.public_id]))
    claim.refresh_from_db()
    assert claim.status in ("approved", "payout_queued", "paid")
    payout = Payout.objects.get(claim=claim)
    assert payout.account_holder == "SITI AMINAH"
