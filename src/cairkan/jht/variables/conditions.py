"""One variable per condition, so every refusal names its reason."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from openfisca_core.periods import DAY
from openfisca_core.variables import Variable

from cairkan.jht.dates import add_months_array
from cairkan.jht.entities import Member
from cairkan.jht.variables._common import as_of
from cairkan.jht.variables.inputs import ClaimReason

SEPARATION_REASONS = (ClaimReason.resignation, ClaimReason.termination, ClaimReason.contract_end)
PARTIAL_REASONS = (ClaimReason.partial_10, ClaimReason.partial_30)


def _is_any(reason: Any, options: tuple[Any, ...]) -> Any:
    result = reason == options[0]
    for option in options[1:]:
        result = result | (reason == option)
    return result


class is_separation_claim(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "Resignation, termination or contract end: the claims with a waiting period"
    reference = "Permenaker 4/2022 Art. 6(2), 7–11"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return _is_any(member("claim_reason", period), SEPARATION_REASONS)


class is_partial_claim(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "A partial withdrawal (10% or 30%)"
    reference = "PP 46/2015 Art. 22"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return _is_any(member("claim_reason", period), PARTIAL_REASONS)


class retirement_age(Variable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "The retirement age that applies: the contract's, or the JHT age"
    reference = "Permenaker 4/2022 Art. 6(1)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        contractual = member("contractual_retirement_age", period)
        return np.where(contractual > 0, contractual, parameters(period).jht.retirement_age)


class retirement_age_date(Variable):
    value_type = date
    entity = Member
    definition_period = DAY
    label = "The day the member reaches the retirement age"
    reference = "Permenaker 4/2022 Art. 6(1)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return add_months_array(member("birth_date", period), member("retirement_age", period) * 12)


class waiting_period_end(Variable):
    value_type = date
    entity = Member
    definition_period = DAY
    label = "First day a resignation or termination claim is possible"
    reference = "Permenaker 4/2022 Art. 8–11"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        months = parameters(period).jht.waiting_period_months
        return add_months_array(member("separation_date", period), months)


class partial_allowed_from(Variable):
    value_type = date
    entity = Member
    definition_period = DAY
    label = "First day of the member's eleventh year of membership"
    reference = "PP 46/2015 Art. 22(4)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        years = parameters(period).jht.partial.minimum_membership_years
        return add_months_array(member("membership_start", period), years * 12)


# --- refusals: one variable each, named after the refusal code -------------------------


class refused_waiting_period(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "Less than the waiting period since the resignation or termination date"
    reference = "Permenaker 4/2022 Art. 8–11; domain Decision on the waiting period"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("is_separation_claim", period) & (
            as_of(period) < member("waiting_period_end", period)
        )


class refused_membership_active(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "The employer has not reported the departure: membership still active"
    reference = "Permenaker 4/2022 Art. 8–11; domain Decision on the waiting period"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("is_separation_claim", period) & member("membership_active", period)


class refused_under_retirement_age(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "A retirement claim before the retirement age"
    reference = "Permenaker 4/2022 Art. 6(1)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return (member("claim_reason", period) == ClaimReason.retirement) & (
            as_of(period) < member("retirement_age_date", period)
        )


class refused_membership_too_short(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "A partial withdrawal before ten years of membership"
    reference = "PP 46/2015 Art. 22(4)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("is_partial_claim", period) & (
            as_of(period) < member("partial_allowed_from", period)
        )


class refused_partial_already_taken(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "A second partial withdrawal: only one, 10% or 30%, per membership"
    reference = "PP 46/2015 Art. 22(4)–(6)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("is_partial_claim", period) & member("partial_already_taken", period)


class refused_npwp_missing(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "Balance above the NPWP threshold and no NPWP"
    reference = "Permenaker 4/2022 (requirements); PP 68/2009"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        threshold = parameters(period).jht.npwp_threshold
        return (member("balance", period) > threshold) & ~member("has_npwp", period)


class refused_no_balance(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "Nothing to pay: the balance is zero"
    reference = "PP 46/2015 Art. 26 (the benefit is the accumulated balance)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("balance", period) <= 0


REFUSAL_VARIABLES = {
    "waiting_period": "refused_waiting_period",
    "membership_active": "refused_membership_active",
    "under_retirement_age": "refused_under_retirement_age",
    "membership_too_short": "refused_membership_too_short",
    "partial_already_taken": "refused_partial_already_taken",
    "npwp_missing": "refused_npwp_missing",
    "no_balance": "refused_no_balance",
}
# The refusals that end by themselves on a known day, and the variable giving that day.
DATED_REFUSALS = {
    "refused_waiting_period": "waiting_period_end",
    "refused_under_retirement_age": "retirement_age_date",
    "refused_membership_too_short": "partial_allowed_from",
}


class refusal_count(Variable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "How many conditions the claim fails"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return sum(member(name, period).astype(np.int32) for name in REFUSAL_VARIABLES.values())


class eligible(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "The claim may be paid on the decision date"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("refusal_count", period) == 0


class eligible_from_known(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "The only obstacle is a date not yet reached (a waiting period, an age, ten years)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        single = member("refusal_count", period) == 1
        dated = sum(member(name, period) for name in DATED_REFUSALS).astype(bool)
        return single & dated


class eligible_from(Variable):
    value_type = date
    entity = Member
    definition_period = DAY
    label = "The day the only obstacle ends (meaningful when eligible_from_known)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        conditions = [member(name, period) for name in DATED_REFUSALS]
        choices = [member(day, period) for day in DATED_REFUSALS.values()]
        return np.select(conditions, choices, default=as_of(period))
