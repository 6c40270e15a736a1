"""A claim to decide, as plain values, and its validation from JSON-like input.

Every problem is reported with the field it concerns, so an operator (or the member's
form) can point at it; all problems of a case are reported at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

# Before Permenaker 4/2022 the procedure differed (and the app limit did not exist); those
# rules are not modelled, so earlier decision dates are refused rather than guessed.
EARLIEST_DECISION_DATE = date(2022, 4, 26)


class Reason(StrEnum):
    RETIREMENT = "retirement"
    RESIGNATION = "resignation"
    TERMINATION = "termination"
    CONTRACT_END = "contract_end"
    LEAVING_INDONESIA = "leaving_indonesia"
    PERMANENT_DISABILITY = "permanent_disability"
    DEATH = "death"
    PARTIAL_10 = "partial_10"
    PARTIAL_30 = "partial_30"

    @property
    def needs_separation_date(self) -> bool:
        return self in {Reason.RESIGNATION, Reason.TERMINATION, Reason.CONTRACT_END}

    @property
    def is_partial(self) -> bool:
        return self in {Reason.PARTIAL_10, Reason.PARTIAL_30}


@dataclass(frozen=True, slots=True)
class PriorPayout:
    date: date
    reason: Reason
    gross: int


@dataclass(frozen=True, slots=True)
class Case:
    as_of: date
    reason: Reason
    birth_date: date
    retirement_age: int | None
    membership_start: date
    membership_active: bool
    separation_date: date | None
    balance: int
    has_npwp: bool
    prior_payouts: tuple[PriorPayout, ...] = field(default=())
    # A death claim filed for a minor heir: the guardian's letter is needed too.
    heir_is_minor: bool = False


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str


class InvalidCase(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


FIELDS = (
    "as_of",
    "reason",
    "birth_date",
    "retirement_age",
    "membership_start",
    "membership_active",
    "separation_date",
    "balance",
    "has_npwp",
    "prior_payouts",
    "heir_is_minor",
)
# Fields a case may leave out, with the value they then take.
OPTIONAL: dict[str, Any] = {"heir_is_minor": False}
NULLABLE = {"retirement_age", "separation_date"}
REASONS = ", ".join(r.value for r in Reason)


class _Reader:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.errors: list[FieldError] = []

    def error(self, name: str, message: str) -> None:
        self.errors.append(FieldError(f"{self.prefix}{name}", message))

    def date(self, name: str, value: Any) -> date | None:
        if not isinstance(value, str):
            self.error(name, f"must be a date written YYYY-MM-DD, not {_kind(value)}")
            return None
        try:
            return date.fromisoformat(value) if len(value) == 10 else _raise()
        except ValueError:
            self.error(name, f"{value!r} is not a real date written YYYY-MM-DD")
            return None

    def boolean(self, name: str, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.error(name, f"must be true or false, not {_kind(value)}")
            return None
        return value

    def rupiah(self, name: str, value: Any, *, positive: bool = False) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, f"must be a whole number of rupiah, not {_kind(value)}")
            return None
        if value < (1 if positive else 0):
            self.error(name, "must be more than 0" if positive else "cannot be negative")
            return None
        return value

    def reason(self, name: str, value: Any) -> Reason | None:
        try:
            return Reason(value)
        except ValueError:
            self.error(name, f"unknown reason {value!r}; use one of: {REASONS}")
            return None


def _raise() -> date:
    raise ValueError


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"the decimal number {value!r}"
    return {
        bool: "true/false",
        int: "a number",
        str: f"the text {value!r}",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def parse_case(data: Any, prefix: str = "") -> Case:
    """Build a ``Case`` from decoded JSON, or raise ``InvalidCase`` naming every bad field."""
    if not isinstance(data, Mapping):
        raise InvalidCase([FieldError(prefix.rstrip(".") or "case", "must be a JSON object")])
    r = _Reader(prefix)
    for name in FIELDS:
        if name not in data and name not in OPTIONAL:
            r.error(
                name, "is missing" + (" (use null when there is none)" if name in NULLABLE else "")
            )
    for name in data:
        if name not in FIELDS:
            r.error(name, f"is not a known field; the fields are: {', '.join(FIELDS)}")
    if r.errors:
        raise InvalidCase(r.errors)

    as_of = r.date("as_of", data["as_of"])
    reason = r.reason("reason", data["reason"])
    birth = r.date("birth_date", data["birth_date"])
    start = r.date("membership_start", data["membership_start"])
    active = r.boolean("membership_active", data["membership_active"])
    balance = r.rupiah("balance", data["balance"])
    has_npwp = r.boolean("has_npwp", data["has_npwp"])
    heir_is_minor = r.boolean("heir_is_minor", data.get("heir_is_minor", OPTIONAL["heir_is_minor"]))
    separation = (
        None
        if data["separation_date"] is None
        else r.date("separation_date", data["separation_date"])
    )
    retirement_age = data["retirement_age"]
    if retirement_age is not None and (
        isinstance(retirement_age, bool)
        or not isinstance(retirement_age, int)
        or not 40 <= retirement_age <= 70
    ):
        r.error("retirement_age", "must be a whole number of years from 40 to 70, or null")
        retirement_age = None

    if as_of and as_of < EARLIEST_DECISION_DATE:
        r.error(
            "as_of", f"rules before Permenaker 4/2022 ({EARLIEST_DECISION_DATE}) are not modelled"
        )
    if birth and as_of and birth >= as_of:
        r.error("birth_date", "must be before as_of")
    if birth and as_of and as_of.year - birth.year > 120:
        r.error("birth_date", "makes the member older than 120 years")
    if start and birth and start < birth:
        r.error("membership_start", "cannot be before birth_date")
    if start and as_of and start > as_of:
        r.error("membership_start", "cannot be after as_of")
    if reason and reason.needs_separation_date and data["separation_date"] is None:
        r.error("separation_date", f"is required for reason {reason.value}")
    if separation and start and separation < start:
        r.error("separation_date", "cannot be before membership_start")

    payouts = _prior_payouts(r, data["prior_payouts"], as_of)
    if r.errors:
        raise InvalidCase(r.errors)
    assert as_of and reason and birth and start and active is not None  # for the type checker
    assert balance is not None and has_npwp is not None and heir_is_minor is not None
    return Case(
        as_of=as_of,
        reason=reason,
        birth_date=birth,
        retirement_age=retirement_age,
        membership_start=start,
        membership_active=active,
        separation_date=separation,
        balance=balance,
        has_npwp=has_npwp,
        prior_payouts=payouts,
        heir_is_minor=heir_is_minor,
    )


def _prior_payouts(r: _Reader, value: Any, as_of: date | None) -> tuple[PriorPayout, ...]:
    if not isinstance(value, list):
        r.error("prior_payouts", f"must be a list (empty when there were none), not {_kind(value)}")
        return ()
    payouts = []
    for index, item in enumerate(value):
        name = f"prior_payouts[{index}]"
        if not isinstance(item, Mapping) or set(item) != {"date", "reason", "gross"}:
            r.error(name, "must be an object with exactly: date, reason, gross")
            continue
        day = r.date(f"{name}.date", item["date"])
        reason = r.reason(f"{name}.reason", item["reason"])
        gross = r.rupiah(f"{name}.gross", item["gross"], positive=True)
        if day and as_of and day > as_of:
            r.error(f"{name}.date", "cannot be after as_of")
        if day and reason and gross is not None:
            payouts.append(PriorPayout(day, reason, gross))
    return tuple(sorted(payouts, key=lambda p: p.date))
