"""Named demo members, the same in every demo database, for testers, docs and tests.

Each stands for a situation the field study met. Dates that matter for a claim are
relative to the demo's ``as_of`` date so the situation stays true whenever the demo is
seeded; birth dates are fixed because they are written into the NIK.
"""

from __future__ import annotations

from datetime import date, timedelta

from cairkan.demo.specs import BankAccountSpec, MembershipSpec, PersonSpec
from cairkan.jht.dates import add_months, add_years

PERSONA_KPJ_PREFIX = "2300000"  # generated KPJ numbers never start with this


def personas(as_of: date) -> list[PersonSpec]:
    def ago(days: int) -> date:
        return as_of - timedelta(days=days)

    def person(
        key: str,
        nik: str,
        name: str,
        birth: date,
        sex: str,
        district: str,
        memberships: list[MembershipSpec],
        bank: BankAccountSpec,
        **extra: object,
    ) -> PersonSpec:
        spec = PersonSpec(
            nik=nik,
            full_name=name,
            birth_date=birth,
            sex=sex,
            mother_maiden_name="Siti Rahmah",
            district_code=district,
            birthplace="Amuntai",
            address=f"Jl. Norman Umar No. {len(key)}, RT 002/RW 001, Sungai Karias, Amuntai Tengah",
            phone=f"+62811500{nik[-4:]}",
            email=f"{key}@contoh.example",
            registry_name=name,
            registry_birth_date=birth,
            memberships=memberships,
            bank_accounts=[bank],
            persona=key,
        )
        for field_name, value in extra.items():
            setattr(spec, field_name, value)
        return spec

    return [
        person(
            "rina",
            "6308056108979001",
            "Rina Maulida",
            date(1997, 8, 21),
            "F",
            "63.08.05",
            [
                MembershipSpec(
                    f"{PERSONA_KPJ_PREFIX}0101", 0, add_months(as_of, -38), ago(45), "resignation"
                )
            ],
            BankAccountSpec("002", "005201000019001", "RINA MAULIDA"),
        ),
        person(
            "siti",
            "6308044502629001",
            "Siti Aminah",
            date(1962, 2, 5),
            "F",
            "63.08.04",
            [
                MembershipSpec(
                    f"{PERSONA_KPJ_PREFIX}0102",
                    1,
                    date(1996, 3, 1),
                    date(2018, 2, 5),
                    "retirement",
                    wage_permille=1600,
                )
            ],
            BankAccountSpec("122", "0010029001", "HJ. SITI AMINAH"),
        ),
        person(
            "ahmad",
            "6308050311889001",
            "Ahmad Fauzi",
            date(1988, 11, 3),
            "M",
            "63.08.05",
            [
                MembershipSpec(
                    f"{PERSONA_KPJ_PREFIX}0103", 2, add_months(as_of, -147), wage_permille=1300
                )
            ],
            BankAccountSpec("009", "0310029001", "AHMAD FAUZI"),
        ),
        person(
            "nor",
            "6308035705949001",
            "Nor Hidayah",
            date(1994, 5, 17),
            "F",
            "63.08.03",
            [
                MembershipSpec(
                    f"{PERSONA_KPJ_PREFIX}0104", 3, add_years(as_of, -5), ago(10), "resignation"
                )
            ],
            BankAccountSpec("451", "7100029001", "NOR HIDAYAH"),
        ),
        person(
            "rusdi",
            "6308060901859001",
            "Rusdiansyah",
            date(1985, 1, 9),
            "M",
            "63.08.06",
            [
                MembershipSpec(
                    f"{PERSONA_KPJ_PREFIX}0105",
                    4,
                    date(2009, 4, 1),
                    date(2019, 6, 30),
                    "termination",
                ),
                MembershipSpec(f"{PERSONA_KPJ_PREFIX}0106", 5, date(2019, 10, 1)),
            ],
            BankAccountSpec("008", "1560029001001", "RUSDIANSYAH"),
        ),
        person(
            "arsyad",
            "6308012207799001",
            "Muhammad Arsyad",
            date(1979, 7, 22),
            "M",
            "63.08.01",
            [
                MembershipSpec(
                    f"{PERSONA_KPJ_PREFIX}0107", 6, date(2012, 1, 1), ago(70), "resignation"
                )
            ],
            BankAccountSpec("002", "005201000019007", "MUHAMAD ARSYAD", status="dormant"),
            registry_name="Muhamad Arsyad",
        ),
        person(
            "rahmadi",
            "6308053012709001",
            "Gusti Rahmadi",
            date(1970, 12, 30),
            "M",
            "63.08.05",
            [MembershipSpec(f"{PERSONA_KPJ_PREFIX}0108", 7, date(2001, 5, 1))],
            BankAccountSpec("122", "0010029008", "GUSTI RAHMADI"),
            deceased_on=ago(120),
        ),
        person(
            "bahrudin",
            "6308081410909001",
            "Bahrudin",
            date(1990, 10, 14),
            "M",
            "63.08.08",
            [
                MembershipSpec(
                    f"{PERSONA_KPJ_PREFIX}0109", 8, add_years(as_of, -7), ago(60), "termination"
                )
            ],
            BankAccountSpec("002", "005201000019009", "SARI WAHYUNI"),
        ),
        person(
            "jumberi",
            "6308021009589001",
            "Jumberi",
            date(1958, 9, 10),
            "M",
            "63.08.02",
            [MembershipSpec(f"{PERSONA_KPJ_PREFIX}0110", 9, date(2008, 2, 1))],
            BankAccountSpec("122", "0010029010", "H. JUMBERI"),
        ),
        person(
            "hamdani",
            "6308072503929001",
            "Hamdani Noor",
            date(1992, 3, 25),
            "M",
            "63.08.07",
            [MembershipSpec(f"{PERSONA_KPJ_PREFIX}0111", 10, add_years(as_of, -4))],
            BankAccountSpec("014", "8010029011", "HAMDANI NOOR"),
            registry_fault="timeout",
        ),
    ]


PERSONA_STORIES: dict[str, str] = {
    "rina": "resigned 45 days ago, membership non-active, small balance: claims in the app",
    "siti": "retired at 56 in 2018, large balance: above the app limit",
    "ahmad": "still working, member for over 12 years: may take a 10% or 30% partial",
    "nor": "resigned 10 days ago: the one-month waiting period is not over",
    "rusdi": "two KPJ numbers: an old one ended by termination and a current one",
    "arsyad": "registry spells the name 'Muhamad'; the bank account is dormant",
    "rahmadi": "died 120 days ago per the registry; employer has not reported it",
    "bahrudin": "terminated 60 days ago; the bank account is in his wife's name",
    "jumberi": "past 56 and still working: may claim for retirement",
    "hamdani": "the registry never answers in time for this NIK (scripted time-out)",
}
