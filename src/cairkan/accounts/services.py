"""Registration (pengkinian data), login and self-service recovery.

Every refusal is an ``AccountError`` with a code the pages translate into plain
Bahasa Indonesia (``messages.py``); nothing the member typed is thrown away.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cairkan.accounts import codes, throttle
from cairkan.accounts.models import (
    AccountEvent,
    KnownDevice,
    MemberAccount,
    OneTimeCode,
    Registration,
)
from cairkan.accounts.selectors import face_enrolled
from cairkan.audit.services import audit_record
from cairkan.biometrics.engine.faces import Embedding
from cairkan.biometrics.services import (
    Verdict,
    enrolment_submit,
    face_step_reset_unowned,
    verification_submit,
)
from cairkan.integrations import loading
from cairkan.integrations.registry.base import (
    PersonNotFound,
    RegistryPerson,
    RegistryTimeout,
    RegistryUnavailable,
)
from cairkan.integrations.registry.sandbox import SandboxPopulationRegistry
from cairkan.members.identifiers import Sex, nik_disagreements, normalize_number
from cairkan.members.models import Membership, Participant
from cairkan.members.names import compare_names
from cairkan.notifications.gateway import notify

PHONE = re.compile(r"^\+628\d{7,11}$")
REGISTRATION_TTL = timedelta(days=2)
ACCOUNT_LIMIT = throttle.Limit("login_account", 5, timedelta(minutes=15))
CLIENT_LIMIT = throttle.Limit("login_client", 20, timedelta(minutes=15))
GLOBAL_LIMIT = throttle.Limit("login_global", 1000, timedelta(minutes=1))
# Identity checks (registration, recovery) are guesses at a member's data when they fail:
# a mother's maiden name is the only secret in them, and it is a short list of names.
IDENTITY_NIK_LIMIT = throttle.Limit("identity_nik", 5, timedelta(hours=1))
IDENTITY_NIK_DAY_LIMIT = throttle.Limit("identity_nik_day", 10, timedelta(days=1))
IDENTITY_CLIENT_LIMIT = throttle.Limit("identity_client", 20, timedelta(hours=1))
# Refusals that say which typed field is wrong; after a NIK's first failure of the day
# they become one answer ("identity_mismatch"), so guesses learn nothing field by field.
IDENTITY_MISMATCHES = frozenset(
    {
        "kpj_unknown",
        "kpj_not_yours",
        "nik_not_in_registry",
        "nik_mistyped",
        "birth_date_mismatch",
        "name_mismatch",
        "mother_name_mismatch",
    }
)
# Recovery's face attempts come from whoever knows the member's identity data, so they
# have limits of their own and never touch the member's face step (biometrics).
RECOVERY_FACE_LIMIT = throttle.Limit("recovery_face", 3, timedelta(days=1))  # NIK + client
RECOVERY_FACE_NIK_LIMIT = throttle.Limit("recovery_face_nik", 10, timedelta(days=1))
log = structlog.get_logger(__name__)
# Compared against when the identifier is unknown, so a wrong login costs the same time.
_DUMMY_HASH = make_password("not-a-real-password")


class AccountError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    participant: Participant
    registry: RegistryPerson
    warnings: tuple[str, ...]


def normalize_phone(value: str) -> str:
    """0812-3456-789 / 62812… / +62 812… → +62812…"""
    digits = re.sub(r"[\s().\-]", "", value)
    if digits.startswith("0"):
        digits = "+62" + digits[1:]
    elif digits.startswith("62"):
        digits = "+" + digits
    return digits


def _registry(nik: str) -> RegistryPerson:
    try:
        return loading.population_registry().lookup(nik)
    except PersonNotFound:
        raise AccountError("nik_not_in_registry") from None
    except (RegistryTimeout, RegistryUnavailable):
        raise AccountError("registry_unavailable") from None


def check_identity(
    *,
    nik: str,
    kpj: str,
    full_name: str,
    birth_date: date,
    mother_maiden_name: str,
    client: str = "",
) -> IdentityCheck:
    """The member is who they say: registry and membership data agree with what was typed.

    Limited per NIK and per client address; a failure is counted before the data is
    compared, so parallel guesses cannot slip under the limit either."""
    nik_key = normalize_number(nik)
    limits = [
        (IDENTITY_NIK_LIMIT, nik_key),
        (IDENTITY_NIK_DAY_LIMIT, nik_key),
        (IDENTITY_CLIENT_LIMIT, client or "unknown"),
    ]
    failed_before = throttle.recent_count(IDENTITY_NIK_DAY_LIMIT, nik_key) > 0
    try:
        ticket = throttle.take(limits)
    except throttle.Throttled as exc:
        raise AccountError("identity_throttled", until=exc.until) from None
    try:
        check = _compare_identity(
            nik=nik,
            kpj=kpj,
            full_name=full_name,
            birth_date=birth_date,
            mother_maiden_name=mother_maiden_name,
        )
    except AccountError as exc:
        if exc.code not in IDENTITY_MISMATCHES:
            throttle.give_back(ticket)  # the registry was down, or the person died: no guess
            raise
        if failed_before:
            raise AccountError("identity_mismatch") from None
        raise
    except BaseException:
        throttle.give_back(ticket)
        raise
    throttle.give_back(ticket)
    return check


def _which_number_is_wrong(*, nik: str, full_name: str, birth_date: date) -> str:
    """The KPJ belongs to another NIK: say which of the two numbers to check.

    A mistyped digit almost always makes a NIK the population registry does not know, or
    one of a person with another name and birth date; only when the NIK is the typist's
    own (registry name and birth date agree) is the KPJ the odd one out. Nothing the
    registry holds is shown: only which field to check (the identity limits apply)."""
    try:
        person = loading.population_registry().lookup(nik)
    except PersonNotFound:
        return "nik_not_in_registry"
    except (RegistryTimeout, RegistryUnavailable):
        return "kpj_not_yours"  # cannot tell which number is wrong: the message names both
    if person.birth_date == birth_date and compare_names(full_name, person.full_name).same:
        return "kpj_not_yours"
    return "nik_mistyped"


def _compare_identity(
    *, nik: str, kpj: str, full_name: str, birth_date: date, mother_maiden_name: str
) -> IdentityCheck:
    nik, kpj = normalize_number(nik), normalize_number(kpj)
    membership = Membership.objects.select_related("participant").filter(kpj=kpj).first()
    if membership is None:
        raise AccountError("kpj_unknown")
    participant = membership.participant
    if participant.nik != nik:
        raise AccountError(
            _which_number_is_wrong(nik=nik, full_name=full_name, birth_date=birth_date)
        )
    person = _registry(nik)
    if person.deceased:
        raise AccountError("registry_deceased")
    if birth_date != person.birth_date:
        raise AccountError("birth_date_mismatch")
    name = compare_names(full_name, person.full_name)
    if not name.same:
        raise AccountError("name_mismatch")
    if not compare_names(mother_maiden_name, participant.mother_maiden_name).same:
        raise AccountError("mother_name_mismatch")
    warnings = [
        w.code for w in nik_disagreements(nik, birth_date=person.birth_date, sex=Sex(person.sex))
    ]
    if not name.exact:
        warnings.append("name_spelling")
    return IdentityCheck(participant, person, tuple(warnings))


# --- registration -----------------------------------------------------------------------


def registration_start(
    *,
    nik: str,
    kpj: str,
    full_name: str,
    birth_date: date,
    mother_maiden_name: str,
    client: str = "",
    previous: Registration | None = None,
) -> Registration:
    """Start a data update once the identity checks pass.

    An account blocks a new registration only once its face is enrolled: before that,
    whoever made it may be a stranger who knew the member's data, and the real member
    registering again replaces it (``registration_set_password``). Registrations of
    other sessions are left alone, so nobody can cancel the member's own by starting
    one; ``previous`` is this session's earlier one, which starting again replaces.
    """
    check = check_identity(
        nik=nik,
        kpj=kpj,
        full_name=full_name,
        birth_date=birth_date,
        mother_maiden_name=mother_maiden_name,
        client=client,
    )
    _refuse_if_owned(check.participant)
    with transaction.atomic():
        if previous is not None:
            Registration.objects.filter(pk=previous.pk).exclude(
                step=Registration.Step.DONE
            ).delete()
        return Registration.objects.create(
            participant=check.participant,
            registry_name=check.registry.full_name,
            warnings=list(check.warnings),
            expires_at=timezone.now() + REGISTRATION_TTL,
        )


def _refuse_if_owned(participant: Participant) -> None:
    """The member's account is theirs once their face is enrolled: no new registration."""
    owned = MemberAccount.objects.filter(participant=participant).exists()
    if owned and face_enrolled(participant):
        raise AccountError("already_registered")


