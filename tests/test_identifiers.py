"""NIK and KPJ validation (domain reference, section "Identifiers")."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st
from stdnum.id import nik as stdnum_nik
from stdnum.id import npwp as stdnum_npwp

from cairkan.members.identifiers import (
    NikWarning,
    Sex,
    nik_disagreements,
    parse_nik,
    validate_kpj,
    validate_nik,
    validate_npwp,
)
from cairkan.members.models import Participant

WOMAN_NIK = "6308055204890001"  # 63.08.05, woman (52 = 12 + 40), born 12-04-89, serial 0001
MAN_NIK = "6308011508750123"  # 63.08.01, man, born 15-08-75, serial 0123


def _digits_from(zero: int, ascii_digits: str) -> str:
    """``ascii_digits`` written with the ten digits starting at code point ``zero``."""
    return ascii_digits.translate({ord("0") + i: zero + i for i in range(10)})


FULLWIDTH_NIK = _digits_from(0xFF10, WOMAN_NIK)  # as some phone keyboards type it
ARABIC_INDIC_NIK = _digits_from(0x0660, WOMAN_NIK)
EN_DASH = "\u2013"


def _error(call, value) -> ValidationError:
    """Run a validator expected to fail and return its error (messages rendered in English)."""
    with pytest.raises(ValidationError) as info:
        call(value)
    return info.value


def _english_message(error: ValidationError) -> str:
    with override("en"):
        (message,) = error.messages
        return message


# --- parse_nik: accepted ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "district_code", "sex", "birth_date", "serial"),
    [
        (WOMAN_NIK, "63.08.05", Sex.FEMALE, date(1989, 4, 12), "0001"),
        (MAN_NIK, "63.08.01", Sex.MALE, date(1975, 8, 15), "0123"),
        ("6308103112990042", "63.08.10", Sex.MALE, date(1999, 12, 31), "0042"),  # day 31
        ("6308074101000007", "63.08.07", Sex.FEMALE, date(1900, 1, 1), "0007"),  # day 41
        ("6308027107659999", "63.08.02", Sex.FEMALE, date(1965, 7, 31), "9999"),  # day 71
    ],
)
def test_parse_nik_reads_every_part(nik, district_code, sex, birth_date, serial):
    parts = parse_nik(nik)

    assert parts.district_code == district_code
    assert (parts.province, parts.regency) == ("63", "08")
    assert parts.sex is sex
    assert parts.birth_date_in(1900) == birth_date
    assert parts.serial == serial


def test_woman_birth_day_has_40_subtracted():
    parts = parse_nik(WOMAN_NIK)

    assert (parts.birth_day, parts.birth_month, parts.birth_year_2d) == (12, 4, 89)


@pytest.mark.parametrize(
    "typed",
    [
        "6308 0552 0489 0001",
        "63.08.05.520489.0001",
        "6308-0552-0489-0001",
        "63.08.05 520489-0001",
        " 6308055204890001\t\n",
    ],
)
def test_parse_nik_tolerates_spaces_dots_and_dashes(typed):
    assert parse_nik(typed) == parse_nik(WOMAN_NIK)
    validate_nik(typed)  # the model-field validator accepts it too


@pytest.mark.parametrize(
    ("nik", "century_start", "expected"),
    [
        (WOMAN_NIK, 1900, date(1989, 4, 12)),
        (WOMAN_NIK, 2000, date(2089, 4, 12)),
        ("6308051502050001", 2000, date(2005, 2, 15)),
        ("6308052902000001", 2000, date(2000, 2, 29)),  # 2000 was a leap year
        ("6308052902000001", 1900, None),  # 1900 was not
        ("6308056902040001", 1900, date(1904, 2, 29)),  # a woman born on a leap day
    ],
)
def test_birth_date_in_century(nik, century_start, expected):
    assert parse_nik(nik).birth_date_in(century_start) == expected


# --- parse_nik: rejected ----------------------------------------------------------------

# (input, error code, text the English message must contain)
REJECTED_NIKS = [
    ("63080552048900a1", "nik_not_digits", "digits only"),
    ("6308O55204890001", "nik_not_digits", "digits only"),  # letter O for zero
    ("6308055204890001/", "nik_not_digits", "digits only"),
    # Unicode digits are not NIK digits (fullwidth, Arabic-Indic).
    (FULLWIDTH_NIK, "nik_not_digits", "digits only"),
    (ARABIC_INDIC_NIK, "nik_not_digits", "digits only"),
    ("630805520489001", "nik_length", "you entered 15"),
    ("63080552048900011", "nik_length", "you entered 17"),
    ("6308 0552 0489", "nik_length", "you entered 12"),
    ("0008055204890001", "nik_region", "cannot be 00"),
    ("6300055204890001", "nik_region", "cannot be 00"),
    ("6308005204890001", "nik_region", "cannot be 00"),
    ("6308050004890001", "nik_birth_day", "00 is not possible"),
    ("6308053204890001", "nik_birth_day", "32 is not possible"),
    ("6308054004890001", "nik_birth_day", "40 is not possible"),
    ("6308057204890001", "nik_birth_day", "72 is not possible"),
    ("6308059904890001", "nik_birth_day", "99 is not possible"),
    ("6308051200890001", "nik_birth_month", "00 is not possible"),
    ("6308051213890001", "nik_birth_month", "13 is not possible"),
    ("6308055213890001", "nik_birth_month", "13 is not possible"),
    ("6308051204890000", "nik_serial", "0001"),
    # Regions that do not exist in Kemendagri's table (python-stdnum's copy).
    ("9908055204890001", "nik_province", "99 is not a province"),
    ("2008055204890001", "nik_province", "20 is not a province"),
    ("3199055204890001", "nik_regency", "31.99 is not a regency or city of Daerah Khusus"),
    ("6320055204890001", "nik_regency", "63.20 is not a regency or city of Kalimantan Selatan"),
    ("6380055204890001", "nik_regency", "63.80 is not a regency or city"),  # cities: 71-72
    ("3123055204890001", "nik_regency", "31.23 is not a regency"),
    ("9708055204890001", "nik_province", "97 is not a province"),
    # Dates that do not exist in either century.
    ("6308053104890001", "nik_birth_date", "(31) give birth day 31, but month 04 has at most 30"),
    ("6308057106890001", "nik_birth_date", "(71) give birth day 31, but month 06 has at most 30"),
    ("6308053002890001", "nik_birth_date", "month 02 has at most 29 days"),
    ("6308053102890001", "nik_birth_date", "month 02 has at most 29 days"),
    ("6308057002890001", "nik_birth_date", "(70) give birth day 30"),  # a woman, 30 February
    ("6308052902010001", "nik_birth_date", "neither 1901 nor 2001 was a leap year"),
    ("6308056902890001", "nik_birth_date", "(690289) give 29 February"),
]


@pytest.mark.parametrize(("nik", "code", "mentions"), REJECTED_NIKS)
def test_parse_nik_rejects_impossible_structure(nik, code, mentions):
    error = _error(parse_nik, nik)

    assert error.code == code
    assert mentions in _english_message(error)


@pytest.mark.parametrize(("nik", "code", "mentions"), REJECTED_NIKS)
def test_validate_nik_rejects_what_parse_nik_rejects(nik, code, mentions):
    assert _error(validate_nik, nik).code == code


def test_nik_length_message_states_the_rule_and_the_count():
    message = _english_message(_error(parse_nik, "63080552048900011"))

    assert "16 digits" in message
    assert "17" in message


@pytest.mark.parametrize(("day", "code"), [("00", "nik_birth_day"), ("32", "nik_birth_day")])
def test_birth_day_message_explains_the_women_rule(day, code):
    message = _english_message(_error(parse_nik, f"630805{day}04890001"))

    assert "day + 40" in message
    assert f"01{EN_DASH}31 or 41{EN_DASH}71" in message


@pytest.mark.parametrize("day", ["01", "31", "41", "71"])
def test_birth_day_edges_accepted(day):
    assert parse_nik(f"630805{day}01890001").district_code == "63.08.05"


@pytest.mark.parametrize("month", ["01", "12"])
def test_birth_month_edges_accepted(month):
    assert parse_nik(f"63080515{month}890001").birth_month == int(month)


@pytest.mark.parametrize(
    "nik",
    [
        "3171011708450001",  # Jakarta Selatan, stdnum's own example
        "6308052902000001",  # 29 February 2000 (1900 was no leap year, 2000 was)
        "6308052902960001",  # 29 February 1996
        "6308052902040001",  # 1904 and 2004 were both leap years
        "6308053101890001",  # 31 January
        "6308053004890001",  # 30 April
        "9401015708450001",  # Papua (94), regency 01
        "6372015708450001",  # Banjarbaru (a city: 71 and up)
        # Regions Dukcapil numbers that python-stdnum's table does not know:
        "9202015708450001",  # Papua Barat is 92 in NIKs (Tribun Sorong, 2023)
        "9601015708450001",  # Papua Barat Daya (UU 29/2022)
        "6571015708450001",  # Tarakan, Kalimantan Utara (UU 20/2012)
        "3218015708450001",  # Pangandaran (2012), after Jawa Barat's last, 32.17
        "7415015708450001",  # Buton Selatan (2014), five after Sulawesi Tenggara's 74.10
    ],
)
def test_possible_dates_and_regions_accepted(nik):
    assert parse_nik(nik).serial == "0001"


def test_impossible_date_message_says_which_digits_in_bahasa_indonesia():
    with override("id"):
        (message,) = _error(parse_nik, "6308053104890001").messages

    assert message == (
        "Angka ke-7–8 NIK (31) berarti tanggal lahir 31, padahal bulan 04 paling banyak 30 hari."
    )


NIK_DIGITS = st.text(alphabet="0123456789", min_size=16, max_size=16)


@given(
    NIK_DIGITS
    | st.builds(
        "{}{}{:02d}{:02d}{:02d}{}".format,
        st.sampled_from(["3171", "6308", "6372", "9401", "9908", "3199"]),
        st.sampled_from(["01", "05"]),
        st.integers(1, 71),
        st.integers(1, 12),
        st.integers(0, 99),
        st.sampled_from(["0001", "9999"]),
    )
)
def test_parse_nik_never_accepts_what_stdnum_rejects(nik):
    """Ours is stricter (district 00, day 32–40 or above 71, serial 0000), never looser,
    except for regions Dukcapil numbers that stdnum's table lacks."""
    try:
        parts = parse_nik(nik)
    except ValidationError:
        return
    stdnum_nik.get_birth_date(nik)  # the same dates: raises where stdnum finds none
    if not stdnum_nik.is_valid(nik):
        assert parts.province in {"65", "91", "92", "93", "94", "95", "96"} or (
            int(parts.regency) < 71
        )


