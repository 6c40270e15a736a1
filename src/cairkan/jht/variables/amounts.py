"""How much is paid, and the tax withheld. Whole rupiah in int64; tax rounded down."""

from __future__ import annotations

from typing import Any

import numpy as np
from openfisca_core.periods import DAY
from openfisca_core.variables import Variable

from cairkan.jht.entities import Member
from cairkan.jht.money import BASIS, RupiahVariable, basis_points, marginal_tax_scaled, share_of
from cairkan.jht.variables.inputs import ClaimReason


class claimable_amount(RupiahVariable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "The most this claim can pay: the whole balance, or 10% / 30% of it"
    reference = "PP 46/2015 Art. 22(5), Art. 26"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        partial = parameters(period).jht.partial
        reason = member("claim_reason", period)
        balance = member("balance", period)
        return np.select(
            [reason == ClaimReason.partial_10, reason == ClaimReason.partial_30],
            [share_of(balance, partial.share_general), share_of(balance, partial.share_housing)],
            default=balance,
        )


class gross(RupiahVariable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "Amount paid before tax; 0 when the claim is not eligible"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return np.where(member("eligible", period), member("claimable_amount", period), 0)


class within_final_tax_window(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "Paid within the calendar years that share one final-tax band with the first payment"
    reference = "PP 68/2009 (payments over more than two calendar years)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        years = parameters(period).tax.aggregation_calendar_years
        first = member("first_payout_year", period)
        return (first == 0) | (period.start.year < first + years)


class final_tax(RupiahVariable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "PP 68/2009 final tax on this payment, earlier payments in the window added up"
    reference = "PP 68/2009"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        scale = parameters(period).tax.final_lump_sum
        earlier = member("prior_payouts_in_tax_window", period)
        together = earlier + member("gross", period)
        # The tax on this payment is the lump sum's tax less the tax on the earlier payments,
        # each rounded down first (what was withheld), so the withholdings add up to the lump
        # sum's tax rounded down; rounding the difference would lose a rupiah when both
        # fractions add up past one (50 000 010 then 10: 0 + 0 withheld, lump sum's tax 1).
        lump_sum_tax = marginal_tax_scaled(together, scale) // BASIS
        withheld_before = marginal_tax_scaled(earlier, scale) // BASIS
        return lump_sum_tax - withheld_before


class progressive_tax(RupiahVariable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "Art. 17 tax on a payment in the third calendar year or later; +20% without NPWP"
    reference = "UU PPh Art. 17(1)(a) (as changed by UU 7/2021); Art. 21(5a)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        tax = parameters(period).tax
        scaled = marginal_tax_scaled(member("gross", period), tax.article_17)
        surcharge = BASIS + basis_points(tax.no_npwp_surcharge)
        scaled = np.where(member("has_npwp", period), scaled, scaled * surcharge // BASIS)
        return scaled // BASIS


class tax(RupiahVariable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "Income tax withheld from this payment (rounded down to the rupiah)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return np.where(
            member("within_final_tax_window", period),
            member("final_tax", period),
            member("progressive_tax", period),
        )


class net(RupiahVariable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "Amount transferred to the member: gross less tax"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("gross", period) - member("tax", period)
