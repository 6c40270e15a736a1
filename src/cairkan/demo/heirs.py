"""The heirs of the demo's deceased persona, Gusti Rahmadi (``personas.py``), as the
sandbox registry and bank know them: his widow, who files the death claim, and their
son, a minor, whose claim needs a guardian. Heirs need not be BPJS members: they are
people in the population registry with a bank account in their own name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cairkan.integrations.models import SandboxBankAccount, SandboxRegistryRecord

DECEASED_NIK = "6308053012709001"  # Gusti Rahmadi
DECEASED_KPJ = "23000000108"


@dataclass(frozen=True, slots=True)
class DemoHeir:
    nik: str
    full_name: str
    birth_date: date
    sex: str
    bank_code: str
    account_number: str
    holder_name: str


WIDOW = DemoHeir(
    "6308055403749101",
    "Siti Aminah",
    date(1974, 3, 14),
    "F",
    "002",
    "005201000019201",
    "SITI AMINAH",
)
SON = DemoHeir(
    "6308050506129101", "Ahmad Fauzan", date(2012, 6, 5), "M", "122", "0010029201", "AHMAD FAUZAN"
)
HEIRS = (WIDOW, SON)


def heirs_load() -> None:
    """The heirs' registry records and bank accounts (sandbox tables, as for every demo
    person; idempotent)."""
    for heir in HEIRS:
        SandboxRegistryRecord.objects.get_or_create(
            nik=heir.nik,
            defaults={
                "full_name": heir.full_name,
                "birth_date": heir.birth_date,
                "birthplace": "Amuntai",
                "sex": heir.sex,
                "address": "Jl. Norman Umar No. 7, RT 002/RW 001, Sungai Karias, Amuntai Tengah",
                "district_code": "63.08.05",
            },
        )
        SandboxBankAccount.objects.get_or_create(
            bank_code=heir.bank_code,
            account_number=heir.account_number,
            defaults={"holder_name": heir.holder_name},
        )
