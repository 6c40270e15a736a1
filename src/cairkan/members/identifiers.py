"""The two numbers every member carries: the NIK (population ID) and the KPJ (membership).

NIK layout, per UU 24/2013 on population administration and Permendagri 72/2019:
``PP KK CC DDMMYY SSSS`` — province, regency/city, district of first registration,
birth day (+40 for women), month and two-digit year, then a serial from 0001. There is
no check digit, so only the structure can be verified here; whether the person exists
is the population registry's answer. Province and regency/city codes are checked against
Kemendagri's table as python-stdnum ships it (``stdnum.id.loc``); that table stops at
regencies, so a district is only checked not to be 00.

The date inside a NIK is the date at first registration and can disagree with the true
birth date. Cairkan therefore *rejects* only impossible structures and *warns* when the
NIK's date or sex disagrees with the registry, trusting the registry (domain reference,
Decision on NIK).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from stdnum import luhn, numdb

# ASCII only: ``\d`` would also accept fullwidth and Arabic-Indic digits.
_DIGITS = re.compile(r"[0-9]+")


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True, slots=True)
class NikParts:
    province: str
    regency: str
    district: str
    birth_day: int
    birth_month: int
    birth_year_2d: int
    sex: Sex
    serial: str

    @property
    def district_code(self) -> str:
        """Kemendagri code of the district of first registration, e.g. ``63.08.05``."""
        return f"{self.province}.{self.regency}.{self.district}"

    def birth_date_in(self, century_start: int) -> date | None:
        """The NIK's birth date in the century starting at ``century_start`` (1900, 2000)."""
        try:
            return date(century_start + self.birth_year_2d, self.birth_month, self.birth_day)
        except ValueError:  # 31 February and the like
            return None


def normalize_number(value: str) -> str:
    """Drop the spaces, dots and dashes people type into long numbers."""
    return re.sub(r"[\s.\-]", "", value)


def parse_nik(value: str) -> NikParts:
    """Parse a NIK, raising a ``ValidationError`` that says exactly what is wrong."""
    nik = normalize_number(value)
    if nik and not _DIGITS.fullmatch(nik):
        raise ValidationError(_("NIK may contain digits only."), code="nik_not_digits")
    if len(nik) != 16:
        raise ValidationError(
            _("NIK must be 16 digits; you entered %(count)d."),
            code="nik_length",
            params={"count": len(nik)},
        )
    if nik[0:2] == "00" or nik[2:4] == "00" or nik[4:6] == "00":
        raise ValidationError(
            _("The first six digits of the NIK (province, regency, district) cannot be 00."),
            code="nik_region",
        )
    _check_region(nik)
    day = int(nik[6:8])
    month = int(nik[8:10])
    if day == 0 or 32 <= day <= 40 or day > 71:
        raise ValidationError(
            _(
                "Digits 7–8 of the NIK are the birth day (women: day + 40), so they must be "
                "01–31 or 41–71; %(day)s is not possible."
            ),
            code="nik_birth_day",
            params={"day": nik[6:8]},
        )
    if month == 0 or month > 12:
        raise ValidationError(
            _("Digits 9–10 of the NIK are the birth month, 01–12; %(month)s is not possible."),
            code="nik_birth_month",
            params={"month": nik[8:10]},
        )
    _check_birth_date(nik, day % 40, month)
    if nik[12:16] == "0000":
        raise ValidationError(
            _("The last four digits of the NIK are a serial number starting at 0001."),
            code="nik_serial",
        )
    sex = Sex.FEMALE if day > 40 else Sex.MALE
    return NikParts(
        province=nik[0:2],
        regency=nik[2:4],
        district=nik[4:6],
        birth_day=day - 40 if sex is Sex.FEMALE else day,
        birth_month=month,
        birth_year_2d=int(nik[10:12]),
        sex=sex,
        serial=nik[12:16],
    )


# Where python-stdnum's table is known not to cover the NIKs Dukcapil issues, a code it
# does not know is not proof of an impossible NIK (Kemendagri codes, Permendagri 137/2017
# and its successors; the table is older and numbers Papua as BPS does):
# - Papua: NIKs carry 91 Papua and 92 Papua Barat, and since 2022 93–96 for Papua Selatan,
#   Tengah, Pegunungan and Barat Daya (UU 14, 15, 16 and 29/2022); the table has 91 and
#   94 only, with other names;
# - 65 Kalimantan Utara (UU 20/2012), formed after the table was made;
# - regencies formed 2012–2014, before the moratorium on new regions (Pangandaran 32.18,
#   Mahakam Ulu 64.11, Buton Selatan 74.15): numbered on from the province's last ones.
_PROVINCES_BEYOND_TABLE = frozenset({"65", "91", "92", "93", "94", "95", "96"})
_REGENCIES_BEYOND_TABLE = 5  # the most any province gained 2012–2014 (Sulawesi Tenggara)
_FIRST_CITY = 71  # cities are numbered from 71, regencies from 01


