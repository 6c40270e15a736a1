"""What the review screen shows of one claim: the registry beside what the member
entered, the face check, a fresh bank inquiry and the rules' decision, all in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cairkan.backoffice.services import REJECTION_CODES
from cairkan.biometrics.models import FaceAttempt, Outcome
from cairkan.claims.messages import DOCUMENT_LABELS, REASON_LABELS
from cairkan.claims.models import Claim, Claimant, DocumentUpload, HeirRelation
from cairkan.claims.services import ClaimError, ClaimRequest, claim_preview
from cairkan.integrations import loading
from cairkan.integrations.bank.base import BANKS, BankError
from cairkan.integrations.registry.base import RegistryError
from cairkan.jht.messages import long_date, rupiah
from cairkan.members.names import compare_names


@dataclass
class Row:
    label: str
    entered: str
    registry: str
    flagged: bool
    differs: bool


def money(amount: int, language: str) -> str:
    return rupiah(amount, language)


def registry_rows(claim: Claim, language: str) -> tuple[list[Row], str]:
    """The member's record beside the population registry's, and a note when the
    registry could not be asked."""
    person = claim.participant
    membership = person.memberships.order_by("start_date").last()
    try:
        registry: Any = loading.population_registry().lookup(person.nik)
        note = ""
    except RegistryError:
        registry, note = None, _("The population registry did not answer; try again later.")
    flagged = set(claim.flagged_fields)

    def row(label: str, code: str, entered: str, theirs: str | None, same: bool) -> Row:
        shown = theirs if theirs is not None else "—"
        return Row(label, entered, shown, code in flagged, theirs is not None and not same)

    name_same = registry is not None and compare_names(person.full_name, registry.full_name).same
    rows = [
        row(_("NIK"), "nik", person.nik, registry.nik if registry else None, True),
        row(
            _("Full name"),
            "full_name",
            person.full_name,
            registry.full_name if registry else None,
            name_same,
        ),
        row(
            _("Birth date"),
            "birth_date",
            long_date(person.birth_date, language),
            long_date(registry.birth_date, language) if registry else None,
            registry is not None and registry.birth_date == person.birth_date,
        ),
    ]
    if registry is not None and registry.deceased:
        rows.append(
            Row(_("Deceased on"), "—", long_date(registry.deceased_on, language), False, True)
        )
    if membership is not None:
        for label, code, value in (
            (_("KPJ number"), "kpj", membership.kpj),
            (_("Employer"), "employer", membership.employer.name),
            (_("Membership start"), "membership_start", long_date(membership.start_date, language)),
            (
                _("Separation date"),
                "separation_date",
                long_date(claim.separation_date, language) if claim.separation_date else "—",
            ),
        ):
            rows.append(Row(label, value, _("(BPJS record)"), code in flagged, False))
    return rows, note


def face_summary(claim: Claim) -> dict[str, Any] | None:
    attempt = (
        FaceAttempt.objects.filter(
            participant=claim.participant, purpose="claim", created_at__lte=claim.submitted_at
        )
        .order_by("-created_at")
        .first()
    )
    if attempt is None:
        return None
    return {
        "outcome": Outcome(attempt.outcome).label,
        "passed": attempt.outcome == Outcome.PASSED,
        "distance": f"{attempt.distance:.2f}" if attempt.distance is not None else "—",
        "liveness": attempt.liveness_reason or "—",
        "at": attempt.created_at,
    }


def heir_summary(claim: Claim, language: str) -> dict[str, Any] | None:
    """The heir who filed a death claim, as checked against the registry at filing, and
    whether the registry still knows them (and the guardian) so, asked now."""
    heir = Claimant.objects.filter(claim=claim).first()
    if heir is None:
        return None
    registry = loading.population_registry()
    try:
        person = registry.lookup(heir.nik)
        confirmed: bool | None = (
            not person.deceased
            and person.birth_date == heir.birth_date
            and compare_names(person.full_name, heir.full_name).same
        )
        guardian = registry.lookup(heir.guardian_nik) if heir.is_minor else None
        guardian_confirmed: bool | None = (
            guardian is None or compare_names(guardian.full_name, heir.guardian_name).same
        )
    except RegistryError:
        confirmed = guardian_confirmed = None
    return {
        "name": heir.full_name,
        "nik": heir.nik,
        "birth_date": long_date(heir.birth_date, language),
        "relation": HeirRelation(heir.relation).label,
        "phone": heir.phone,
        "minor": heir.is_minor,
        "guardian_name": heir.guardian_name,
        "guardian_nik": heir.guardian_nik,
        "confirmed": confirmed,
        "guardian_confirmed": guardian_confirmed,
    }


def payee_name(claim: Claim) -> str:
    """Whose name the account must be in: the heir's on a death claim, else the member's."""
    heir = Claimant.objects.filter(claim=claim).first()
    return heir.full_name if heir else claim.participant.full_name


def bank_inquiry(claim: Claim) -> dict[str, Any]:
    bank_name = BANKS.get(claim.bank_code, claim.bank_code)
    try:
        holder = loading.bank().inquire_account(
            bank_code=claim.bank_code, account_number=claim.account_number
        )
    except BankError:
        return {"bank": bank_name, "answered": False}
    registry_same = compare_names(holder.holder_name, payee_name(claim)).same
    return {
        "bank": bank_name,
        "answered": True,
        "holder": holder.holder_name,
        "status": holder.status.value,
        "active": holder.status.value == "active",
        "same_name": registry_same,
    }


def decision_summary(claim: Claim, language: str) -> dict[str, Any]:
    """The rules on today's records for this claim's request: eligible or each refusal
    in words, and the amounts."""
    request = ClaimRequest(
        reason=claim.reason,
        separation_date=claim.separation_date,
        bank_code=claim.bank_code,
        account_number=claim.account_number,
        npwp=claim.npwp,
    )
    try:
        preview = claim_preview(participant=claim.participant, request=request)
    except ClaimError as exc:
        return {"available": False, "code": exc.code}
    decision = preview.decision
    return {
        "available": True,
        "eligible": decision.eligible,
        "refusals": [item["message"] for item in decision.explain(language)],
        "gross": money(decision.gross, language),
        "tax": money(decision.tax, language),
        "net": money(decision.net, language),
        "days": decision.payment_within_working_days,
        "documents": [str(DOCUMENT_LABELS.get(code, code)) for code in decision.documents],
    }


def documents(claim: Claim) -> list[dict[str, Any]]:
    return [
        {
            "upload": upload,
            "label": str(DOCUMENT_LABELS.get(upload.kind, upload.kind)),
            "is_image": upload.content_type.startswith("image/"),
            "is_pdf": upload.content_type == "application/pdf",
        }
        for upload in claim.documents.filter(state=DocumentUpload.State.COMPLETE).order_by(
            "kind", "-created_at"
        )
    ]


def reason_words(claim: Claim) -> str:
    return str(REASON_LABELS.get(claim.reason, claim.reason))


# The officer's words for each rejection code (the member reads the rules' own message).
REJECTION_CHOICE_LABELS = {
    "waiting_period": gettext_lazy("The month's wait after leaving work is not over"),
    "membership_active": gettext_lazy(
        "Membership still active: the employer has not reported the leaving"
    ),
    "under_retirement_age": gettext_lazy("Below the retirement age"),
    "membership_too_short": gettext_lazy("Less than 10 years of membership (partial withdrawal)"),
    "partial_already_taken": gettext_lazy("A partial withdrawal was already paid"),
    "npwp_missing": gettext_lazy("No NPWP for a balance above the threshold"),
    "no_balance": gettext_lazy("No balance to pay"),
    "documents_incomplete": gettext_lazy(
        "Documents incomplete or unreadable after the correction period"
    ),
    "not_eligible": gettext_lazy("Not eligible on the records"),
    "identity_mismatch": gettext_lazy("Identity not confirmed"),
}


def rejection_choices() -> list[tuple[str, str]]:
    """Every code an officer may reject with (services.REJECTION_CODES), in words."""
    return [(code, str(REJECTION_CHOICE_LABELS[code])) for code in REJECTION_CODES]