def _contact(channel: str, destination: str, *, replacing: Participant | None = None) -> str:
    """The contact in its stored form, unless another account uses it. The unenrolled
    account of ``replacing`` does not count: the registration under way replaces it."""
    others = MemberAccount.objects.all()
    if replacing is not None:
        others = others.exclude(participant=replacing)
    if channel == "sms":
        phone = normalize_phone(destination)
        if not PHONE.match(phone):
            raise AccountError("phone_format")
        if others.filter(phone=phone).exists():
            raise AccountError("phone_taken")
        return phone
    if channel == "email":
        try:
            validate_email(destination)
        except ValidationError:
            raise AccountError("email_format") from None
        if others.filter(email__iexact=destination).exists():
            raise AccountError("email_taken")
        return destination.strip().casefold()
    raise AccountError("channel_unknown")


def _code_error(exc: codes.CodeError) -> AccountError:
    if exc.until is not None:
        return AccountError(exc.code, until=exc.until)
    return AccountError(exc.code)


def registration_send_code(
    *, registration: Registration, channel: str, destination: str, client: str = ""
) -> str:
    _refuse_if_owned(registration.participant)
    contact = _contact(channel, destination, replacing=registration.participant)
    try:
        codes.send_code(
            purpose=OneTimeCode.Purpose.CONTACT,
            destination=contact,
            channel=channel,
            client=client,
            session=f"registration:{registration.pk}",
        )
    except codes.CodeError as exc:
        raise _code_error(exc) from None
    if channel == "sms":
        registration.phone, registration.phone_verified = contact, False
    else:
        registration.email, registration.email_verified = contact, False
    registration.save()
    return contact


