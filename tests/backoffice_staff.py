"""Officers of the back office as they sign in: a role, a posting to branches and a
session that passed the second factor (TOTP) — never a superuser."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairkan.backoffice.models import Branch, Posting
from cairkan.claims.models import Claim
from cairkan.claims.services import ClaimRequest, claim_submit
from cairkan.members.models import Participant
from cairkan.members.services import membership_correct
from cairkan.workdays.selectors import is_working_day
from claim_steps import face_check_passed, upload_documents
from staff_users import staff_user

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Makassar"))


def branches() -> tuple[Branch, Branch]:
    """The demo's branch (Hulu Sungai Utara, 63.08) and another with none of its claims."""
    amuntai = Branch.objects.create(code="amuntai", name="KC Amuntai", regency_codes=["63.08"])
    other = Branch.objects.create(
        code="banjarmasin", name="KC Banjarmasin", regency_codes=["63.71"]
    )
    return amuntai, other


def officer(username: str, role: str | None = None, *perms: str, posted: Branch | None = None):
    user = staff_user(username, *perms, role=role)
    if posted is not None:
        Posting.objects.create(user=user).branches.add(posted)
    return user


def signed_in(user: object) -> Client:
    """A client signed in with both factors, as the sign-in pages leave it."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="uji", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def rina_claim(*, flagged: tuple[str, ...] = ()) -> Claim:
    """Rina's resignation claim on the app channel (the demo persona of 63.08.05).
    ``flagged``: prefilled facts she marks as wrong (so screening leaves it to a person
    once the filing commits, as in a live server)."""
    call_command("seed_demo", members=12, seed=1, as_of=date(2026, 11, 23))
    rina = Participant.objects.get(nik="6308056108979001")
    face_check_passed(rina, at=NOW)
    upload_documents(rina, "resignation")
    return claim_submit(
        participant=rina,
        request=ClaimRequest(
            reason="resignation",
            separation_date=date(2026, 10, 9),
            bank_code="002",
            account_number="005201000019001",
            flagged=flagged,
            note="Nama perusahaan saya salah tulis." if flagged else "",
        ),
        idempotency_key="k",
        now=NOW,
    )


def late_claim(*, working_days_ago: int = 7) -> Claim:
    """Hamdani Noor's claim, filed ``working_days_ago`` working days ago by the filing
    service's clock and still unchecked: past its deadline (his Rp 10,3 juta takes 5
    working days). His employer reported the departure without a date, so he declares
    it and screening leaves the claim to a person. Call after ``rina_claim`` (the seed)."""
    hamdani = Participant.objects.get(nik="6308072503929001")
    membership_correct(
        membership=hamdani.memberships.order_by("start_date").last(),
        actor=staff_user("data-desk", role="Penyelia"),
        status="non_active",
        separation_date=None,
        separation_reason="",
        reason="employer reported the departure without a date",
    )
    day, count = timezone.localdate(), working_days_ago
    while count:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    face_check_passed(hamdani)
    upload_documents(hamdani, "resignation")
    return claim_submit(
        participant=hamdani,
        request=ClaimRequest(
            reason="resignation",
            separation_date=day - timedelta(days=45),  # past the one-month wait
            bank_code="014",
            account_number="8010029011",
        ),
        idempotency_key="late",
        now=timezone.make_aware(datetime.combine(day, time(10, 0))),
    )
