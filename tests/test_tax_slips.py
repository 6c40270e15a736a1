"""The bukti potong: the tax bands behind the amount withheld (PP 68/2009; UU PPh Art. 17),
the PDF's text, and its download from the member's own paid claim only."""

from __future__ import annotations

import io
import random
from datetime import date

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from pypdf import PdfReader

from cairkan.accounts.models import MemberAccount
from cairkan.biometrics.models import FaceEnrolment
from cairkan.jht.cases import Case, PriorPayout, Reason
from cairkan.jht.facade import decide_many
from cairkan.jht.withholding import FINAL, PROGRESSIVE, withholding
from cairkan.members.models import Participant
from cairkan.payouts.tax_slips import tax_slip_for, tax_slip_pdf
from paid_claims import approved_claim, member, paid_claim

ON = date(2026, 11, 2)
WITHHOLDER = {"name": "BPJS Ketenagakerjaan", "npwp": "001234567091000"}


# --- The bands (pure) ------------------------------------------------------------------


def test_a_first_payment_above_50_juta_pays_5_percent_on_the_excess() -> None:
    # PP 68/2009: 0% on the first Rp 50 juta of the lump sum, 5% above.
    slip = withholding(
        on=ON, gross=60_000_000, earlier_in_window=0, within_window=True, has_npwp=True
    )
    assert slip.regime == FINAL
    assert [(b.lower, b.upper, b.rate_basis_points, b.base, b.tax) for b in slip.bands] == [
        (0, 50_000_000, 0, 50_000_000, 0),
        (50_000_000, None, 500, 10_000_000, 500_000),
    ]
    assert slip.total == 500_000


def test_an_earlier_payment_in_the_window_uses_up_the_zero_band() -> None:
    slip = withholding(
        on=ON, gross=20_000_000, earlier_in_window=40_000_000, within_window=True, has_npwp=True
    )
    assert [(b.base, b.tax) for b in slip.bands] == [(10_000_000, 0), (10_000_000, 500_000)]
    assert slip.total == 500_000
    assert slip.earlier_in_window == 40_000_000


def test_the_lump_sums_rounding_is_its_own_line_so_the_slip_adds_up() -> None:
    # 50 000 010 withheld 0 (0.5 rounded down); 10 more make the lump sum's tax 1.
    slip = withholding(
        on=ON, gross=10, earlier_in_window=50_000_010, within_window=True, has_npwp=True
    )
    assert [b.tax for b in slip.bands] == [0]
    assert (slip.rounding, slip.total) == (1, 1)


def test_the_third_year_pays_article_17_rates_and_20_percent_more_without_npwp() -> None:
    # UU 7/2021: 5% to Rp 60 juta, 15% to 250 juta.
    with_npwp = withholding(
        on=ON, gross=100_000_000, earlier_in_window=0, within_window=False, has_npwp=True
    )
    assert with_npwp.regime == PROGRESSIVE
    assert [(b.rate_basis_points, b.base, b.tax) for b in with_npwp.bands] == [
        (500, 60_000_000, 3_000_000),
        (1500, 40_000_000, 6_000_000),
    ]
    assert (with_npwp.surcharge, with_npwp.total) == (0, 9_000_000)
    without = withholding(
        on=ON, gross=100_000_000, earlier_in_window=0, within_window=False, has_npwp=False
    )
    assert (without.surcharge_basis_points, without.surcharge) == (2000, 1_800_000)
    assert without.total == 10_800_000
    assert "Pasal 21 ayat (5a)" in without.regulation


# --- The slip and its PDF --------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
@override_settings(CAIRKAN_WITHHOLDER=WITHHOLDER)
def test_the_slip_carries_what_a_tax_return_needs_in_indonesian() -> None:
    siti = member("Siti Rahmawati")
    claim = paid_claim(siti, gross=60_000_000, tax=500_000, on=ON, npwp="123456782012345")
    slip = tax_slip_for(claim)
    assert slip is not None
    assert slip.detail is not None and slip.detail.total == 500_000
    text = pdf_text(tax_slip_pdf(slip))
    for expected in (
        "Bukti Potong",
        slip.number,
        "BPJS Ketenagakerjaan",
        "001234567091000",  # the withholder's NPWP, from settings
        "Siti Rahmawati",
        siti.nik,
        "123456782012345",  # the member's NPWP
        "Rp 60.000.000",  # gross
        "Rp 10.000.000",  # the base in the 5% band
        "5%",
        "Rp 500.000",  # tax withheld
        "Rp 59.500.000",  # net
        "2 November 2026",  # payment date
        "PP 68/2009",
        "Pajak dipotong",
    ):
        assert expected in text, expected


@pytest.mark.django_db
def test_each_payment_has_its_own_slip_number() -> None:
    first = paid_claim(member(), gross=10_000_000, tax=0, on=ON)
    second = paid_claim(member(), gross=10_000_000, tax=0, on=ON)
    one, two = tax_slip_for(first), tax_slip_for(second)
    assert one is not None and two is not None
    assert one.number != two.number
    assert one.number.startswith("BP-JHT/2026/11/")
    # the same slip, downloaded again, keeps its number
    again = tax_slip_for(first)
    assert again is not None and again.number == one.number


