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
