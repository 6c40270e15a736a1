"""Plain records of a generated population, before they become database rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(slots=True)
class EmployerSpec:
    registration_number: str
    name: str
    district_code: str
    sector: str


@dataclass(slots=True)
class MembershipSpec:
    kpj: str
    employer: int  # index into Population.employers
    start_date: date
    separation_date: date | None = None
    separation_reason: str = ""
    contractual_retirement_age: int | None = None
    # Wage as per-mille of the regional minimum wage in the start year (1000 = the minimum).
    wage_permille: int = 1000

    @property
    def status(self) -> str:
        # In BPJS's records a membership turns non-active when the departure is reported.
        return "active" if self.separation_date is None else "non_active"


@dataclass(slots=True)
class BankAccountSpec:
    bank_code: str
    account_number: str
    holder_name: str
    status: str = "active"
    fault: str = ""


@dataclass(slots=True)
class PersonSpec:
    nik: str
    full_name: str  # as BPJS's membership records spell it
    birth_date: date  # as BPJS's membership records have it
    sex: str
    mother_maiden_name: str
    district_code: str
    birthplace: str
    address: str
    phone: str = ""
    email: str = ""
    registry_name: str = ""  # the population registry's spelling
    registry_birth_date: date | None = None
    deceased_on: date | None = None
    registry_fault: str = ""
    memberships: list[MembershipSpec] = field(default_factory=list)
    bank_accounts: list[BankAccountSpec] = field(default_factory=list)
    persona: str = ""  # key of a named demo persona, empty for the crowd


@dataclass(slots=True)
class Population:
    seed: int
    as_of: date
    employers: list[EmployerSpec]
    people: list[PersonSpec]
