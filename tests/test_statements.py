"""The JHT statement: lines that add up to participant_balance, in few queries; CSV and
PDF that say the same; the staff download view and the ``statement`` command."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from pypdf import PdfReader

from cairkan.jht.balance import rate_basis_points, statement_lines
from cairkan.jht.messages import rupiah
from cairkan.members.balances import participant_balance
from cairkan.members.models import (
    Contribution,
    Employer,
    Membership,
    Participant,
    ReturnCredit,
    ReturnRate,
)
from cairkan.members.returns import credit_returns
from cairkan.members.statements import (
    CSV_HEADER,
    Statement,
    parse_iso_date,
    statement_csv,
    statement_for,
    statement_pdf,
)
from staff_users import staff_user

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 23)
NIK = "6308055204890001"
RATES = {
    2022: ("5.00", "Illustrative demo value, not an official rate"),
    2023: ("6.00", "Credited rate reported publicly"),
    2024: ("5.50", "Credited rate reported publicly"),
    2025: ("5.25", "Credited rate reported publicly"),
}


def _months(first: date, last: date) -> list[date]:
    months, current = [], first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


@pytest.fixture
def siti() -> Participant:
    """Two KPJ: one employer March 2022 to June 2024, another from August 2024; each
    month paid on the 10th of the next; returns credited for 2022 to 2025."""
    siti = Participant.objects.create(
        nik=NIK,
        full_name="Siti Rahmah",
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Mariam",
    )
    first_job = Membership.objects.create(
        kpj="12345678901",
        participant=siti,
        employer=Employer.objects.create(
            registration_number="12345678", name="CV Itik Alabio", district_code="63.08.05"
        ),
        start_date=date(2022, 3, 1),
        separation_date=date(2024, 6, 30),
        separation_reason="resignation",
        status="non_active",
    )
    second_job = Membership.objects.create(
        kpj="12345678902",
        participant=siti,
        employer=Employer.objects.create(
            registration_number="87654321", name="PT Rotan Amuntai", district_code="63.08.01"
        ),
        start_date=date(2024, 8, 1),
    )
    ledger = [
        (first_job, month, 3_000_000) for month in _months(date(2022, 3, 1), date(2024, 6, 1))
    ] + [(second_job, month, 3_500_000) for month in _months(date(2024, 8, 1), AS_OF)]
    Contribution.objects.bulk_create(
        Contribution(
            membership=membership,
            period=month,
            wage=wage,
            worker_share=wage * 2 // 100,
            employer_share=wage * 37 // 1000,
            # November 2026 is paid on 10 December: after AS_OF, not on the statement.
            paid_on=date(month.year + month.month // 12, month.month % 12 + 1, 10),
        )
        for membership, month, wage in ledger
    )
    ReturnRate.objects.bulk_create(
        ReturnRate(
            year=year, rate_percent=Decimal(rate), source=source, illustrative="demo" in source
        )
        for year, (rate, source) in RATES.items()
    )
    for year in RATES:
        credit_returns(year=year, today=AS_OF)
    return siti


def _paid_by_year(as_of: date) -> dict[int, int]:
    paid: dict[int, int] = defaultdict(int)
    for paid_on, worker, employer in Contribution.objects.values_list(
        "paid_on", "worker_share", "employer_share"
    ):
        if paid_on <= as_of:
            paid[paid_on.year] += worker + employer
    return paid


def _returns_by_pure_method(through_year: int) -> dict[int, int]:
    """What the method (cairkan.jht.balance) returns, KPJ by KPJ, summed by year."""
    rates = {year: rate_basis_points(rate) for year, (rate, _source) in RATES.items()}
    returned: dict[int, int] = defaultdict(int)
    for membership in Membership.objects.all():
        payments = [
            (c.paid_on, c.worker_share + c.employer_share) for c in membership.contributions.all()
        ]
        for line in statement_lines(payments, rates, through_year):
            returned[line.year] += line.returned
    return returned


def test_one_line_a_year_adding_up_to_the_balance(siti: Participant) -> None:
    statement = statement_for(participant=siti, as_of=AS_OF)
    assert (statement.full_name, statement.nik) == ("Siti Rahmah", NIK)
    assert statement.kpjs == ("12345678901", "12345678902")
    assert [line.year for line in statement.lines] == [2022, 2023, 2024, 2025, 2026]

    paid = _paid_by_year(AS_OF)
    returned = _returns_by_pure_method(2025)
    balance = 0
    for line in statement.lines:
        assert line.contributions == paid[line.year]
        expected_return = returned[line.year] if line.year < 2026 else 0
        assert line.returned == expected_return
        balance += line.contributions + line.returned
        assert line.balance == balance
    assert [line.rate_percent for line in statement.lines] == [
        Decimal("5.00"),
        Decimal("6.00"),
        Decimal("5.50"),
        Decimal("5.25"),
        None,
    ]
    assert [line.rate_illustrative for line in statement.lines] == [True] + [False] * 4
    assert [line.credited for line in statement.lines] == [True, True, True, True, False]
    # 2022: March to November paid in the year (December's on 10 January 2023).
    assert statement.lines[0].contributions == 9 * (60_000 + 111_000)
    assert statement.final_balance == participant_balance(participant=siti, as_of=AS_OF)


def test_a_year_credited_later_is_not_credited_yet_on_an_earlier_date(siti: Participant) -> None:
    as_of = date(2025, 6, 30)
    assert ReturnCredit.objects.filter(year=2025).exists()  # credited in January 2026
    statement = statement_for(participant=siti, as_of=as_of)
    last = statement.lines[-1]
    assert (last.year, last.returned, last.credited) == (2025, 0, False)
    assert last.contributions == _paid_by_year(as_of)[2025]
    assert statement.final_balance == participant_balance(participant=siti, as_of=as_of)


def test_a_year_without_a_rate_shows_none_and_earns_nothing(siti: Participant) -> None:
    ReturnCredit.objects.filter(year=2025).delete()
    ReturnRate.objects.filter(year=2025).delete()
    line = statement_for(participant=siti, as_of=AS_OF).lines[3]
    assert (line.year, line.rate_percent, line.returned, line.credited) == (2025, None, 0, False)


def test_before_the_first_contribution_the_statement_is_empty(siti: Participant) -> None:
    statement = statement_for(participant=siti, as_of=date(2022, 3, 31))
    assert statement.lines == ()
    assert (
        statement.final_balance
        == 0
        == participant_balance(participant=siti, as_of=date(2022, 3, 31))
    )


def test_every_demo_member_balance_in_five_queries(django_assert_max_num_queries) -> None:
    call_command("seed_demo", members=20, seed=1, as_of=AS_OF)
    participants = list(Participant.objects.all())
    longest = 0
    for participant in participants:
        with django_assert_max_num_queries(5):
            statement = statement_for(participant=participant, as_of=AS_OF)
        assert statement.final_balance == participant_balance(participant=participant, as_of=AS_OF)
        longest = max(longest, len(statement.lines))
    assert longest >= 10  # the query count does not grow with the years


def test_csv_reads_back_with_the_same_sums(siti: Participant) -> None:
    statement = statement_for(participant=siti, as_of=AS_OF)
    data = statement_csv(statement)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADER
    assert rows[0][0] == "tahun/year"
    body = rows[1:]
    assert [int(row[0]) for row in body] == [line.year for line in statement.lines]
    assert sum(int(row[1]) + int(row[2]) for row in body) == statement.final_balance
    assert int(body[-1][6]) == statement.final_balance
    assert body[0][4:6] == ["5.00", "ya/yes"]
    assert body[-1][2:5] == ["0", "belum dikreditkan/not credited yet", ""]
    assert all(row[1].isdigit() and row[6].isdigit() for row in body)  # no separators


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("id", ["Saldo per", "belum dikreditkan", "5,00% *", "bukan tingkat hasil resmi"]),
        ("en", ["Balance on", "not credited yet", "5.00% *", "not official"]),
    ],
)
def test_pdf_shows_who_what_and_the_final_balance(
    siti: Participant, language: str, words: list[str]
) -> None:
    statement = statement_for(participant=siti, as_of=AS_OF)
    data = statement_pdf(statement, language)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "Rincian Saldo JHT / JHT balance statement" in text
    assert "Siti Rahmah" in text and NIK in text
    assert "12345678901, 12345678902" in text
    assert "23 November 2026" in text
    assert rupiah(statement.final_balance, language) in text
    assert "(12 - m)/12" in text
    assert ("31 Desember" if language == "id" else "31 December") in text
    for word in words:
        assert word in text


def test_pdf_survives_text_helvetica_cannot_encode() -> None:
    statement = Statement(
        full_name="Nguy\u1ec5n \u201cAde\u201d Rahm\u0101n \u2013 \u4e2d",
        nik=NIK,
        kpjs=(),
        as_of=AS_OF,
        lines=(),
    )
    text = _pdf_text(statement_pdf(statement, "en"))
    assert 'Nguyen "Ade" Rahman - ?' in text
    assert "Rp 0" in text


def test_dates_are_year_month_day_only() -> None:
    assert parse_iso_date("2026-02-28") == date(2026, 2, 28)
    for bad in ["2026-02-30", "20260228", "28/02/2026", "2026-2-8", "yesterday"]:
        with pytest.raises(ValueError):
            parse_iso_date(bad)


# --- the staff download ----------------------------------------------------------------

URL = f"/back-office/statements/{NIK}"


def test_anonymous_and_non_staff_are_sent_to_the_admin_login(
    siti: Participant, client: Client
) -> None:
    response = client.get(f"{URL}.pdf")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    member = get_user_model().objects.create_user(username="member", password="x")
    client.force_login(member)
    assert client.get(f"{URL}.csv").status_code == 302


def test_staff_without_the_right_to_read_members_are_refused(
    siti: Participant, client: Client
) -> None:
    client.force_login(staff_user("loket", "claims.view_claim"))
    assert client.get(f"{URL}.pdf").status_code == 403


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("pdf", "application/pdf"), ("csv", "text/csv; charset=utf-8")]
)
def test_staff_download_the_statement(
    siti: Participant, client: Client, fmt: str, content_type: str
) -> None:
    client.force_login(staff_user("loket", role="Petugas loket"))
    response = client.get(f"{URL}.{fmt}", {"as_of": "2026-11-23"})
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="saldo-jht-{NIK}-2026-11-23.{fmt}"'
    )
    assert "no-store" in response["Cache-Control"]
    balance = participant_balance(participant=siti, as_of=AS_OF)
    if fmt == "pdf":
        assert rupiah(balance, "id") in _pdf_text(response.content)  # Indonesian first
    else:
        assert response.content.startswith(b"\xef\xbb\xbf")


def test_the_pdf_follows_the_request_language(siti: Participant, admin_client: Client) -> None:
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = admin_client.get(f"{URL}.pdf", {"as_of": "2026-11-23"})
    text = _pdf_text(response.content)
    assert rupiah(participant_balance(participant=siti, as_of=AS_OF), "en") in text
    assert "Balance on 23 November 2026" in text


def test_without_as_of_the_statement_is_of_today(siti: Participant, admin_client: Client) -> None:
    response = admin_client.get(f"{URL}.csv")
    assert response.status_code == 200
    assert f"-{date.today().isoformat()[:4]}" in response["Content-Disposition"]


def test_unknown_nik_is_a_plain_404(siti: Participant, admin_client: Client) -> None:
    response = admin_client.get("/back-office/statements/6308050101900001.pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "6308050101900001" in response.content.decode()


@pytest.mark.parametrize("as_of", ["2026-02-30", "23-11-2026", "today", "2026-11-23T00:00"])
def test_a_bad_date_is_a_400_that_says_why(
    siti: Participant, admin_client: Client, as_of: str
) -> None:
    response = admin_client.get(f"{URL}.csv", {"as_of": as_of})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "2026-11-23" in response.content.decode()  # the example of a good date


def test_only_pdf_and_csv_exist(siti: Participant, admin_client: Client) -> None:
    assert admin_client.get(f"{URL}.xlsx").status_code == 404


# --- the command -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "csv"])
def test_command_writes_the_file(siti: Participant, tmp_path: Path, fmt: str) -> None:
    output = tmp_path / f"saldo.{fmt}"
    out = io.StringIO()
    call_command(
        "statement", nik=NIK, as_of="2026-11-23", format=fmt, output=str(output), stdout=out
    )
    expected = statement_for(participant=siti, as_of=AS_OF)
    data = output.read_bytes()
    if fmt == "pdf":
        assert data.startswith(b"%PDF") and NIK in _pdf_text(data)
    else:
        assert data == statement_csv(expected)
    assert f"Rp {expected.final_balance:,}" in out.getvalue()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"nik": "6308050101900001"}, "No participant has the NIK"),
        ({"nik": NIK, "as_of": "30/11/2026"}, "not a date"),
    ],
)
def test_command_fails_clearly(
    siti: Participant, tmp_path: Path, options: dict[str, str], message: str
) -> None:
    output = tmp_path / "saldo.pdf"
    with pytest.raises(CommandError, match=message) as error:
        call_command("statement", format="pdf", output=str(output), **options)
    assert error.value.returncode != 0
    assert not output.exists()
