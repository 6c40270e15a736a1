"""``decide`` one claim or many through the OpenFisca model.

Cases are grouped by decision date: OpenFisca evaluates parameters for one period per
simulation, and each group is computed as numpy columns in one pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from openfisca_core import periods
from openfisca_core.simulations import SimulationBuilder

from cairkan.jht.cases import Case, Reason
from cairkan.jht.decision import REFUSAL_CODES, Decision
from cairkan.jht.system import system
from cairkan.jht.variables.channels import CHANNEL_VARIABLES
from cairkan.jht.variables.conditions import DATED_REFUSALS, REFUSAL_VARIABLES
from cairkan.jht.variables.documents import DOCUMENT_VARIABLES
from cairkan.jht.variables.inputs import ClaimReason

Columns = Mapping[str, npt.NDArray[Any]]
REASON_INDEX = {reason.value: ClaimReason[reason.value].index for reason in Reason}
INPUTS = (
    "claim_reason",
    "birth_date",
    "contractual_retirement_age",
    "membership_start",
    "membership_active",
    "separation_date",
    "balance",
    "has_npwp",
    "partial_already_taken",
    "first_payout_year",
    "prior_payouts_in_tax_window",
    "heir_is_minor",
)
_DATE_OF_REFUSAL = {
    code: DATED_REFUSALS[variable]
    for code, variable in REFUSAL_VARIABLES.items()
    if variable in DATED_REFUSALS
}
OUTPUTS = (
    "eligible",
    "eligible_from_known",
    "eligible_from",
    "gross",
    "tax",
    "net",
    "retirement_age",
    *REFUSAL_VARIABLES.values(),
    *CHANNEL_VARIABLES.values(),
    *DOCUMENT_VARIABLES.values(),
    *sorted(set(_DATE_OF_REFUSAL.values())),
)


def decide_columns(
    as_of: date, columns: Columns, outputs: Sequence[str] = OUTPUTS
) -> dict[str, npt.NDArray[Any]]:
    """The vectorised core: input columns (see ``INPUTS``) in, output columns out.

    ``claim_reason`` is given as ``REASON_INDEX`` codes, dates as ``datetime64[D]``,
    money as int64 rupiah.
    """
    tbs = system()
    count = len(columns["claim_reason"])
    simulation = SimulationBuilder().build_default_simulation(tbs, count)
    day = periods.period(as_of.isoformat())
    for name in INPUTS:
        variable = tbs.variables[name]
        period = (
            periods.period(periods.ETERNITY)
            if variable.definition_period == periods.ETERNITY
            else day
        )
        simulation.set_input(name, period, columns[name])
    return {name: simulation.calculate(name, day) for name in outputs}


def _payment_days(as_of: date) -> Callable[[int], int]:
    """The service level on ``as_of``: working days to pay a balance of a given size."""
    level = system().parameters(as_of.isoformat()).jht.service_level_working_days
    short, long, limit = int(level.short), int(level.long), int(level.small_balance_limit)
    return lambda balance: short if balance <= limit else long


def _columns(cases: Sequence[Case]) -> dict[str, npt.NDArray[Any]]:
    tax = system().parameters(cases[0].as_of.isoformat()).tax
    window_years = int(tax.aggregation_calendar_years)
    firsts = [c.prior_payouts[0].date.year if c.prior_payouts else 0 for c in cases]
    return {
        "claim_reason": np.array([REASON_INDEX[c.reason.value] for c in cases], dtype=np.int16),
        "birth_date": np.array([c.birth_date for c in cases], dtype="datetime64[D]"),
        "contractual_retirement_age": np.array(
            [c.retirement_age or 0 for c in cases], dtype=np.int32
        ),
        "membership_start": np.array([c.membership_start for c in cases], dtype="datetime64[D]"),
        "membership_active": np.array([c.membership_active for c in cases], dtype=bool),
        # No separation date (retirement, death…): the waiting period never applies there.
        "separation_date": np.array(
            [c.separation_date or c.membership_start for c in cases], dtype="datetime64[D]"
        ),
        "balance": np.array([c.balance for c in cases], dtype=np.int64),
        "has_npwp": np.array([c.has_npwp for c in cases], dtype=bool),
        "partial_already_taken": np.array(
            [any(p.reason.is_partial for p in c.prior_payouts) for c in cases], dtype=bool
        ),
        "first_payout_year": np.array(firsts, dtype=np.int32),
        "prior_payouts_in_tax_window": np.array(
            [
                sum(p.gross for p in c.prior_payouts if p.date.year < first + window_years)
                for c, first in zip(cases, firsts, strict=True)
            ],
            dtype=np.int64,
        ),
        "heir_is_minor": np.array([c.heir_is_minor for c in cases], dtype=bool),
    }


def _to_date(value: np.datetime64) -> date:
    return date.fromisoformat(str(value))


def decide_many(cases: Sequence[Case]) -> list[Decision]:
    """Decisions for many cases, in the order given."""
    groups: dict[date, list[int]] = defaultdict(list)
    for index, case in enumerate(cases):
        groups[case.as_of].append(index)
    decisions: list[Decision | None] = [None] * len(cases)
    for as_of, indexes in groups.items():
        group = [cases[i] for i in indexes]
        out = decide_columns(as_of, _columns(group))
        threshold = int(system().parameters(as_of.isoformat()).jht.npwp_threshold)
        payment_days = _payment_days(as_of)
        for row, index in enumerate(indexes):
            refusals = tuple(code for code in REFUSAL_CODES if out[REFUSAL_VARIABLES[code]][row])
            decisions[index] = Decision(
                eligible=bool(out["eligible"][row]),
                refusals=refusals,
                eligible_from=_to_date(out["eligible_from"][row])
                if out["eligible_from_known"][row]
                else None,
                gross=int(out["gross"][row]),
                tax=int(out["tax"][row]),
                net=int(out["net"][row]),
                channels=tuple(c for c, v in CHANNEL_VARIABLES.items() if out[v][row]),
                documents=tuple(d for d, v in DOCUMENT_VARIABLES.items() if out[v][row]),
                payment_within_working_days=payment_days(group[row].balance),
                condition_dates={
                    code: _to_date(out[_DATE_OF_REFUSAL[code]][row])
                    for code in refusals
                    if code in _DATE_OF_REFUSAL
                },
                retirement_age=int(out["retirement_age"][row]),
                npwp_threshold=threshold,
            )
    return [d for d in decisions if d is not None]


def decide(case: Case) -> Decision:
    """The decision for one claim."""
    return decide_many([case])[0]


@dataclass(frozen=True, slots=True)
class Limits:
    """The figures guidance quotes, as the rules have them on a day (integer rupiah)."""

    app_limit: int  # domain reference, Channels: balance <= limit may be claimed in the app
    npwp_threshold: int  # PP 68/2009 as applied by BPJS: above it the claim needs an NPWP
    waiting_period_months: int  # Permenaker 4/2022 Art. 8-11: after resignation or dismissal


def limits(on: date) -> Limits:
    parameters = system().parameters(on.isoformat()).jht
    return Limits(
        app_limit=int(parameters.app_limit),
        npwp_threshold=int(parameters.npwp_threshold),
        waiting_period_months=int(parameters.waiting_period_months),
    )
