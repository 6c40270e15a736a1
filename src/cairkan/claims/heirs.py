"""Heirs' death claims: who the heir is, checked against the population registry, and
the heir's draft of the claim.

A death claim is filed by an heir, never through the deceased member's own account
(domain reference, Channels; PP 46/2015 Art. 26). The heir types their own NIK, name
and birth date and the member's NIK and KPJ; the registry must record the member as
deceased and know the heir (alive, same birth date, a name equal up to titles and
spelling). An heir under 18 acts through a guardian, checked the same way. The filing
itself is ``claims.services.claim_submit`` with ``heir=`` (the wizard's path).

Each check is a guess at other people's data when it fails, so it is limited per heir
NIK, per member NIK and per client, and every failure gets the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cairkan.accounts import throttle
from cairkan.accounts.services import PHONE, normalize_phone
from cairkan.claims.models import OPEN_STATUSES, Claim, ClaimDraft, HeirRelation
from cairkan.integrations import loading
from cairkan.integrations.registry.base import PersonNotFound, RegistryError, RegistryPerson
from cairkan.jht.dates import add_years
from cairkan.members.identifiers import normalize_number, validate_nik
from cairkan.members.models import Participant
from cairkan.members.names import compare_names

# UU 35/2014 Art. 1: a child is a person under 18; a child acts through a guardian.
ADULT_AGE = 18
HEIR_NIK_LIMIT = throttle.Limit("heir_nik", 5, timedelta(hours=1))
HEIR_MEMBER_LIMIT = throttle.Limit("heir_member_nik", 10, timedelta(days=1))
HEIR_CLIENT_LIMIT = throttle.Limit("heir_client", 20, timedelta(hours=1))
# An heir's draft nobody touched for this long no longer keeps another heir out.
DRAFT_ABANDONED_AFTER = timedelta(days=7)


class HeirError(Exception):
    def __init__(self, code: str, field: str = "", **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


@dataclass(frozen=True, slots=True)
class HeirInfo:
    """An heir as typed, then (after ``heir_check``) as the registry knows them."""

    nik: str
    full_name: str
    birth_date: date
    relation: str
    phone: str
    guardian_nik: str = ""
    guardian_name: str = ""
    is_minor: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "nik": self.nik,
            "full_name": self.full_name,
            "birth_date": self.birth_date.isoformat(),
            "relation": self.relation,
            "phone": self.phone,
            "guardian_nik": self.guardian_nik,
            "guardian_name": self.guardian_name,
            "is_minor": self.is_minor,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HeirInfo:
        return cls(
            nik=data["nik"],
            full_name=data["full_name"],
            birth_date=date.fromisoformat(data["birth_date"]),
            relation=data["relation"],
            phone=data["phone"],
            guardian_nik=data.get("guardian_nik", ""),
            guardian_name=data.get("guardian_name", ""),
            is_minor=bool(data.get("is_minor")),
        )


def _nik(value: str, field: str) -> str:
    nik = normalize_number(value)
    try:
        validate_nik(nik)
    except ValidationError:
        raise HeirError("heir_nik_invalid", field) from None
    return nik


def _lookup(nik: str) -> RegistryPerson | None:
    try:
        return loading.population_registry().lookup(nik)
    except PersonNotFound:
        return None
    except RegistryError:
        raise HeirError("registry_unavailable") from None


def _same_person(person: RegistryPerson | None, name: str, birth_date: date | None) -> bool:
    return (
        person is not None
        and not person.deceased
        and (birth_date is None or person.birth_date == birth_date)
        and compare_names(person.full_name, name).same
    )


def _age(birth_date: date, on: date) -> int:
    years = on.year - birth_date.year
    return years - 1 if add_years(birth_date, years) > on else years


def heir_check(
    *, member_nik: str, kpj: str, heir: HeirInfo, client: str = "", today: date | None = None
) -> tuple[Participant, HeirInfo]:
    """The deceased member (a participant holding ``kpj``) and the heir as the registry
    knows them, or ``HeirError`` saying what to do. One answer for every mismatch, so a
    failed try teaches nothing about whose data was wrong."""
    today = today or timezone.localdate()
    member_nik = _nik(member_nik, "member_nik")
    heir_nik = _nik(heir.nik, "nik")
    if heir_nik == member_nik:
        raise HeirError("heir_is_member", "nik")
    if heir.relation not in HeirRelation.values:
        raise HeirError("heir_relation_unknown", "relation")
    phone = normalize_phone(heir.phone)
    if not PHONE.match(phone):
        raise HeirError("phone_invalid", "phone")
    limits = [
        (HEIR_NIK_LIMIT, heir_nik),
        (HEIR_MEMBER_LIMIT, member_nik),
        (HEIR_CLIENT_LIMIT, client or "unknown"),
    ]
    try:
        ticket = throttle.take(limits)
    except throttle.Throttled as exc:
        raise HeirError("heir_throttled", until=exc.until) from None
    try:
        result = _compare(member_nik, normalize_number(kpj), replace(heir, nik=heir_nik), today)
    except HeirError as exc:
        if exc.code == "registry_unavailable":
            throttle.give_back(ticket)  # nobody was judged: not a guess
        raise
    except BaseException:
        throttle.give_back(ticket)
        raise
    throttle.give_back(ticket)
    return result[0], replace(result[1], phone=phone)


def _compare(
    member_nik: str, kpj: str, heir: HeirInfo, today: date
) -> tuple[Participant, HeirInfo]:
    participant = Participant.objects.filter(nik=member_nik, memberships__kpj=kpj).first()
    member = _lookup(member_nik) if participant else None
    person = _lookup(heir.nik)
    if (
        participant is None
        or member is None
        or not _same_person(person, heir.full_name, heir.birth_date)
    ):
        raise HeirError("heir_identity_mismatch")
    assert person is not None
    if not member.deceased:
        # Said only once the heir proved who they are: a living member claims for
        # themselves, in the app or at the branch.
        raise HeirError("heir_member_not_deceased")
    minor = _age(person.birth_date, today) < ADULT_AGE
    checked = replace(heir, full_name=person.full_name, birth_date=person.birth_date)
    if not minor:
        return participant, replace(checked, guardian_nik="", guardian_name="", is_minor=False)
    if not heir.guardian_nik or not heir.guardian_name:
        raise HeirError("heir_guardian_required", "guardian_nik")
    guardian_nik = _nik(heir.guardian_nik, "guardian_nik")
    guardian = _lookup(guardian_nik)
    if (
        guardian is None
        or not _same_person(guardian, heir.guardian_name, None)
        or _age(guardian.birth_date, today) < ADULT_AGE
        or guardian_nik in (heir.nik, member_nik)
    ):
        raise HeirError("heir_guardian_mismatch", "guardian_nik")
    return participant, replace(
        checked, guardian_nik=guardian_nik, guardian_name=guardian.full_name, is_minor=True
    )


def heir_draft_start(*, participant: Participant, heir: HeirInfo) -> ClaimDraft:
    """The heir's draft of the death claim (the deceased member's one draft, marked with
    the heir). The member's own unfinished draft is dropped; another heir's draft keeps
    this one out until it is abandoned, so two heirs never see each other's uploads."""
    if Claim.objects.filter(participant=participant, status__in=OPEN_STATUSES).exists():
        # Filed by the member before dying (or by another heir): one claim at a time.
        raise HeirError("heir_claim_open")
    with transaction.atomic():
        draft, created = ClaimDraft.objects.select_for_update().get_or_create(
            participant=participant,
            defaults={"data": {"heir": heir.as_json(), "reason": {"reason": "death"}}},
        )
        if created:
            return draft
        owner = draft.data.get("heir", {}).get("nik")
        if owner == heir.nik:
            draft.data = {**draft.data, "heir": heir.as_json()}
            draft.version += 1
            draft.save()
            return draft
        if owner and timezone.now() - draft.updated_at < DRAFT_ABANDONED_AFTER:
            raise HeirError("heir_draft_other")
        draft.delete()  # the member's own, or an abandoned heir's: its uploads go with it
        return ClaimDraft.objects.create(
            participant=participant,
            data={"heir": heir.as_json(), "reason": {"reason": "death"}},
        )


def heir_of_draft(draft: ClaimDraft) -> HeirInfo | None:
    data = draft.data.get("heir")
    return HeirInfo.from_json(data) if data else None
