"""Issue 9's identity findings, each as the attacker tried it: guessing identity data
(H3), squatting an account, locking a member's face step from outside (H4), login
limits dodged by retyping the number (M1) or flattened behind the proxy (M2), SMS
pumping (M9), the daily code cap (L9) and two new devices at once (L10)."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from django.utils.html import escape
from PIL import Image

from cairkan.accounts import codes, services
from cairkan.accounts.clients import client_address
from cairkan.accounts.messages import MESSAGES
from cairkan.accounts.models import AccountEvent, KnownDevice, MemberAccount, Registration
from cairkan.accounts.services import AccountError
from cairkan.biometrics import runtime
from cairkan.biometrics.engine import decode_image
from cairkan.biometrics.engine.matching import reference_embedding
from cairkan.biometrics.models import FaceEnrolment, FaceStep, LivenessChallenge, UnlockBooking
from cairkan.biometrics.services import challenge_issue
from cairkan.notifications.models import OutboundMessage
from sent_messages import last_code
from test_face_pages import submit as submit_prompts

pytestmark = pytest.mark.django_db
FACES = Path(__file__).parent / "fixtures" / "faces"
RINA = {
    "nik": "6308056108979001",
    "kpj": "23000000101",
    "full_name": "Rina Maulida",
    "birth_date": date(1997, 8, 21),
    "mother_maiden_name": "Siti Rahmah",
}
RINA_FORM = {**RINA, "birth_date": "1997-08-21"}
PHONE = "+6281234500001"
STRONG = "Padi-Kuning-Amuntai-77"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def personas() -> None:
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))


def indonesian(code: str) -> str:
    with translation.override("id"):
        return escape(str(MESSAGES[code]))


def indonesian_text(msgid: str) -> str:
    with translation.override("id"):
        return translation.gettext(msgid)


def register(phone: str = PHONE, client: str = "10.0.0.1") -> MemberAccount:
    registration = services.registration_start(**RINA, client=client)
    services.registration_send_code(
        registration=registration, channel="sms", destination=phone, client=client
    )
    services.registration_verify_code(
        registration=registration, channel="sms", code=last_code(phone)
    )
    return services.registration_set_password(registration=registration, password=STRONG)


def enrol(account: MemberAccount, photo: str = "obama3.jpg") -> FaceEnrolment:
    image = decode_image((FACES / photo).read_bytes())
    return FaceEnrolment.objects.create(
        participant=account.participant,
        embedding=reference_embedding(runtime.engine(), image).tobytes(),
        registry_distance=0.3,
    )


# --- H3: identity guesses are limited and say less once they repeat ------------------------


def test_identity_guesses_for_one_nik_are_limited_with_the_time() -> None:
    before = timezone.now()
    for n in range(5):  # from five addresses: the NIK's limit holds anyway
        with pytest.raises(AccountError):
            services.registration_start(
                **{**RINA, "mother_maiden_name": f"Tebakan {n}"}, client=f"10.1.0.{n}"
            )
    with pytest.raises(AccountError) as limited:  # even the right answer, for now
        services.registration_start(**RINA, client="10.1.0.99")
    assert limited.value.code == "identity_throttled"
    until = limited.value.params["until"]
    assert before + timedelta(minutes=59) < until <= timezone.now() + timedelta(hours=1)
    with pytest.raises(AccountError) as recovering:  # recovery shares the limit
        services.recovery_identify(**RINA, client="10.1.0.98")
    assert recovering.value.code == "identity_throttled"
    assert not Registration.objects.exists()


def test_the_identity_limit_answers_like_login_on_the_page(client: Client) -> None:
    for n in range(5):
        client.post("/daftar/", {**RINA_FORM, "mother_maiden_name": f"Tebakan {n}"})
    limited = client.post("/daftar/", RINA_FORM)
    assert limited.status_code == 429
    assert "pukul" in limited.content.decode()
    assert client.post("/pulihkan/", RINA_FORM).status_code == 429


def test_one_client_guessing_many_identities_is_limited() -> None:
    for n in range(20):
        with pytest.raises(AccountError) as wrong:
            services.registration_start(
                **{**RINA, "nik": f"63080561089790{n:02d}", "kpj": "99000000000"},
                client="10.2.2.2",
            )
        assert wrong.value.code in {"kpj_unknown", "identity_mismatch"}
    with pytest.raises(AccountError) as limited:
        services.registration_start(**RINA, client="10.2.2.2")
    assert limited.value.code == "identity_throttled"
    assert services.registration_start(**RINA, client="10.2.2.3")  # another client is fine


def test_after_a_first_failure_the_answer_names_no_field(client: Client) -> None:
    answers = []
    for changes in (
        {"mother_maiden_name": "Fatimah"},
        {"birth_date": date(1997, 8, 22)},
        {"mother_maiden_name": "Aminah"},
        {"full_name": "Budi Santoso"},
    ):
        with pytest.raises(AccountError) as wrong:
            services.registration_start(**{**RINA, **changes}, client="10.3.3.3")
        answers.append(wrong.value.code)
    assert answers == ["mother_name_mismatch"] + ["identity_mismatch"] * 3
    page = client.post("/daftar/", {**RINA_FORM, "birth_date": "1997-08-22"}).content.decode()
    assert indonesian("identity_mismatch") in page
    assert indonesian("birth_date_mismatch") not in page


@pytest.mark.django_db(transaction=True)
def test_parallel_identity_guesses_cannot_pass_the_limit() -> None:
    outcomes: list[str] = []
    guard = threading.Lock()

    def guess(n: int) -> None:
        try:
            services.registration_start(
                **{**RINA, "mother_maiden_name": f"Tebakan {n}"}, client=f"10.4.0.{n}"
            )
            result = "passed"
        except AccountError as exc:
            result = "throttled" if exc.code == "identity_throttled" else "judged"
        finally:
            connection.close()
        with guard:
            outcomes.append(result)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("judged") <= 5
    assert outcomes.count("judged") + outcomes.count("throttled") == 12


# --- H3: an unenrolled account sees nothing and blocks nobody -------------------------------


def test_an_unenrolled_account_shows_no_balance_or_kpj(client: Client) -> None:
    account = register()
    client.force_login(account.user)
    page = client.get("/akun/").content.decode()
    assert "23000000101" not in page and "Rp " not in page
    assert indonesian("face_not_enrolled") in page
    assert client.get("/klaim/")["Location"] == "/daftar/wajah/"
    enrol(account)
    page = client.get("/akun/").content.decode()
    assert "23000000101" in page and "Rp " in page
    assert client.get("/klaim/").status_code == 200


def test_the_api_balance_waits_for_the_face_too(client: Client) -> None:
    account = register()
    KnownDevice.objects.create(account=account, device_hash=services.device_hash("app-1"))
    login = {"identifier": PHONE, "password": STRONG, "device_id": "app-1"}
    token = client.post("/api/auth/login", login, content_type="application/json").json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_DEVICE_ID="app-1")
    refused = api.get("/api/me/balance")
    assert refused.status_code == 403 and refused.json()["code"] == "face_not_enrolled"
    enrol(account)
    assert api.get("/api/me/balance").json()["kpj"] == ["23000000101"]


def test_the_real_member_replaces_a_squatters_unenrolled_account(client: Client) -> None:
    squatter = register(phone="+6281299990001", client="10.5.0.1")
    squatters_browser = Client()
    squatters_browser.force_login(squatter.user)
    FaceStep.objects.create(
        participant=squatter.participant, counted_failures=3, locked_at=timezone.now()
    )
    assert client.post("/daftar/", RINA_FORM)["Location"] == "/daftar/kontak/"
    client.post("/daftar/kontak/", {"action": "send", "channel": "sms", "destination": PHONE})
    client.post("/daftar/kontak/", {"action": "verify", "channel": "sms", "code": last_code(PHONE)})
    done = client.post("/daftar/kata-sandi/", {"password": STRONG, "password_again": STRONG})
    assert done["Location"] == "/daftar/wajah/"
    account = MemberAccount.objects.get(participant=squatter.participant)
    assert account.pk != squatter.pk and account.phone == PHONE
    assert not MemberAccount.objects.filter(phone="+6281299990001").exists()
    event = AccountEvent.objects.get(participant=account.participant)
    assert (event.kind, event.data["replaced_account"]) == ("replaced", squatter.pk)
    assert "+62812" not in str(event.data)  # ids, no contacts
    step = FaceStep.objects.get(participant=account.participant)
    assert (step.counted_failures, step.locked_at) == (0, None)  # the squatter's, not theirs
    assert client.get("/daftar/wajah/").status_code == 200
    with pytest.raises(AccountError) as gone:
        services.login(
            identifier="+6281299990001", password=STRONG, client="10.5.0.1", device_id="x"
        )
    assert gone.value.code == "login_wrong"
    assert squatters_browser.get("/akun/")["Location"].startswith("/masuk/")  # logged out
    squatter.user.refresh_from_db()
    assert not squatter.user.is_active and not squatter.user.has_usable_password()


def test_an_enrolled_account_is_the_members_and_blocks_a_new_registration() -> None:
    enrol(register())
    with pytest.raises(AccountError) as blocked:
        services.registration_start(**RINA, client="10.6.0.1")
    assert blocked.value.code == "already_registered"


def test_a_registration_of_another_session_is_not_cancelled(client: Client) -> None:
    mine = services.registration_start(**RINA, client="10.7.0.1")
    assert Client().post("/daftar/", RINA_FORM).status_code == 302  # someone else starts
    assert Registration.objects.filter(pk=mine.pk).exists()
    services.registration_send_code(registration=mine, channel="sms", destination=PHONE)


def test_the_member_registers_again_with_the_phone_of_their_unfinished_account() -> None:
    first = register()
    registration = services.registration_start(**RINA, client="10.8.0.1")
    assert (
        services.registration_send_code(registration=registration, channel="sms", destination=PHONE)
        == PHONE
    )
    services.registration_verify_code(
        registration=registration, channel="sms", code=last_code(PHONE)
    )
    again = services.registration_set_password(registration=registration, password=STRONG)
    assert again.phone == PHONE and not MemberAccount.objects.filter(pk=first.pk).exists()


# --- H4: recovery attempts from outside never lock the member's face step -------------------


def live_frames() -> list[bytes]:
    """Someone live, prompt by prompt: facing the camera, turning left, then right."""
    buffer = io.BytesIO()
    Image.open(FACES / "obama2.jpg").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(
        buffer, "JPEG", quality=90
    )
    return [
        (FACES / "obama.jpg").read_bytes(),
        buffer.getvalue(),
        (FACES / "obama2.jpg").read_bytes(),
    ]


def test_a_stranger_recovering_cannot_lock_the_members_face_step(client: Client) -> None:
    account = register()
    enrol(account, "biden.jpg")  # the member; the stranger shows another face, live
    assert client.post("/pulihkan/", RINA_FORM)["Location"] == "/pulihkan/wajah/"
    answers = []
    for left in (3, 2, 1):
        page = client.get("/pulihkan/wajah/")
        tries_left = indonesian_text("You have %(left)s tries left.") % {"left": left}
        assert page.status_code == 200 and tries_left in page.content.decode()
        challenge = LivenessChallenge.objects.filter(purpose="recovery").latest("issued_at")
        LivenessChallenge.objects.filter(pk=challenge.pk).update(steps=["turn_left", "turn_right"])
        answers.append(submit_prompts(client, challenge, live_frames()).json())
    assert [a["outcome"] for a in answers] == ["failed_match", "failed_match", "locked"]
    assert answers[-1]["redirect"] == "/pulihkan/" and "pukul" in answers[-1]["message"]
    # The member's own step is untouched: their claims' face check is open.
    step = FaceStep.objects.filter(participant=account.participant).first()
    assert step is None or (step.counted_failures, step.locked_at) == (0, None)
    assert challenge_issue(participant=account.participant, purpose="claim")
    # The stranger's own lock holds: no new recovery challenge today.
    assert client.get("/pulihkan/wajah/")["Location"] == "/pulihkan/"
    assert "pukul" in client.get("/pulihkan/").content.decode()


def test_only_the_members_session_books_a_video_call(client: Client) -> None:
    account = register()
    enrol(account)
    FaceStep.objects.create(
        participant=account.participant,
        counted_failures=3,
        locked_at=timezone.now() - timedelta(hours=25),
    )
    client.post("/pulihkan/", RINA_FORM)  # anonymous, with the member's identity data
    assert client.get("/wajah/terkunci/")["Location"].startswith("/masuk/")
    tomorrow = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    booked = client.post("/wajah/terkunci/", {"action": "book", "starts_at": tomorrow.isoformat()})
    assert booked["Location"].startswith("/masuk/")
    opened = client.post("/wajah/terkunci/", {"action": "cooling_off"})
    assert opened["Location"].startswith("/masuk/")
    assert not UnlockBooking.objects.exists()
    assert FaceStep.objects.get(participant=account.participant).locked_at is not None


# --- M1: the per-account limit holds however the number is typed -------------------------


def test_the_login_limit_holds_however_the_number_is_typed() -> None:
    register()
    typed = ["0812-3450-0001", "+62 812 3450 0001", "081234500001", "62812 3450 0001", PHONE]
    for n, identifier in enumerate(typed):
        with pytest.raises(AccountError) as wrong:
            services.login(
                identifier=identifier, password="salah", client=f"10.9.0.{n}", device_id="x"
            )
        assert wrong.value.code == "login_wrong"
    with pytest.raises(AccountError) as limited:
        services.login(
            identifier="(0812) 3450.0001", password=STRONG, client="10.9.1.1", device_id="x"
        )
    assert limited.value.code == "login_throttled"


# --- M2: per-client limits key on the client behind the proxy ------------------------------


def test_the_client_address_comes_from_the_trusted_hops(settings) -> None:
    factory = RequestFactory()

    def address(forwarded: str | None, hops: int) -> str:
        settings.CAIRKAN_TRUSTED_PROXY_HOPS = hops
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return client_address(factory.get("/", REMOTE_ADDR="10.0.0.254", **extra))

    assert address("203.0.113.7", 0) == "10.0.0.254"  # no proxy configured: header ignored
    assert address("203.0.113.7", 1) == "203.0.113.7"
    assert address("1.2.3.4, 203.0.113.7", 1) == "203.0.113.7"  # the left part is forged
    assert address("1.2.3.4, 203.0.113.7, 10.0.0.9", 2) == "203.0.113.7"
    assert address("2001:db8::1", 1) == "2001:db8::1"
    for malformed in (None, "", "not-an-ip", "1.2.3.4, "):
        assert address(malformed, 1) == "10.0.0.254"
    assert address("203.0.113.7", 2) == "10.0.0.254"  # fewer entries than hops


def test_behind_the_proxy_one_client_does_not_lock_out_the_others(settings) -> None:
    settings.CAIRKAN_TRUSTED_PROXY_HOPS = 1
    account = register()
    device = "rina-phone-0123456789"
    KnownDevice.objects.create(account=account, device_hash=services.device_hash(device))
    proxy = {"REMOTE_ADDR": "10.0.0.254"}
    attacker = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for n in range(20):
        attacker.post("/masuk/", {"identifier": f"+62812000000{n:02d}", "password": "x"})
    assert attacker.post("/masuk/", {"identifier": PHONE, "password": STRONG}).status_code == 429
    forged = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.66")
    assert forged.post("/masuk/", {"identifier": PHONE, "password": STRONG}).status_code == 429
    member = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    member.cookies["cairkan_device"] = device
    assert member.post("/masuk/", {"identifier": PHONE, "password": STRONG})["Location"] == (
        "/akun/"
    )


# --- M9, L9: code sends are limited per session, per client and per day ---------------------


def test_one_registration_cannot_send_codes_to_many_numbers(client: Client) -> None:
    client.post("/daftar/", RINA_FORM)
    statuses = [
        client.post(
            "/daftar/kontak/",
            {"action": "send", "channel": "sms", "destination": f"08129999{n:04d}"},
        ).status_code
        for n in range(10)
    ]
    assert statuses == [302] * 5 + [429] * 5
    assert OutboundMessage.objects.filter(to__startswith="+628129999").count() == 5
    refused = client.post(
        "/daftar/kontak/", {"action": "send", "channel": "sms", "destination": "081299990099"}
    )
    assert "pukul" in refused.content.decode()


def test_one_client_sending_codes_is_limited() -> None:
    sent = 0
    with pytest.raises(AccountError) as limited:
        for n in range(12):
            registration = services.registration_start(**RINA, client="10.10.0.1")
            services.registration_send_code(
                registration=registration,
                channel="sms",
                destination=f"08129998{n:04d}",
                client="10.10.0.1",
            )
            sent += 1
    assert (sent, limited.value.code) == (10, "code_send_throttled")


def test_codes_to_one_destination_are_capped_per_day() -> None:
    for n in range(10):
        codes.send_code(purpose="new_device", destination=PHONE, channel="sms", device=f"d{n}")
    with pytest.raises(codes.CodeError) as capped:
        codes.send_code(purpose="new_device", destination=PHONE, channel="sms", device="d10")
    assert capped.value.code == "code_send_throttled"
    assert capped.value.until > timezone.now() + timedelta(hours=23)
    assert OutboundMessage.objects.filter(to=PHONE).count() == 10


# --- L10: two new devices within a minute each get a usable code ----------------------------


def test_two_new_devices_within_a_minute_each_get_a_usable_code() -> None:
    account = register()
    laptop = services.login(identifier=PHONE, password=STRONG, client="10.11.0.1", device_id="a")
    laptop_code = last_code(PHONE)
    phone = services.login(identifier=PHONE, password=STRONG, client="10.11.0.2", device_id="b")
    phone_code = last_code(PHONE)
    assert not laptop.device_confirmed and not phone.device_confirmed
    with pytest.raises(AccountError) as elsewhere:  # a code confirms its own device only
        services.confirm_device(account=account, code=laptop_code, device_id="b")
    assert elsewhere.value.code == "code_wrong"
    services.confirm_device(account=account, code=laptop_code, device_id="a")
    services.confirm_device(account=account, code=phone_code, device_id="b")
    assert KnownDevice.objects.filter(account=account).count() == 2