def registration_verify_code(*, registration: Registration, channel: str, code: str) -> None:
    destination = registration.phone if channel == "sms" else registration.email
    if not destination:
        raise AccountError("code_expired")
    try:
        codes.verify_code(purpose=OneTimeCode.Purpose.CONTACT, destination=destination, code=code)
    except codes.CodeError as exc:
        raise _code_error(exc) from None
    if channel == "sms":
        registration.phone_verified = True
    else:
        registration.email_verified = True
    if registration.step == Registration.Step.CONTACT:
        registration.step = Registration.Step.PASSWORD
    registration.save()


def registration_set_password(*, registration: Registration, password: str) -> MemberAccount:
    """Create the account; an unenrolled account of the same member is replaced by it
    (audited), an enrolled one refuses."""
    if registration.step != Registration.Step.PASSWORD:
        raise AccountError("step_out_of_order")
    user_model = get_user_model()
    username = f"member-{registration.participant_id}"
    try:
        validate_password(password, user_model(username=username))
    except ValidationError as exc:
        raise AccountError("password_weak", reasons=list(exc.messages)) from None
    with transaction.atomic():
        # The participant's row serialises two registrations finishing at once.
        participant = Participant.objects.select_for_update().get(pk=registration.participant_id)
        _refuse_if_owned(participant)
        existing = MemberAccount.objects.filter(participant=participant).first()
        if existing is not None:
            _account_replace(existing, registration)
        user = user_model.objects.create_user(username=username, password=password)
        account = MemberAccount.objects.create(
            user=user,
            participant=participant,
            phone=registration.phone if registration.phone_verified else None,
            email=registration.email if registration.email_verified else None,
        )
        registration.step = Registration.Step.FACE
        registration.save()
        audit_record(
            actor_kind="member",
            actor_user=user,
            action="account.create",
            subject=account,
            after={
                "phone_verified": account.phone is not None,
                "email_verified": bool(account.email),
            },
            why="registration: identity, contact and password done",
        )
    return account


