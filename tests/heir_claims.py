"""An heir's death claim made for tests: the demo's deceased persona (Gusti Rahmadi),
his widow or their minor son as the heir, the rules' documents for death uploaded
through the same service the pages use, filed through ``claim_submit``."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command

from cairkan.claims.documents import upload_whole
from cairkan.claims.heirs import HeirInfo, heir_check, heir_draft_start
from cairkan.claims.models import Claim
from cairkan.claims.services import ClaimRequest, claim_submit
from cairkan.demo.heirs import DECEASED_KPJ, DECEASED_NIK, SON, WIDOW
from cairkan.members.models import Participant
from claim_steps import letter_photo

AS_OF = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))
SLOT = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
RINA = "6308056108979001"
DEATH_DOCUMENTS = (
    "ektp",
    "kpj_card",
    "bank_account",
    "death_certificate",
    "heir_certificate",
    "heir_ektp",
    "family_card",
    "npwp",  # Gusti Rahmadi's balance is above Rp 50 juta: the heir's NPWP
)


def seed() -> None:
    call_command("seed_demo", members=12, seed=1, as_of=AS_OF)


def widow(**changes: object) -> HeirInfo:
    typed = {
        "nik": WIDOW.nik,
        "full_name": "Hj. Siti Aminah",  # a title the registry does not hold
        "birth_date": WIDOW.birth_date,
        "relation": "spouse",
        "phone": "0812 3450 0777",
        **changes,
    }
    return HeirInfo(**typed)  # type: ignore[arg-type]


def son(**changes: object) -> HeirInfo:
    typed = {
        "nik": SON.nik,
        "full_name": SON.full_name,
        "birth_date": SON.birth_date,
        "relation": "child",
        "phone": "081234500778",
        "guardian_nik": WIDOW.nik,
        "guardian_name": WIDOW.full_name,
        **changes,
    }
    return HeirInfo(**typed)  # type: ignore[arg-type]


def checked(heir: HeirInfo) -> tuple[Participant, HeirInfo]:
    return heir_check(member_nik=DECEASED_NIK, kpj=DECEASED_KPJ, heir=heir, today=AS_OF)


def heir_request(heir: HeirInfo, **changes: object) -> ClaimRequest:
    bank = WIDOW if not heir.is_minor else SON
    fields = {
        "reason": "death",
        "separation_date": None,
        "bank_code": bank.bank_code,
        "account_number": bank.account_number,
        "appointment_kind": "video",
        "appointment_at": SLOT,
        "heir_is_minor": heir.is_minor,
        "npwp": heir.nik,  # a 16-digit NPWP is its holder's NIK (PMK 112/2022)
        **changes,
    }
    return ClaimRequest(**fields)  # type: ignore[arg-type]


def file_for(heir: HeirInfo, key: str = "heir-1", **changes: object) -> Claim:
    member, verified = checked(heir)
    draft = heir_draft_start(participant=member, heir=verified)
    kinds = DEATH_DOCUMENTS + (("guardian_letter",) if verified.is_minor else ())
    for kind in kinds:
        upload_whole(draft=draft, kind=kind, filename=f"{kind}.jpg", data=letter_photo())
    return claim_submit(
        participant=member,
        request=heir_request(verified, **changes),
        idempotency_key=key,
        heir=verified,
        now=NOW,
    )
