"""What the member must bring, one variable per document (Permenaker 4/2022)."""

from __future__ import annotations

from typing import Any

from openfisca_core.periods import DAY
from openfisca_core.variables import Variable

from cairkan.jht.entities import Member
from cairkan.jht.variables.inputs import ClaimReason

R = ClaimReason
ALL_REASONS = tuple(R)

# code: (reasons that need it, reference)
DOCUMENTS: dict[str, tuple[tuple[Any, ...], str]] = {
    "ektp": (ALL_REASONS, "Permenaker 4/2022: identity (e-KTP) for every claim"),
    "kpj_card": (ALL_REASONS, "Permenaker 4/2022: membership card (KPJ) for every claim"),
    "bank_account": (ALL_REASONS, "Permenaker 4/2022: an account in the member's own name"),
    "resignation_statement": ((R.resignation,), "Permenaker 4/2022 Art. 9"),
    "termination_proof": ((R.termination,), "Permenaker 4/2022 Art. 11"),
    "contract_end_proof": ((R.contract_end,), "Permenaker 4/2022 Art. 7"),
    "passport": ((R.leaving_indonesia,), "Permenaker 4/2022 Art. 6"),
    "not_working_in_indonesia_statement": ((R.leaving_indonesia,), "Permenaker 4/2022 Art. 6"),
    "doctor_certificate": ((R.permanent_disability,), "PP 46/2015 Art. 26"),
    "death_certificate": ((R.death,), "PP 46/2015 Art. 26"),
    "heir_certificate": ((R.death,), "PP 46/2015 Art. 26"),
    "heir_ektp": ((R.death,), "PP 46/2015 Art. 26"),
    "family_card": ((R.death,), "PP 46/2015 Art. 26"),
    "housing_documents": ((R.partial_30,), "PP 46/2015 Art. 22(5)(b)"),
}


def _document_variable(code: str, reasons: tuple[Any, ...], ref: str) -> type:
    def formula(member: Any, period: Any, parameters: Any) -> Any:
        reason = member("claim_reason", period)
        needed = reason == reasons[0]
        for other in reasons[1:]:
            needed = needed | (reason == other)
        return needed

    return type(
        f"document_{code}",
        (Variable,),
        {
            "value_type": bool,
            "entity": Member,
            "definition_period": DAY,
            "label": f"The member must provide: {code}",
            "reference": ref,
            "formula": formula,
        },
    )


class document_guardian_letter(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "The guardian's letter (surat perwalian) of a minor heir"
    reference = "PP 46/2015 Art. 26; UU 35/2014 Art. 1 (a child is under 18)"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return (member("claim_reason", period) == R.death) & member("heir_is_minor", period)


class document_npwp(Variable):
    value_type = bool
    entity = Member
    definition_period = DAY
    label = "The member must provide a tax number (NPWP): balance above the threshold"
    reference = "Permenaker 4/2022 (requirements); PP 68/2009"

    def formula(member: Any, period: Any, parameters: Any) -> Any:
        return member("balance", period) > parameters(period).jht.npwp_threshold


DOCUMENT_VARIABLES: dict[str, str] = {code: f"document_{code}" for code in DOCUMENTS}
DOCUMENT_VARIABLES["guardian_letter"] = "document_guardian_letter"
DOCUMENT_VARIABLES["npwp"] = "document_npwp"
GENERATED = [_document_variable(code, *spec) for code, spec in DOCUMENTS.items()]