def registration_face_enrol(
    *,
    participant: Participant,
    challenge_id: Any,
    index: Any,
    nonce: str,
    frames: Sequence[bytes],
    registry_reference: Embedding,
    tester_photo: bytes | None = None,
    tester_reference: bool = False,
) -> Verdict:
    """The registration's last step: enrol the member's face against the registry photo.

    A passed enrolment, its event, the registration's ``done`` and (sandbox tester mode,
    ``tester_photo``) the tester's frame as the sandbox registry photo are written in one
    transaction: a failed capture plants no photo, and nothing is half done."""

    def complete() -> None:
        if tester_photo is not None:
            registry = loading.population_registry()
            if not isinstance(registry, SandboxPopulationRegistry):
                raise ValueError("only the sandbox registry takes a tester's face")
            registry.tester_photo_set(nik=participant.nik, photo_jpeg=tester_photo)
        Registration.objects.filter(participant=participant, step=Registration.Step.FACE).update(
            step=Registration.Step.DONE
        )

    return enrolment_submit(
        participant=participant,
        challenge_id=challenge_id,
        index=index,
        nonce=nonce,
        frames=frames,
        registry_reference=registry_reference,
        tester_reference=tester_reference or tester_photo is not None,
        with_enrolment=complete,
    )


def _account_replace(old: MemberAccount, registration: Registration) -> None:
    """Remove an unenrolled account (its devices and API tokens go with it) for a
    registration that passed the same checks, and say so in the audit trail. Its user
    stays, disabled and renamed, for whatever record points at it; its sessions end."""
    old_id, participant, user = old.pk, old.participant, old.user
    old.delete()
    user.username = f"replaced-{user.pk}"
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["username", "is_active", "password"])
    face_step_reset_unowned(participant=participant, reason="unenrolled account replaced")
    reason = "a new registration passed the identity checks before any face was enrolled"
    data = {"replaced_account": old_id, "registration": registration.pk}
    AccountEvent.objects.create(
        participant=participant, kind=AccountEvent.Kind.REPLACED, reason=reason, data=data
    )
    audit_record(
        actor_kind="system",
        action="account.replace",
        subject=("accounts.memberaccount", old_id),
        participant=participant,
        before={"account": old_id, "user_active": True},
        after={**data, "user_active": False},
        why=reason,
    )
    log.warning(
        "account_replaced",
        participant=participant.pk,
        replaced_account=old_id,
        registration=registration.pk,
    )


# --- login --------------------------------------------------------------------------------


def device_hash(device_id: str) -> str:
    return hashlib.sha256(device_id.encode()).hexdigest()


def _find_account(identifier: str) -> MemberAccount | None:
    identifier = identifier.strip()
    if "@" in identifier:
        return MemberAccount.objects.select_related("user").filter(email__iexact=identifier).first()
    return (
        MemberAccount.objects.select_related("user")
        .filter(phone=normalize_phone(identifier))
        .first()
    )


@dataclass(frozen=True, slots=True)
class LoginResult:
    account: MemberAccount
    device_confirmed: bool
    code_sent_to: str = ""


