"""What the counter reads for a walk-in: the member standing there (NIK + KPJ against the
membership records and the population registry), the face their live check is compared
with, the consent read to them and the short claim number printed on their receipt.

Filing itself is ``claims.services.claim_submit(counter=...)``: the wizard's one path.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from cairkan.biometrics import runtime
from cairkan.biometrics.engine import UnreadableImage, decode_image
from cairkan.biometrics.engine.faces import Embedding
from cairkan.biometrics.engine.matching import NoUsableReference, reference_embedding
from cairkan.biometrics.models import FaceEnrolment
from cairkan.claims.messages import REASON_LABELS
from cairkan.claims.models import Claim
from cairkan.integrations import loading
from cairkan.integrations.bank.base import BANKS
from cairkan.integrations.registry.base import (
    PersonNotFound,
    RegistryPerson,
    RegistryTimeout,
    RegistryUnavailable,
)
from cairkan.integrations.registry.sandbox import SandboxPopulationRegistry
from cairkan.jht.messages import rupiah
from cairkan.members.identifiers import normalize_number
from cairkan.members.models import Membership, Participant


class WalkInRefused(Exception):
    """Why the counter cannot go on for this person (a code of ``claims.messages``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def walk_in_member(*, nik: str, kpj: str) -> tuple[Participant, RegistryPerson]:
    """The member whose e-KTP (NIK) and membership card (KPJ) are on the counter, as the
    registration's identity check matches them: the KPJ is on record and belongs to this
    NIK, and the population registry knows the NIK and the person is alive (a death
    claim is the heirs', never filed as the member's own)."""
    nik, kpj = normalize_number(nik), normalize_number(kpj)
    if len(nik) != 16 or not nik.isdigit():
        raise WalkInRefused("walk_in_nik_format")
    if len(kpj) != 11 or not kpj.isdigit():
        raise WalkInRefused("walk_in_kpj_format")
    membership = Membership.objects.select_related("participant").filter(kpj=kpj).first()
    if membership is None:
        raise WalkInRefused("walk_in_kpj_unknown")
    if membership.participant.nik != nik:
        raise WalkInRefused("walk_in_kpj_not_this_nik")
    try:
        person = loading.population_registry().lookup(nik)
    except PersonNotFound:
        raise WalkInRefused("walk_in_not_in_registry") from None
    except (RegistryTimeout, RegistryUnavailable):
        raise WalkInRefused("walk_in_registry_unavailable") from None
    if person.deceased:
        raise WalkInRefused("walk_in_deceased")
    return membership.participant, person


def _registry_photo(participant: Participant) -> bytes | None:
    try:
        return loading.population_registry().lookup(participant.nik).photo_jpeg
    except PersonNotFound:
        return None
    except (RegistryTimeout, RegistryUnavailable):
        raise WalkInRefused("walk_in_registry_unavailable") from None


def counter_tester_mode(*, participant: Participant) -> bool:
    """Test systems only, as on the member's enrolment page: the sandbox registry has no
    photo of a member who never enrolled, so the counter's first frame may stand in for
    it (the page says so and the officer ticks it)."""
    return (
        isinstance(loading.population_registry(), SandboxPopulationRegistry)
        and not FaceEnrolment.objects.filter(participant=participant).exists()
        and _registry_photo(participant) is None
    )


def counter_face_reference(
    *, participant: Participant, tester_front: bytes | None = None
) -> Embedding:
    """The face the counter's live check is compared with: the member's enrolled face,
    as on their own face page; a member who never enrolled online (no phone) is compared
    with the population registry's photo, which every enrolment is matched against.
    ``tester_front`` (``counter_tester_mode`` only): the capture's frame looking straight."""
    enrolment = FaceEnrolment.objects.filter(participant=participant).first()
    if enrolment is not None:
        return enrolment.vector
    photo = _registry_photo(participant)
    if photo is None and tester_front is not None and counter_tester_mode(participant=participant):
        photo = tester_front
    if photo is None:
        raise WalkInRefused("walk_in_no_face_reference")
    try:
        return reference_embedding(runtime.engine(), decode_image(photo))
    except (UnreadableImage, NoUsableReference):
        raise WalkInRefused("walk_in_no_face_reference") from None


def consent_text(
    *,
    participant: Participant,
    reason: str,
    net: int,
    bank_code: str,
    account_number: str,
    holder: str,
    officer: Any,
) -> str:
    """The consent the officer reads to the member before filing, naming this claim: it
    is recorded word for word (``CounterConsent.text``) in the language it was read in."""
    return _(
        "I, %(name)s, ask BPJS Ketenagakerjaan to pay my JHT (%(reason)s): %(net)s into "
        "account %(bank)s ending %(tail)s in the name of %(holder)s, which is mine. "
        "Officer %(officer)s filled in this claim for me at the counter with my documents "
        "and my answers, which I have checked, and my face was checked on the counter's "
        "camera. I know that giving false information is an offence. I will be told of "
        "every step of the claim."
    ) % {
        "name": participant.full_name,
        "reason": str(REASON_LABELS.get(reason, reason)),
        "net": rupiah(net, "id"),
        "bank": BANKS.get(bank_code, bank_code),
        "tail": account_number[-4:],
        "holder": holder,
        "officer": officer.get_full_name() or officer.get_username(),
    }


def claim_number(claim: Claim) -> str:
    """The short number the member quotes at the counter or by phone: the same one every
    status message names (``claims.services._notify``)."""
    return str(claim.public_id)[:8]


def claims_by_number(number: str) -> list[Claim]:
    """The claims whose number starts so (a member reading it from their receipt)."""
    number = "".join(ch for ch in number.lower() if ch in "0123456789abcdef-")[:36]
    if len(number) < 8:
        return []
    return list(
        Claim.objects.filter(public_id__startswith=number).select_related("participant")[:5]
    )
