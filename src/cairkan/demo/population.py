"""A deterministic, realistic population of Kabupaten Hulu Sungai Utara.

``generate(members=N, seed=S, as_of=D)`` always returns the same people for the same
arguments. Shares below (ages, reasons, banks) are chosen to look like the regency's
formal workforce and the claim mix BPJS reports (most claims are resignations and
terminations after a few years; some members are elderly); they are demo data, not
statistics.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from cairkan.demo import reference as ref
from cairkan.demo.personas import PERSONA_KPJ_PREFIX, personas
from cairkan.demo.specs import (
    BankAccountSpec,
    EmployerSpec,
    MembershipSpec,
    PersonSpec,
    Population,
)
from cairkan.jht.dates import add_years

JHT_AGE = 56  # PP 46/2015 Art. 26 as changed by PP 60/2015; Permenaker 4/2022 Art. 6(1)
EARLIEST_START = date(1993, 1, 1)  # JHT under Jamsostek, PP 14/1993


def _weighted[T](rng: random.Random, options: tuple[tuple[T, int], ...]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


class _Generator:
    def __init__(self, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.used_kpj: set[str] = set()
        self.used_npp: set[str] = set()
        self.nik_serials: dict[str, int] = {}
        self.used_nik: set[str] = set()

    # --- identifiers ---------------------------------------------------------------------
    def kpj(self) -> str:
        while True:
            kpj = str(self.rng.randrange(10**10, 10**11))
            if kpj not in self.used_kpj and not kpj.startswith(PERSONA_KPJ_PREFIX):
                self.used_kpj.add(kpj)
                return kpj

    def npp(self) -> str:
        while True:
            npp = str(self.rng.randrange(10**7, 10**8))
            if npp not in self.used_npp:
                self.used_npp.add(npp)
                return npp

    def nik(self, region: str, day: date, sex: str) -> str:
        dd = day.day + (40 if sex == "F" else 0)
        stem = f"{region.replace('.', '')}{dd:02d}{day.month:02d}{day.year % 100:02d}"
        while True:
            serial = self.nik_serials.get(stem, 0) + 1
            self.nik_serials[stem] = serial
            nik = f"{stem}{serial:04d}"
            if nik not in self.used_nik:  # personas hold serials from 9001
                self.used_nik.add(nik)
                return nik

    # --- employers -----------------------------------------------------------------------
    def employers(self, count: int) -> list[EmployerSpec]:
        result = []
        districts = tuple((code, share) for code, (_, share) in ref.DISTRICTS.items())
        sectors = tuple(((name, words), share) for name, words, share in ref.SECTORS)
        for _ in range(count):
            form = _weighted(self.rng, ref.EMPLOYER_FORMS)
            sector, words = _weighted(self.rng, sectors)
            name = f"{form} {self.rng.choice(words)} {self.rng.choice(ref.EMPLOYER_WORDS)}"
            result.append(EmployerSpec(self.npp(), name, _weighted(self.rng, districts), sector))
        return result

    # --- people --------------------------------------------------------------------------
    def name(self, sex: str) -> str:
        first, second = (
            (ref.MALE_FIRST, ref.MALE_SECOND)
            if sex == "M"
            else (ref.FEMALE_FIRST, ref.FEMALE_SECOND)
        )
        if self.rng.random() < 0.12:  # many Banjar names are a single word
            return self.rng.choice(second)
        return f"{self.rng.choice(first)} {self.rng.choice(second)}"

    def spelling_variant(self, name: str) -> str:
        words = name.split()
        for i, word in enumerate(words):
            if word in ref.SPELLING_VARIANTS:
                words[i] = self.rng.choice(ref.SPELLING_VARIANTS[word])
                return " ".join(words)
        if len(words) > 1:
            return "".join(words) if self.rng.random() < 0.5 else " ".join(reversed(words))
        return name + name[-1]  # a doubled last letter

    def person(self, employers: int) -> PersonSpec:
        rng, as_of = self.rng, self.as_of
        sex = "M" if rng.random() < 0.6 else "F"
        age = _weighted(
            rng,
            (
                (19, 3),
                (22, 10),
                (27, 17),
                (33, 20),
                (40, 18),
                (47, 13),
                (52, 8),
                (57, 6),
                (62, 4),
                (67, 1),
            ),
        )
        age += rng.randrange(0, 5) if age < 67 else rng.randrange(0, 4)
        birth = as_of - timedelta(days=365 * age + rng.randrange(0, 365))
        district = _weighted(rng, tuple((c, s) for c, (_, s) in ref.DISTRICTS.items()))
        # One in ten NIKs was issued in another regency before the member moved here.
        nik_region = (
            f"{rng.choice(ref.OTHER_REGENCIES)}.{rng.randint(1, 9):02d}"
            if rng.random() < 0.1
            else district
        )
        # The date in a NIK is the date at first registration and sometimes wrong.
        nik_date = birth
        if rng.random() < 0.03:
            nik_date = birth.replace(day=min(28, birth.day % 28 + 1))
        full_name = self.name(sex)
        spec = PersonSpec(
            nik=self.nik(nik_region, nik_date, sex),
            full_name=full_name,
            birth_date=birth,
            sex=sex,
            mother_maiden_name=self.name("F"),
            district_code=district,
            birthplace=_weighted(rng, ref.BIRTHPLACES),
            address=self.address(district),
            phone=self.phone() if rng.random() < 0.93 else "",
            registry_name=self.spelling_variant(full_name) if rng.random() < 0.04 else full_name,
            registry_birth_date=birth,
        )
        if spec.phone and rng.random() < 0.45:
            local = full_name.lower().replace(" ", ".").replace("..", ".")
            spec.email = f"{local}{rng.randint(1, 999)}@contoh.example"
        if rng.random() < 0.01:  # the employer typed the birth date wrongly
            spec.birth_date = birth + timedelta(days=rng.choice((-3, -1, 1, 2, 30, 365)))
        if rng.random() < 0.005:
            spec.deceased_on = as_of - timedelta(days=rng.randrange(10, 900))
        spec.memberships = self.memberships(birth, employers, deceased_on=spec.deceased_on)
        if rng.random() < 0.93:
            spec.bank_accounts = [self.bank_account(spec, age)]
        return spec

    def address(self, district: str) -> str:
        rng = self.rng
        village = rng.choice(ref.VILLAGES[district])
        return (
            f"{rng.choice(ref.STREETS)} No. {rng.randint(1, 120)}, RT {rng.randint(1, 12):03d}/"
            f"RW {rng.randint(1, 5):03d}, {village}, {ref.DISTRICTS[district][0]}"
        )

    def phone(self) -> str:
        prefix = self.rng.choice(("11", "12", "13", "21", "22", "52", "53", "77", "78", "95"))
        return f"+628{prefix}{self.rng.randrange(10**6, 10**8)}"

    def memberships(
        self, birth: date, employers: int, *, deceased_on: date | None
    ) -> list[MembershipSpec]:
        rng, as_of = self.rng, self.as_of
        career_start = max(add_years(birth, rng.randint(18, 24)), EARLIEST_START)
        if career_start >= as_of - timedelta(days=90):
            career_start = as_of - timedelta(days=rng.randint(90, 365))
        years = _weighted(
            rng, ((rng.uniform(0.5, 4), 25), (rng.uniform(4, 15), 45), (rng.uniform(15, 30), 30))
        )
        first_start = max(career_start, as_of - timedelta(days=int(365.25 * years)))
        first_start = first_start.replace(day=1)
        count = _weighted(rng, ((1, 85), (2, 13), (3, 2)))
        span_days = (as_of - first_start).days
        if span_days < 400 * count:
            count = 1

        contract_age = rng.choice((55, 56, 58)) if rng.random() < 0.2 else None
        retirement_age = contract_age or JHT_AGE
        result: list[MembershipSpec] = []
        start = first_start
        for index in range(count):
            permille = _weighted(
                rng, ((1000, 60), (rng.randint(1000, 1500), 28), (rng.randint(1500, 3000), 12))
            )
            membership = MembershipSpec(
                kpj=self.kpj(),
                employer=rng.randrange(employers),
                start_date=start,
                contractual_retirement_age=contract_age,
                wage_permille=permille,
            )
            result.append(membership)
            if index < count - 1:  # an earlier job, ended and never claimed
                remaining = (as_of - start).days
                end = start + timedelta(
                    days=rng.randint(200, max(201, remaining // (count - index) - 60))
                )
                membership.separation_date = end
                membership.separation_reason = _weighted(
                    rng, (("resignation", 60), ("termination", 25), ("contract_end", 15))
                )
                start = (end + timedelta(days=rng.randint(15, 300))).replace(day=1)
                if start >= as_of - timedelta(days=60):
                    break

        self.fate(result[-1], birth, retirement_age, deceased_on)
        return result

    def fate(
        self, current: MembershipSpec, birth: date, retirement_age: int, deceased_on: date | None
    ) -> None:
        """How the latest membership stands on ``as_of``."""
        rng, as_of = self.rng, self.as_of
        retired_on = add_years(birth, retirement_age)
        if deceased_on is not None and deceased_on > current.start_date:
            if rng.random() < 0.6:  # otherwise the employer has not reported the death yet
                current.separation_date, current.separation_reason = deceased_on, "death"
            return
        if retired_on <= as_of:
            if retired_on > current.start_date and rng.random() < 0.7:
                current.separation_date, current.separation_reason = retired_on, "retirement"
            return
        fate = _weighted(
            rng,
            (
                ("active", 660),
                ("resignation_recent", 110),
                ("termination_recent", 60),
                ("contract_end_recent", 30),
                ("resignation_old", 80),
                ("termination_old", 30),
                ("leaving_indonesia", 12),
                ("permanent_disability", 4),
            ),
        )
        if fate == "active":
            return
        reason = fate.removesuffix("_recent").removesuffix("_old")
        back = rng.randint(0, 180) if fate.endswith("_recent") else rng.randint(181, 2900)
        end = max(as_of - timedelta(days=back), current.start_date + timedelta(days=31))
        if end > as_of:
            return
        current.separation_date, current.separation_reason = end, reason

    def bank_account(self, person: PersonSpec, age: int) -> BankAccountSpec:
        rng = self.rng
        bank, _, digits = rng.choices(
            ref.BANK_SHARES, weights=[share for _, share, _ in ref.BANK_SHARES]
        )[0]
        number = str(rng.randrange(10 ** (digits - 1), 10**digits)).zfill(digits)
        holder = person.registry_name.upper()
        roll = rng.random()
        if roll < 0.03:  # opened in a spouse's or parent's name
            holder = self.name("F" if person.sex == "M" else "M").upper()
        elif roll < 0.08 and holder.startswith("MUHAMMAD "):
            holder = "M. " + holder.removeprefix("MUHAMMAD ")
        elif age >= 50 and roll < 0.25:  # those who made the pilgrimage often add the title
            holder = ("H. " if person.sex == "M" else "HJ. ") + holder
        status = _weighted(rng, (("active", 90), ("dormant", 6), ("closed", 4)))
        return BankAccountSpec(bank, number, holder, status)


def generate(*, members: int, seed: int, as_of: date) -> Population:
    """``members`` people in all (at least the named personas), the same for the same seed."""
    if members < 0:
        raise ValueError("members cannot be negative")
    gen = _Generator(seed, as_of)
    named = personas(as_of)
    for spec in named:
        gen.used_nik.add(spec.nik)
        gen.used_kpj.update(m.kpj for m in spec.memberships)
    employer_count = max(12, members // 40)
    employers = gen.employers(employer_count)
    people = named + [gen.person(employer_count) for _ in range(max(0, members - len(named)))]
    return Population(seed=seed, as_of=as_of, employers=employers, people=people)
