"""Registration against the registry and membership data, codes, login limits, new
devices and recovery — on the seeded personas (docs/demo-data.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cairkan.accounts import services
from cairkan.accounts.models import AccountEvent, KnownDevice, MemberAccount, Registration
from cairkan.accounts.services import AccountError
from cairkan.biometrics.models import FaceEnrolment
from cairkan.integrations import loading
from cairkan.integrations.models import SandboxRegistryRecord
from cairkan.members.models import Participant
from sent_messages import last_code

pytestmark = pytest.mark.django_db
RINA = {
    "nik": "6308056108979001",
    "kpj": "23000000101",
    "full_name": "Rina Maulida",
    "birth_date": date(1997, 8, 21),
    "mother_maiden_name": "Siti Rahmah",
}
STRONG = "Padi-Kuning-Amuntai-77"


@pytest.fixture(autouse=True)
def personas() -> None:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))


def registered(identity=RINA, phone="+6281234500001") -> MemberAccount:
    registration = services.registration_start(**identity)
    services.registration_send_code(registration=registration, channel="sms", destination=phone)
    services.registration_verify_code(
        registration=registration, channel="sms", code=last_code(services.normalize_phone(phone))
    )
    return services.registration_set_password(registration=registration, password=STRONG)


def test_registration_checks_pass_for_the_real_member() -> None:
    registration = services.registration_start(**RINA)
    assert (registration.step, registration.warnings) == ("contact", [])
    assert registration.registry_name == "Rina Maulida"


def test_a_small_spelling_difference_is_tolerated_and_shown() -> None:
    registration = services.registration_start(
        nik="6308012207799001",
        kpj="2300 0000 107",
        full_name="MUHAMMAD ARSYAD",
        birth_date=date(1979, 7, 22),
        mother_maiden_name="siti rahmah",
    )
    assert registration.warnings == ["name_spelling"]
    assert registration.registry_name == "Muhamad Arsyad"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kpj": "99999999999"}, "kpj_unknown"),
        ({"kpj": "23000000103"}, "kpj_not_yours"),
        ({"birth_date": date(1997, 8, 22)}, "birth_date_mismatch"),
        ({"full_name": "Budi Santoso"}, "name_mismatch"),
        ({"mother_maiden_name": "Fatimah"}, "mother_name_mismatch"),
        (
            {
                "nik": "6308053012709001",
                "kpj": "23000000108",
                "full_name": "Gusti Rahmadi",
                "birth_date": date(1970, 12, 30),
            },
            "registry_deceased",
        ),
    ],
)
def test_each_mismatch_has_its_own_answer(changes, code) -> None:
    with pytest.raises(AccountError) as error:
        services.registration_start(**{**RINA, **changes})
    assert error.value.code == code
    assert not Registration.objects.exists()


def test_registry_outage_and_unknown_nik(settings) -> None:
    settings.CAIRKAN_REGISTRY_OPTIONS = {"timeout_s": 0.01}
    loading.reset()
    hamdani = {
        "nik": "6308072503929001",
        "kpj": "23000000111",
        "full_name": "Hamdani Noor",
        "birth_date": date(1992, 3, 25),
        "mother_maiden_name": "Siti Rahmah",
    }
    with pytest.raises(AccountError) as outage:
        services.registration_start(**hamdani)
    assert outage.value.code == "registry_unavailable"
    SandboxRegistryRecord.objects.filter(nik=RINA["nik"]).delete()
    with pytest.raises(AccountError) as unknown:
        services.registration_start(**RINA)
    assert unknown.value.code == "nik_not_in_registry"


def test_contact_code_wrong_resend_and_right() -> None:
    registration = services.registration_start(**RINA)
    phone = services.registration_send_code(
        registration=registration, channel="sms", destination="0812-3450-0001"
    )
    assert phone == "+6281234500001"
    with pytest.raises(AccountError) as wait:
        services.registration_send_code(registration=registration, channel="sms", destination=phone)
    assert wait.value.code == "code_resend_wait"
    with pytest.raises(AccountError) as wrong:
        services.registration_verify_code(registration=registration, channel="sms", code="000000")
    assert wrong.value.code == "code_wrong"
    services.registration_verify_code(
        registration=registration, channel="sms", code=last_code(phone)
    )
    registration.refresh_from_db()
    assert registration.phone_verified and registration.step == "password"


def test_five_wrong_codes_burn_the_code() -> None:
    registration = services.registration_start(**RINA)
    phone = services.registration_send_code(
        registration=registration, channel="sms", destination="+6281234500001"
    )
    right = last_code(phone)
    codes = []
    for _ in range(5):
        with pytest.raises(AccountError) as wrong:
            services.registration_verify_code(
                registration=registration,
                channel="sms",
                code="000000" if right != "000000" else "111111",
            )
        codes.append(wrong.value.code)
    assert codes == ["code_wrong"] * 4 + ["code_too_many_tries"]
    with pytest.raises(AccountError) as burnt:
        services.registration_verify_code(registration=registration, channel="sms", code=right)
    assert burnt.value.code == "code_too_many_tries"


def test_password_is_checked_and_stored_with_argon2(settings) -> None:
    from cairkan.config import settings as production

    # The suite stores with a fast hasher (settings_test); production's list is this.
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    registration = services.registration_start(**RINA)
    services.registration_send_code(
        registration=registration, channel="email", destination="Rina@Contoh.example"
    )
    services.registration_verify_code(
        registration=registration, channel="email", code=last_code("rina@contoh.example")
    )
    with pytest.raises(AccountError) as weak:
        services.registration_set_password(registration=registration, password="12345678")
    assert weak.value.code == "password_weak" and weak.value.params["reasons"]
    account = services.registration_set_password(registration=registration, password=STRONG)
    assert account.user.password.startswith("argon2")
    assert (account.email, account.phone) == ("rina@contoh.example", None)
    FaceEnrolment.objects.create(
        participant=account.participant, embedding=b"\0" * 1024, registry_distance=0.3
    )
    with pytest.raises(AccountError) as again:  # once the face is enrolled, not before
        services.registration_start(**RINA)
    assert again.value.code == "already_registered"


def test_login_on_a_new_device_needs_a_code_then_is_remembered() -> None:
    account = registered()
    first = services.login(
        identifier="0812 3450 0001", password=STRONG, client="10.0.0.1", device_id="phone-a"
    )
    assert (first.device_confirmed, first.code_sent_to) == (False, "+62812••••0001")
    services.confirm_device(account=account, code=last_code("+6281234500001"), device_id="phone-a")
    assert KnownDevice.objects.filter(account=account).count() == 1
    again = services.login(
        identifier="+6281234500001", password=STRONG, client="10.0.0.1", device_id="phone-a"
    )
    assert again.device_confirmed


def test_login_limits_say_when_to_try_again() -> None:
    registered()
    before = timezone.now()
    for _ in range(5):
        with pytest.raises(AccountError) as wrong:
            services.login(
                identifier="+6281234500001", password="salah", client="10.0.0.2", device_id="x"
            )
        assert wrong.value.code == "login_wrong"
    with pytest.raises(AccountError) as limited:
        services.login(
            identifier="+6281234500001", password=STRONG, client="10.0.0.3", device_id="x"
        )
    assert limited.value.code == "login_throttled"
    until = limited.value.params["until"]
    assert before + timedelta(minutes=14) < until <= timezone.now() + timedelta(minutes=15)


def test_one_client_guessing_many_accounts_is_limited_too() -> None:
    for n in range(20):
        with pytest.raises(AccountError):
            services.login(
                identifier=f"+62812000000{n:02d}", password="x", client="10.9.9.9", device_id="x"
            )
    with pytest.raises(AccountError) as limited:
        services.login(identifier="+6281299999999", password="x", client="10.9.9.9", device_id="x")
    assert limited.value.code == "login_throttled"


def test_unknown_and_wrong_are_the_same_answer() -> None:
    registered()
    answers = set()
    for identifier in ["+6281234500001", "+6289999999999", "nobody@contoh.example"]:
        with pytest.raises(AccountError) as error:
            services.login(
                identifier=identifier, password="salah", client="10.1.1.1", device_id="x"
            )
        answers.add(error.value.code)
    assert answers == {"login_wrong"}


def test_recovery_without_an_office_visit() -> None:
    account = registered()
    services.login(identifier="+6281234500001", password=STRONG, client="c", device_id="old")
    services.confirm_device(account=account, code=last_code("+6281234500001"), device_id="old")
    with pytest.raises(AccountError) as no_face:
        services.recovery_identify(**RINA)
    assert no_face.value.code == "recovery_needs_face"
    FaceEnrolment.objects.create(
        participant=Participant.objects.get(nik=RINA["nik"]),
        embedding=b"\0" * 1024,
        registry_distance=0.3,
    )
    found = services.recovery_identify(**RINA)
    assert found == account
    # (The live face match in between is the biometrics service's job.)
    with pytest.raises(AccountError) as stale:
        services.recovery_complete(
            account=found,
            face_passed_at=timezone.now() - timedelta(minutes=11),
            password="Sungai-Tabukan-2026",
        )
    assert stale.value.code == "recovery_face_expired"
    phone = services.recovery_send_phone_code(new_phone="081299990000")
    services.recovery_complete(
        account=found,
        face_passed_at=timezone.now(),
        password="Sungai-Tabukan-2026",
        new_phone=phone,
        phone_code=last_code(phone),
    )
    account.refresh_from_db()
    assert account.phone == "+6281299990000"
    assert account.user.check_password("Sungai-Tabukan-2026")
    assert not account.devices.exists()  # the lost phone is forgotten
    # Recorded for screening: a claim soon after a new phone goes to an officer.
    changed = AccountEvent.objects.get(participant=account.participant, kind="contact_changed")
    assert "+6281299990000" not in str(changed.data) + changed.reason  # no contact in the log
