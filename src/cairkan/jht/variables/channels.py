"""Where a claim may be filed: the app, the online assisted channel, the branch."""

from __future__ import annotations

from typing import Any

from openfisca_core.periods import DAY
from openfisca_core.variables import Variable

from cairkan.jht.entities import Member
from cairkan.jht.variables.inputs import ClaimReason


class within_app_limit(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "Balance at most the app limit in force on the decision date"
    reference = "BPJS Ketenagakerjaan JMO policy; domain Decision: balance <= limit"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("balance", period) <= parameters(period).jht.app_limit


class channel_app(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "May be filed in the self-service app"
    reference = "Domain reference, Channels: limit, non-active membership, never a death claim"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        non_active_or_partial = ~member("membership_active", period) | member(
            "is_partial_claim", period
        )
        return (
            member("eligible", period)
            & member("within_app_limit", period)
            & non_active_or_partial
            & (member("claim_reason", period) != ClaimReason.death)
        )


class channel_online_assisted(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "May be filed online with an officer's video verification (any eligible claim)"
    reference = "Domain reference, Channels"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("eligible", period)


class channel_branch(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "May be filed at a branch office counter (any eligible claim)"
    reference = "Domain reference, Channels"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("eligible", period)


CHANNEL_VARIABLES = {
    "app": "channel_app",
    "online_assisted": "channel_online_assisted",
    "branch": "channel_branch",
}
