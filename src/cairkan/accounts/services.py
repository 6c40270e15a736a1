"""Registration (pengkinian data), login and self-service recovery.

Every refusal is an ``AccountError`` with a code the pages translate into plain
Bahasa Indonesia (``messages.py``); nothing the member typed is thrown away.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from cairkan.accounts import codes, throttle
from cairkan.accounts.models import KnownDevice, MemberAccount, OneTimeCode, Registration
from cairkan.integrations import loading
from cairkan.integrations.registry.base import (
    PersonNotFound,
    RegistryPerson,
    RegistryTimeout,
    RegistryUnavailable,
)
from cairkan.members.identifiers import Sex, nik_disagreements, normalize_number
from cairkan.members.models import Membership, Participant
from cairkan.members.names import compare_names

PHONE = re.compile(r"^\+628\d{7,11}$")
REGISTRATION_TTL = timedelta(days=2)
ACCOUNT_LIMIT = throttle.Limit("login_account", 5, timedelta(minutes=15))
CLIENT_LIMIT = throttle.Limit("login_client", 20, timedelta(minutes=15))
GLOBAL_LIMIT = throttle.Limit("login_global", 1000, timedelta(minutes=1))
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
    *, nik: str, kpj: str, full_name: str, birth_date: date, mother_maiden_name: str
) -> IdentityCheck:
    """The member is who they say: registry and membership data agree with what was typed."""
    nik, kpj = normalize_number(nik), normalize_number(kpj)
    membership = Membership.objects.select_related("participant").filter(kpj=kpj).first()
    if membership is None:
        raise AccountError("kpj_unknown")
    participant = membership.participant
    if participant.nik != nik:
        raise AccountError("kpj_not_yours")
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
    *, nik: str, kpj: str, full_name: str, birth_date: date, mother_maiden_name: str
) -> Registration:
    check = check_identity(
        nik=nik,
        kpj=kpj,
        full_name=full_name,
        birth_date=birth_date,
        mother_maiden_name=mother_maiden_name,
    )
    if MemberAccount.objects.filter(participant=check.participant).exists():
        raise AccountError("already_registered")
    with transaction.atomic():
        # Starting again replaces an unfinished registration instead of piling them up.
        Registration.objects.filter(participant=check.participant).exclude(
            step=Registration.Step.DONE
        ).delete()
        return Registration.objects.create(
            participant=check.participant,
            registry_name=check.registry.full_name,
            warnings=list(check.warnings),
            expires_at=timezone.now() + REGISTRATION_TTL,
        )


def _contact(channel: str, destination: str) -> str:
    if channel == "sms":
        phone = normalize_phone(destination)
        if not PHONE.match(phone):
            raise AccountError("phone_format")
        if MemberAccount.objects.filter(phone=phone).exists():
            raise AccountError("phone_taken")
        return phone
    if channel == "email":
        try:
            validate_email(destination)
        except ValidationError:
            raise AccountError("email_format") from None
        if MemberAccount.objects.filter(email__iexact=destination).exists():
            raise AccountError("email_taken")
        return destination.strip().casefold()
    raise AccountError("channel_unknown")


def registration_send_code(*, registration: Registration, channel: str, destination: str) -> str:
    contact = _contact(channel, destination)
    try:
        codes.send_code(purpose=OneTimeCode.Purpose.CONTACT, destination=contact, channel=channel)
    except codes.CodeError as exc:
        raise AccountError(exc.code) from None
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
        raise AccountError(exc.code) from None
    if channel == "sms":
        registration.phone_verified = True
    else:
        registration.email_verified = True
    if registration.step == Registration.Step.CONTACT:
        registration.step = Registration.Step.PASSWORD
    registration.save()


def registration_set_password(*, registration: Registration, password: str) -> MemberAccount:
    if registration.step != Registration.Step.PASSWORD:
        raise AccountError("step_out_of_order")
    user_model = get_user_model()
    username = f"member-{registration.participant_id}"
    try:
        validate_password(password, user_model(username=username))
    except ValidationError as exc:
        raise AccountError("password_weak", reasons=list(exc.messages)) from None
    with transaction.atomic():
        user = user_model.objects.create_user(username=username, password=password)
        account = MemberAccount.objects.create(
            user=user,
            participant=registration.participant,
            phone=registration.phone if registration.phone_verified else None,
            email=registration.email if registration.email_verified else None,
        )
        registration.step = Registration.Step.FACE
        registration.save()
    return account


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


def login(*, identifier: str, password: str, client: str, device_id: str) -> LoginResult:
    """Check the password under the limits; an unknown device must confirm with a code."""
    key = identifier.strip().casefold()
    limits = [(ACCOUNT_LIMIT, key), (CLIENT_LIMIT, client), (GLOBAL_LIMIT, "all")]
    try:
        throttle.check(limits)
    except throttle.Throttled as exc:
        raise AccountError("login_throttled", until=exc.until) from None
    account = _find_account(identifier)
    if account is None:
        get_user_model()().set_password(password)  # same work as a real check
    if account is None or not (account.user.is_active and account.user.check_password(password)):
        throttle.record_failure(limits)
        raise AccountError("login_wrong")
    throttle.forget(ACCOUNT_LIMIT, key)
    if KnownDevice.objects.filter(account=account, device_hash=device_hash(device_id)).exists():
        return LoginResult(account, True)
    channel, destination = ("sms", account.phone) if account.phone else ("email", account.email)
    assert destination is not None
    try:
        codes.send_code(
            purpose=OneTimeCode.Purpose.NEW_DEVICE, destination=destination, channel=channel
        )
    except codes.CodeError as exc:
        if exc.code != "code_resend_wait":  # a code sent a moment ago is still valid
            raise AccountError(exc.code) from None
    return LoginResult(account, False, mask(destination))


def confirm_device(*, account: MemberAccount, code: str, device_id: str) -> None:
    destination = account.phone or account.email or ""
    try:
        codes.verify_code(
            purpose=OneTimeCode.Purpose.NEW_DEVICE, destination=destination, code=code
        )
    except codes.CodeError as exc:
        raise AccountError(exc.code) from None
    KnownDevice.objects.get_or_create(account=account, device_hash=device_hash(device_id))


def mask(destination: str) -> str:
    """+6281234567890 → +62812••••7890; siti@contoh.id → si••@contoh.id"""
    if "@" in destination:
        name, domain = destination.split("@", 1)
        return f"{name[:2]}••@{domain}"
    return f"{destination[:6]}••••{destination[-4:]}"


# --- recovery without an office visit ----------------------------------------------------


def recovery_identify(
    *, nik: str, kpj: str, full_name: str, birth_date: date, mother_maiden_name: str
) -> MemberAccount:
    """Step one of recovery: the same identity checks as registration. Step two is a live
    face match against the enrolled face (biometrics services, purpose recovery)."""
    check = check_identity(
        nik=nik,
        kpj=kpj,
        full_name=full_name,
        birth_date=birth_date,
        mother_maiden_name=mother_maiden_name,
    )
    account = (
        MemberAccount.objects.select_related("user").filter(participant=check.participant).first()
    )
    if account is None:
        raise AccountError("not_registered")
    if not hasattr(check.participant, "face_enrolment"):
        raise AccountError("recovery_needs_face")
    return account


def recovery_send_phone_code(*, new_phone: str) -> str:
    """A code to the member's new number, to prove they hold it before it replaces the old."""
    phone = _contact("sms", new_phone)
    try:
        codes.send_code(purpose=OneTimeCode.Purpose.RECOVERY, destination=phone, channel="sms")
    except codes.CodeError as exc:
        raise AccountError(exc.code) from None
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
            raise AccountError(exc.code) from None
    with transaction.atomic():
        account.user.set_password(password)
        account.user.save(update_fields=["password"])
        if phone:
            account.phone = phone
            account.save(update_fields=["phone"])
        account.devices.all().delete()
        account.tokens.all().delete()  # the API's tokens, through the reverse relation


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
        account.tokens.all().delete()