def _check_region(nik: str) -> None:
    """Province (digits 1–2) and regency/city (3–4) must exist in Kemendagri's table."""
    province, regency = nik[0:2], nik[2:4]
    if province in _PROVINCES_BEYOND_TABLE:
        return
    regions = numdb.get("id/loc")
    # One (code, properties) pair per level found; an unknown province ends the list.
    found = regions.info(nik[0:4])
    province_info = found[0][1] if found[0][0] == province else {}
    if not province_info:
        raise ValidationError(
            _(
                "Digits 1–2 of the NIK are the province code; %(province)s is not a province "
                "of Indonesia."
            ),
            code="nik_province",
            params={"province": province},
        )
    if len(found) > 1 and found[1][1]:
        return
    number = int(regency)
    if number < _FIRST_CITY and any(
        regions.info(f"{province}{earlier:02d}")[-1][1]
        for earlier in range(max(1, number - _REGENCIES_BEYOND_TABLE), number)
    ):
        return  # a regency formed after the table, numbered on from a known one
    raise ValidationError(
        _(
            "Digits 3–4 of the NIK are the regency or city code; %(province)s.%(regency)s "
            "is not a regency or city of %(province_name)s."
        ),
        code="nik_regency",
        params={
            "province": province,
            "regency": regency,
            "province_name": province_info["name_id"],
        },
    )


def _check_birth_date(nik: str, day: int, month: int) -> None:
    """Digits 7–12 must be a real date. The year has two digits, so 29 February is only
    impossible when neither 19yy nor 20yy was a leap year (as ``stdnum.id.nik`` reads it)."""
    year = int(nik[10:12])
    longest = 29 if month == 2 else calendar.monthrange(2000, month)[1]
    if day > longest:
        raise ValidationError(
            _(
                "Digits 7–8 of the NIK (%(digits)s) give birth day %(day)d, but month "
                "%(month)s has at most %(longest)d days."
            ),
            code="nik_birth_date",
            params={"digits": nik[6:8], "day": day, "month": nik[8:10], "longest": longest},
        )
    if (month, day) == (2, 29) and not (
        calendar.isleap(1900 + year) or calendar.isleap(2000 + year)
    ):
        raise ValidationError(
            _(
                "Digits 7–12 of the NIK (%(digits)s) give 29 February of a year ending in "
                "%(year)s, but neither 19%(year)s nor 20%(year)s was a leap year."
            ),
            code="nik_birth_date",
            params={"digits": nik[6:12], "year": nik[10:12]},
        )


def validate_nik(value: str) -> None:
    """Django field validator for a NIK."""
    parse_nik(value)


def validate_kpj(value: str) -> None:
    """Django field validator for a KPJ: BPJS Ketenagakerjaan's 11-digit membership number."""
    kpj = normalize_number(value)
    if kpj and not _DIGITS.fullmatch(kpj):
        raise ValidationError(_("KPJ number may contain digits only."), code="kpj_not_digits")
    if len(kpj) != 11:
        raise ValidationError(
            _("KPJ number must be 11 digits; you entered %(count)d."),
            code="kpj_length",
            params={"count": len(kpj)},
        )


def _message_of(error: ValidationError) -> str:
    return str(error.messages[0])


# An inner error's sentence, rendered in the language active when it is read.
_first_message = lazy(_message_of, str)


def validate_npwp(value: str) -> str:
    """The NPWP (tax number) in its digits, or a ``ValidationError`` saying what is wrong.

    PMK 112/2022 made the NIK the NPWP of residents from 2024 and gave the older numbers
    a leading 0 (16 digits); the 15-digit form is still printed on most cards. In the
    15-digit form digit 9 is a Luhn check digit over digits 1–8 (digit 10 in the 0-led
    16-digit form), as ``stdnum.id.npwp`` checks it.
    """
    npwp = normalize_number(value)
    if npwp and not _DIGITS.fullmatch(npwp):
        raise ValidationError(
            _("An NPWP may contain digits only (dots and dashes as on the card are fine)."),
            code="npwp_not_digits",
        )
    if len(npwp) not in (15, 16):
        raise ValidationError(
            _("An NPWP has 15 digits, or 16 since 2024; you entered %(count)d."),
            code="npwp_length",
            params={"count": len(npwp)},
        )
    if len(npwp) == 16 and not npwp.startswith("0"):
        try:
            parse_nik(npwp)
        except ValidationError as error:
            raise ValidationError(
                _(
                    "A 16-digit NPWP that does not start with 0 is the holder's NIK, and this "
                    "one cannot be a NIK: %(reason)s"
                ),
                code="npwp_not_a_nik",
                params={"reason": _first_message(error)},
            ) from None
        return npwp
    checked = npwp[:9] if len(npwp) == 15 else npwp[:10]
    if not luhn.is_valid(checked):
        raise ValidationError(
            _(
                "Digit %(position)d of this NPWP is a check digit over the digits before it, "
                "and %(digit)s does not match them: a digit is mistyped. Copy the number from "
                "your NPWP card."
            ),
            code="npwp_check_digit",
            params={"position": len(checked), "digit": checked[-1]},
        )
    return npwp


@dataclass(frozen=True, slots=True)
class NikWarning:
    code: str
    message: str


def nik_disagreements(nik: str, *, birth_date: date, sex: Sex) -> list[NikWarning]:
    """What the NIK says that the registry record does not. Warnings only: trust the registry."""
    parts = parse_nik(nik)
    warnings: list[NikWarning] = []
    if (parts.birth_day, parts.birth_month, parts.birth_year_2d) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ):
        warnings.append(
            NikWarning(
                "nik_birth_date_differs",
                str(
                    _(
                        "The date inside your NIK differs from the birth date in the population "
                        "registry. This is common and not an error; Cairkan uses the registry's "
                        "date."
                    )
                ),
            )
        )
    if parts.sex != sex:  # ``sex`` may be a plain "M"/"F" str (registry, model field)
        warnings.append(
            NikWarning(
                "nik_sex_differs",
                str(
                    _(
                        "The NIK's day digits suggest a different sex than the population "
                        "registry records. Cairkan uses the registry's record."
                    )
                ),
            )
        )
    return warnings