# --- validate_kpj -----------------------------------------------------------------------


@pytest.mark.parametrize("kpj", ["12345678901", "00000000001", "123 4567 8901", "1234-5678.901"])
def test_validate_kpj_accepts_eleven_digits(kpj):
    assert validate_kpj(kpj) is None


@pytest.mark.parametrize(
    ("kpj", "code", "mentions"),
    [
        ("1234567890A", "kpj_not_digits", "digits only"),
        ("KPJ12345678", "kpj_not_digits", "digits only"),
        (_digits_from(0xFF10, "12345678901"), "kpj_not_digits", "digits only"),
        ("1234567890", "kpj_length", "you entered 10"),
        ("123456789012", "kpj_length", "you entered 12"),
        ("6308055204890001", "kpj_length", "you entered 16"),  # a NIK typed in the KPJ box
    ],
)
def test_validate_kpj_rejects(kpj, code, mentions):
    error = _error(validate_kpj, kpj)

    assert error.code == code
    message = _english_message(error)
    assert mentions in message
    if code == "kpj_length":
        assert "11 digits" in message


# --- validate_npwp ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("npwp", "digits"),
    [
        ("01.312.166.0-091.000", "013121660091000"),  # 15 digits as printed on the card
        ("016090524017000", "016090524017000"),
        ("123456782012345", "123456782012345"),
        ("0013121660091000", "0013121660091000"),  # the 0-led 16-digit form (2024)
        ("6308 0552 0489 0001", "6308055204890001"),  # a NIK is a resident's NPWP (2024)
    ],
)
def test_validate_npwp_accepts_both_forms(npwp, digits):
    assert validate_npwp(npwp) == digits
    assert stdnum_npwp.is_valid(digits)