@pytest.mark.django_db
def test_a_second_payment_in_the_window_shows_the_band_used_before() -> None:
    siti = member()
    paid_claim(siti, gross=40_000_000, tax=0, on=date(2025, 3, 3), reason="partial_10")
    claim = paid_claim(siti, gross=20_000_000, tax=500_000, on=ON)
    slip = tax_slip_for(claim)
    assert slip is not None and slip.detail is not None
    assert slip.detail.earlier_in_window == 40_000_000
    text = pdf_text(tax_slip_pdf(slip))
    assert "Rp 40.000.000" in text


@pytest.mark.django_db
def test_no_slip_before_the_claim_is_paid() -> None:
    claim = approved_claim(member(), gross=10_000_000, tax=0)
    assert tax_slip_for(claim) is None


@pytest.mark.django_db
def test_a_tax_the_bands_cannot_explain_prints_the_total_without_lines() -> None:
    # A claim decided under other parameters: the slip never shows lines that disagree.
    claim = paid_claim(member(), gross=60_000_000, tax=499_999, on=ON)
    slip = tax_slip_for(claim)
    assert slip is not None and slip.detail is None
    text = pdf_text(tax_slip_pdf(slip))
    assert "Rp 499.999" in text
    assert "Lapisan" not in text


# --- Download from the claim's page -----------------------------------------------------


def member_client(participant: Participant) -> Client:
    user = get_user_model().objects.create_user(username=f"m{participant.nik}", password=None)
    MemberAccount.objects.create(user=user, participant=participant, phone=participant.phone)
    FaceEnrolment.objects.create(
        participant=participant, embedding=np.zeros(128).tobytes(), registry_distance=0.3
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_member_downloads_their_own_slip_from_the_claim_page() -> None:
    siti = member("Siti Rahmawati")
    claim = paid_claim(siti, gross=60_000_000, tax=500_000, on=ON)
    client = member_client(siti)
    page = client.get(f"/klaim/{claim.public_id}/").content.decode()
    url = f"/klaim/{claim.public_id}/bukti-potong/"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    cache = response["Cache-Control"]
    assert "private" in cache and "no-store" in cache
    assert "Siti Rahmawati" in pdf_text(response.content)


@pytest.mark.django_db
def test_another_member_or_a_stranger_cannot_read_the_slip() -> None:
    claim = paid_claim(member("Siti Rahmawati"), gross=60_000_000, tax=500_000, on=ON)
    url = f"/klaim/{claim.public_id}/bukti-potong/"
    other = member_client(member("Budi Santoso"))
    response = other.get(url)
    assert response.status_code == 404
    assert b"Siti" not in response.content
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/masuk/" in anonymous["Location"]


@pytest.mark.django_db
def test_an_unpaid_claim_has_no_slip_link_and_no_slip() -> None:
    siti = member()
    claim = approved_claim(siti, gross=10_000_000, tax=0)
    client = member_client(siti)
    url = f"/klaim/{claim.public_id}/bukti-potong/"
    assert url not in client.get(f"/klaim/{claim.public_id}/").content.decode()
    response = client.get(url)
    assert response.status_code == 404


# --- The bands always add up to what the rules withheld ---------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_the_bands_add_up_to_the_rules_tax_for_many_payments(seed: int) -> None:
    """The slip's lines and the rules (OpenFisca, variables/amounts.py) compute the tax
    separately; over random balances, earlier payments, years and NPWP they agree."""
    rng = random.Random(seed)
    cases, expected = [], []
    for _ in range(60):
        as_of = date(rng.choice([2023, 2026]), 11, 2)
        balance = rng.choice([rng.randrange(1, 10**8), rng.randrange(10**8, 6 * 10**9)])
        earlier_year = as_of.year - rng.choice([0, 1, 2, 3])
        earlier = (
            (PriorPayout(date(earlier_year, 3, 1), Reason.PARTIAL_10, rng.randrange(1, 8 * 10**7)),)
            if rng.random() < 0.6
            else ()
        )
        # Above Rp 50 juta the rules require an NPWP (a claim without one is refused).
        has_npwp = balance > 50_000_000 or rng.random() < 0.5
        cases.append(
            Case(
                as_of=as_of,
                reason=Reason.RETIREMENT,
                birth_date=date(1960, 1, 1),
                retirement_age=None,
                membership_start=date(1990, 1, 1),
                membership_active=False,
                separation_date=None,
                balance=balance,
                has_npwp=has_npwp,
                prior_payouts=earlier,
            )
        )
        expected.append((as_of, earlier, has_npwp))
    for case, decision, (as_of, earlier, has_npwp) in zip(
        cases, decide_many(cases), expected, strict=True
    ):
        assert decision.eligible, decision.refusals
        first_year = earlier[0].date.year if earlier else as_of.year
        slip = withholding(
            on=as_of,
            gross=decision.gross,
            earlier_in_window=sum(p.gross for p in earlier if p.date.year < first_year + 2),
            within_window=as_of.year < first_year + 2,
            has_npwp=has_npwp,
        )
        assert slip.total == decision.tax, (case, slip)
        assert sum(b.tax for b in slip.bands) + slip.rounding + slip.surcharge == slip.total
        assert sum(b.base for b in slip.bands) == decision.gross
