"""What is known about a claim when it is decided. The facade fills these from a case."""

from __future__ import annotations

from datetime import date

from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DAY, ETERNITY
from openfisca_core.variables import Variable

from cairkan.jht.entities import Member
from cairkan.jht.money import RupiahVariable


class ClaimReason(Enum):
    """Payout triggers: PP 46/2015 Art. 26 as changed by PP 60/2015; partial: Art. 22."""

    retirement = "Retirement age reached (Permenaker 4/2022 Art. 6(1))"
    resignation = "Resigned (Permenaker 4/2022 Art. 8–9)"
    termination = "Employment terminated, PHK (Permenaker 4/2022 Art. 10–11)"
    contract_end = "Fixed-term contract ended (Permenaker 4/2022 Art. 6(2), 7)"
    leaving_indonesia = "Leaving Indonesia for good (Permenaker 4/2022 Art. 6)"
    permanent_disability = "Permanent total disability (PP 46/2015 Art. 26)"
    death = "Death, claimed by the heirs (PP 46/2015 Art. 26)"
    partial_10 = "Partial withdrawal, at most 10% (PP 46/2015 Art. 22(5)(a))"
    partial_30 = "Partial withdrawal for housing, at most 30% (PP 46/2015 Art. 22(5)(b))"


class claim_reason(Variable):
    value_type = Enum
    possible_values = ClaimReason
    default_value = ClaimReason.retirement
    entity = Member
    definition_period = DAY
    label = "Why the JHT is claimed"


class birth_date(Variable):
    value_type = date
    default_value = date(1970, 1, 1)
    entity = Member
    definition_period = ETERNITY
    label = "Birth date as the population registry has it"


class contractual_retirement_age(Variable):
    value_type = int
    entity = Member
    definition_period = ETERNITY
    label = "Retirement age in the work contract or company rules; 0 when none is set"


class membership_start(Variable):
    value_type = date
    default_value = date(1970, 1, 1)
    entity = Member
    definition_period = ETERNITY
    label = "Start of the earliest linked membership"


class membership_active(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "The employer has not (yet) reported the departure: membership status active"


class separation_date(Variable):
    value_type = date
    default_value = date(1970, 1, 1)
    entity = Member
    definition_period = ETERNITY
    label = "Date of resignation, termination or end of contract"


class balance(RupiahVariable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "JHT balance on the decision date, all linked KPJ together (Rp)"


class has_npwp(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "The member has a tax number (NPWP)"


class partial_already_taken(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "A partial withdrawal (10% or 30%) was paid before"


class first_payout_year(Variable):
    value_type = int
    entity = Member
    definition_period = ETERNITY
    label = "Calendar year of the first earlier JHT payment; 0 when there was none"


class prior_payouts_in_tax_window(RupiahVariable):
    value_type = int
    entity = Member
    definition_period = DAY
    label = "Gross of earlier JHT payments in the calendar years that share one final-tax band (Rp)"


class heir_is_minor(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "A death claim's heir is a child (under 18), who acts through a guardian"
    reference = "PP 46/2015 Art. 26; UU 35/2014 Art. 1 (a child is under 18)"