@pytest.mark.parametrize(
    ("npwp", "code", "mentions"),
    [
        ("12.345", "npwp_length", "you entered 5"),
        ("01312166009100", "npwp_length", "you entered 14"),
        ("01312166009100A", "npwp_not_digits", "digits only"),
        (_digits_from(0xFF10, "013121660091000"), "npwp_not_digits", "digits only"),
        ("123456789012345", "npwp_check_digit", "Digit 9 of this NPWP is a check digit"),
        ("013121670091000", "npwp_check_digit", "Digit 9"),  # one digit mistyped
        ("0013121670091000", "npwp_check_digit", "Digit 10"),
        ("9908055204890001", "npwp_not_a_nik", "99 is not a province"),
        ("6308053104890001", "npwp_not_a_nik", "month 04 has at most 30 days"),
    ],
)
def test_validate_npwp_rejects_with_the_reason(npwp, code, mentions):
    error = _error(validate_npwp, npwp)

    assert error.code == code
    assert mentions in _english_message(error)
    assert not stdnum_npwp.is_valid(npwp) or code == "npwp_not_digits"


# --- nik_disagreements ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex"),
    [
        (WOMAN_NIK, date(1989, 4, 12), Sex.FEMALE),
        (WOMAN_NIK, date(1989, 4, 12), "F"),  # as the registry and the model field give it
        (MAN_NIK, date(1975, 8, 15), Sex.MALE),
        (MAN_NIK, date(1975, 8, 15), "M"),
        ("6308 0552 0489 0001", date(1989, 4, 12), Sex.FEMALE),
    ],
)
def test_no_disagreement_when_registry_agrees(nik, birth_date, sex):
    assert nik_disagreements(nik, birth_date=birth_date, sex=sex) == []


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex", "codes"),
    [
        (WOMAN_NIK, date(1989, 4, 13), Sex.FEMALE, ["nik_birth_date_differs"]),
        (WOMAN_NIK, date(1989, 5, 12), "F", ["nik_birth_date_differs"]),
        (WOMAN_NIK, date(1990, 4, 12), Sex.FEMALE, ["nik_birth_date_differs"]),
        (WOMAN_NIK, date(1989, 4, 12), Sex.MALE, ["nik_sex_differs"]),
        (MAN_NIK, date(1975, 8, 15), "F", ["nik_sex_differs"]),
        (MAN_NIK, date(1976, 1, 1), Sex.FEMALE, ["nik_birth_date_differs", "nik_sex_differs"]),
    ],
)
def test_disagreements_are_warnings(nik, birth_date, sex, codes):
    warnings = nik_disagreements(nik, birth_date=birth_date, sex=sex)

    assert all(isinstance(w, NikWarning) for w in warnings)
    assert [w.code for w in warnings] == codes