def _login_key(identifier: str, account: MemberAccount | None) -> str:
    """What the per-account limit counts on: the account itself when the identifier names
    one, however it was typed (0812-…, +62 812 …, upper case); else its normal form."""
    if account is not None:
        return f"account:{account.pk}"
    identifier = identifier.strip()
    return identifier.casefold() if "@" in identifier else normalize_phone(identifier)


def login(*, identifier: str, password: str, client: str, device_id: str) -> LoginResult:
    """Check the password under the limits; an unknown device must confirm with a code."""
    account = _find_account(identifier)
    key = _login_key(identifier, account)
    limits = [(ACCOUNT_LIMIT, key), (CLIENT_LIMIT, client), (GLOBAL_LIMIT, "all")]
    try:
        ticket = throttle.take(limits)
    except throttle.Throttled as exc:
        raise AccountError("login_throttled", until=exc.until) from None
    if account is None:
        get_user_model()().set_password(password)  # same work as a real check
    if account is None or not (account.user.is_active and account.user.check_password(password)):
        raise AccountError("login_wrong")  # the try taken above stays counted
    throttle.give_back(ticket)
    throttle.forget(ACCOUNT_LIMIT, key)
    device = device_hash(device_id)
    if KnownDevice.objects.filter(account=account, device_hash=device).exists():
        return LoginResult(account, True)
    channel, destination = ("sms", account.phone) if account.phone else ("email", account.email)
    assert destination is not None
    try:
        codes.send_code(
            purpose=OneTimeCode.Purpose.NEW_DEVICE,
            destination=destination,
            channel=channel,
            device=device,
            client=client,
        )
    except codes.CodeError as exc:
        if exc.code != "code_resend_wait":  # this device's code of a moment ago still works
            raise _code_error(exc) from None
    return LoginResult(account, False, mask(destination))


def confirm_device(*, account: MemberAccount, code: str, device_id: str) -> None:
    destination = account.phone or account.email or ""
    device = device_hash(device_id)
    try:
        codes.verify_code(
            purpose=OneTimeCode.Purpose.NEW_DEVICE,
            destination=destination,
            code=code,
            device=device,
        )
    except codes.CodeError as exc:
        raise _code_error(exc) from None
    KnownDevice.objects.get_or_create(account=account, device_hash=device)


def mask(destination: str) -> str:
    """+6281234567890 → +62812••••7890; siti@contoh.id → si••@contoh.id"""
    if "@" in destination:
        name, domain = destination.split("@", 1)
        return f"{name[:2]}••@{domain}"
    return f"{destination[:6]}••••{destination[-4:]}"


# --- recovery without an office visit ----------------------------------------------------


def recovery_identify(
    *,
    nik: str,
    kpj: str,
    full_name: str,
    birth_date: date,
    mother_maiden_name: str,
    client: str = "",
) -> MemberAccount:
    """Step one of recovery: the same identity checks as registration. Step two is a live
    face match against the enrolled face (``recovery_face_submit``)."""
    check = check_identity(
        nik=nik,
        kpj=kpj,
        full_name=full_name,
        birth_date=birth_date,
        mother_maiden_name=mother_maiden_name,
        client=client,
    )
    account = (
        MemberAccount.objects.select_related("user").filter(participant=check.participant).first()
    )
    if account is None:
        raise AccountError("not_registered")
    if not face_enrolled(check.participant):
        raise AccountError("recovery_needs_face")
    return account


def _recovery_face_limits(account: MemberAccount, client: str) -> list[tuple[throttle.Limit, str]]:
    nik = account.participant.nik
    return [(RECOVERY_FACE_LIMIT, f"{nik}|{client}"), (RECOVERY_FACE_NIK_LIMIT, nik)]