def test_disagreement_messages_say_the_registry_wins():
    with override("en"):
        warnings = nik_disagreements(MAN_NIK, birth_date=date(1976, 1, 1), sex=Sex.FEMALE)
    by_code = {w.code: w.message for w in warnings}

    assert "birth date" in by_code["nik_birth_date_differs"]
    assert "registry's date" in by_code["nik_birth_date_differs"]
    assert "sex" in by_code["nik_sex_differs"]
    assert "registry's record" in by_code["nik_sex_differs"]


def test_disagreements_still_reject_an_impossible_nik():
    with pytest.raises(ValidationError) as info:
        nik_disagreements("6308051204890000", birth_date=date(1989, 4, 12), sex=Sex.MALE)

    assert info.value.code == "nik_serial"


# --- model level ------------------------------------------------------------------------


def _participant(nik: str) -> Participant:
    return Participant(
        nik=nik,
        full_name="Siti Aminah",
        birth_date=date(1989, 4, 12),
        sex=Sex.FEMALE,
        mother_maiden_name="Masitah",
    )


@pytest.mark.django_db
def test_participant_with_good_nik_is_clean():
    _participant(WOMAN_NIK).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("6308051204890000", "nik_serial"),
        ("6308053204890001", "nik_birth_day"),
        ("63080552048900a1", "nik_not_digits"),
        ("0008055204890001", "nik_region"),
    ],
)
def test_participant_full_clean_rejects_bad_nik(nik, code):
    with pytest.raises(ValidationError) as info:
        _participant(nik).full_clean()

    errors = info.value.error_dict
    assert set(errors) == {"nik"}
    assert [e.code for e in errors["nik"]] == [code]