def recovery_face_allowed(*, account: MemberAccount, client: str) -> None:
    """Raise ``recovery_face_throttled`` (with the time) once recovery's face tries for
    this member, from this client or from all, are used up."""
    try:
        throttle.check(_recovery_face_limits(account, client))
    except throttle.Throttled as exc:
        raise AccountError("recovery_face_throttled", until=exc.until) from None


def recovery_face_submit(
    *,
    account: MemberAccount,
    challenge_id: Any,
    index: Any,
    nonce: str,
    frames: Sequence[bytes],
    client: str,
) -> Verdict:
    """Recovery's live face match. Made without the member's session, so a failure counts
    under recovery's own limits (per NIK and client, per NIK) and never towards the
    member's face step: a stranger with the member's data cannot lock their claims."""
    limits = _recovery_face_limits(account, client)
    try:
        ticket = throttle.take(limits)
    except throttle.Throttled as exc:
        raise AccountError("recovery_face_throttled", until=exc.until) from None
    try:
        verdict = verification_submit(
            participant=account.participant,
            challenge_id=challenge_id,
            index=index,
            nonce=nonce,
            frames=frames,
            own_step=False,
        )
    except BaseException:
        throttle.give_back(ticket)
        raise
    if not verdict.counted:
        throttle.give_back(ticket)
    left = recovery_face_tries_left(account=account, client=client)
    return dataclasses.replace(verdict, failures_left=left, locked=left == 0)


def recovery_face_tries_left(*, account: MemberAccount, client: str) -> int:
    limits = _recovery_face_limits(account, client)
    left = min(limit.failures - throttle.recent_count(limit, key) for limit, key in limits)
    return max(left, 0)


def recovery_send_phone_code(*, new_phone: str, client: str = "", session: str = "") -> str:
    """A code to the member's new number, to prove they hold it before it replaces the old."""
    phone = _contact("sms", new_phone)
    try:
        codes.send_code(
            purpose=OneTimeCode.Purpose.RECOVERY,
            destination=phone,
            channel="sms",
            client=client,
            session=session,
        )
    except codes.CodeError as exc:
        raise _code_error(exc) from None
    return phone


def recovery_complete(
    *,
    account: MemberAccount,
    face_passed_at: datetime,
    password: str,
    new_phone: str = "",
    phone_code: str = "",
) -> None:
    """Set a new password (and a new phone, proven by its code) once the face matched in
    the last 10 minutes. Remembered devices are forgotten and the app's tokens revoked:
    the old phone, and whoever held it, is logged out."""
    if timezone.now() - face_passed_at > timedelta(minutes=10):
        raise AccountError("recovery_face_expired")
    try:
        validate_password(password, account.user)
    except ValidationError as exc:
        raise AccountError("password_weak", reasons=list(exc.messages)) from None
    phone = ""
    if new_phone:
        phone = _contact("sms", new_phone)
        try:
            codes.verify_code(
                purpose=OneTimeCode.Purpose.RECOVERY, destination=phone, code=phone_code
            )
        except codes.CodeError as exc:
            raise _code_error(exc) from None
    with transaction.atomic():
        account.user.set_password(password)
        account.user.save(update_fields=["password"])
        if phone:
            account.phone = phone
            account.save(update_fields=["phone"])
            AccountEvent.objects.create(
                participant=account.participant,
                kind=AccountEvent.Kind.CONTACT_CHANGED,
                reason="phone replaced during account recovery",
                data={"account": account.pk},
            )
        devices = account.devices.all().delete()[0]
        tokens = account.tokens.all().delete()[0]  # the API's tokens, by the reverse relation
        audit_record(
            actor_kind="member",
            actor_user=account.user,
            action="account.recover",
            subject=account,
            after={
                "password_changed": True,
                "phone_changed": bool(phone),
                "devices_forgotten": devices,
                "tokens_revoked": tokens,
            },
            why="recovery after a face match",
        )


# --- password change ----------------------------------------------------------------------

PASSWORD_CHANGE_LIMIT = throttle.Limit("password_change", 5, timedelta(minutes=15))


def account_change_password(*, account: MemberAccount, password: str, new_password: str) -> None:
    """The member, logged in, sets a new password by giving the current one. Every app
    token is revoked (a token taken with the old password is no longer the member's);
    remembered devices stay, so the member's own phone logs in again without a code."""
    limits = [(PASSWORD_CHANGE_LIMIT, str(account.pk))]
    try:
        throttle.check(limits)
    except throttle.Throttled as exc:
        raise AccountError("login_throttled", until=exc.until) from None
    if not account.user.check_password(password):
        throttle.record_failure(limits)
        raise AccountError("password_wrong")
    try:
        validate_password(new_password, account.user)
    except ValidationError as exc:
        raise AccountError("password_weak", reasons=list(exc.messages)) from None
    with transaction.atomic():
        account.user.set_password(new_password)
        account.user.save(update_fields=["password"])
        tokens = account.tokens.all().delete()[0]
        audit_record(
            actor_kind="member",
            actor_user=account.user,
            action="account.password_change",
            subject=account,
            after={"password_changed": True, "tokens_revoked": tokens},
            why="the member changed the password",
        )


# --- changing the verified phone or e-mail -----------------------------------------------------


def _contact_session(account: MemberAccount) -> str:
    """The codes' session limit keys on the account (codes.SESSION_DAY): a member cannot
    have codes sent to endless new destinations by varying them; each destination has its
    own limit too (codes.DESTINATION_DAY)."""
    return f"contact-change:{account.pk}"


def account_contact_send_code(
    *, account: MemberAccount, channel: str, destination: str, client: str = ""
) -> str:
    """A code to the new phone or e-mail, to prove the member holds it before it replaces
    the old one; returns the contact in its stored form."""
    contact = _contact(channel, destination, replacing=account.participant)
    try:
        codes.send_code(
            purpose=OneTimeCode.Purpose.CONTACT,
            destination=contact,
            channel=channel,
            client=client,
            session=_contact_session(account),
        )
    except codes.CodeError as exc:
        raise _code_error(exc) from None
    return contact


def account_contact_change(
    *, account: MemberAccount, channel: str, destination: str, code: str
) -> MemberAccount:
    """Replace the verified phone or e-mail with one proven by its code. The old contact
    is told (if the change was not the member's, they know at once); the audit keeps the
    change masked, never the code."""
    contact = _contact(channel, destination, replacing=account.participant)
    try:
        codes.verify_code(purpose=OneTimeCode.Purpose.CONTACT, destination=contact, code=code)
    except codes.CodeError as exc:
        raise _code_error(exc) from None
    field = "phone" if channel == "sms" else "email"
    with transaction.atomic():
        locked = MemberAccount.objects.select_for_update().get(pk=account.pk)
        old = getattr(locked, field) or ""
        setattr(locked, field, contact)
        locked.save(update_fields=[field])
        AccountEvent.objects.create(
            participant=locked.participant,
            kind=AccountEvent.Kind.CONTACT_CHANGED,
            reason=f"{field} changed by the member, proven by a code",
            data={"account": locked.pk},
        )
        audit_record(
            actor_kind="member",
            actor_user=locked.user,
            action="account.contact_change",
            subject=locked,
            before={field: mask(old) if old else ""},
            after={field: mask(contact)},
            why="the member proved the new contact with a one-time code",
        )
        if old:
            notify(
                channel=channel,
                to=old,
                subject=str(_("Cairkan: contact changed")),
                body=str(
                    _(
                        "Cairkan: the %(what)s of your account was changed to %(new)s. "
                        "If this was not you, call the video desk or visit the branch office."
                    )
                    % {
                        "what": _("mobile number") if field == "phone" else _("e-mail"),
                        "new": mask(contact),
                    }
                ),
            )
    return locked
