"""Member data changes are services, not free edits (issue 12 item 6): a participant's
name and a membership's status and separation date are corrected only with the right
permission and a reason, writing an event row and an audit entry; the admin edits none
of them. Users are staff with a role, never a superuser."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cairkan.audit.models import AuditEntry
from cairkan.members.models import Employer, MemberDataEvent, Membership, Participant
from cairkan.members.services import MemberDataError, membership_correct, participant_correct
from staff_users import logged_in, staff_user

pytestmark = pytest.mark.django_db
PARTICIPANTS = "/admin/members/participant/"
MEMBERSHIPS = "/admin/members/membership/"


@pytest.fixture
def siti() -> Participant:
    return Participant.objects.create(
        nik="6308055204890001",
        full_name="Siti Rahmh",
        birth_date=date(1989, 4, 12),
        sex="F",
        mother_maiden_name="Aminah",
    )


@pytest.fixture
def kpj(siti: Participant) -> Membership:
    employer = Employer.objects.create(
        registration_number="12345678", name="PT Rotan Amuntai", district_code="63.08.05"
    )
    return Membership.objects.create(
        kpj="23000000101", participant=siti, employer=employer, start_date=date(2015, 3, 1)
    )


def _whole() -> None:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "entries verified" in out.getvalue()


# --- the services ---------------------------------------------------------------------


def test_a_supervisor_corrects_a_name_with_an_event_and_a_masked_audit_entry(siti) -> None:
    supervisor = staff_user("penyelia", role="Penyelia")
    participant_correct(
        participant=siti, actor=supervisor, full_name=" Siti  Rahmah ", reason="e-KTP checked"
    )
    siti.refresh_from_db()
    assert siti.full_name == "Siti Rahmah"
    event = MemberDataEvent.objects.get(participant=siti)
    assert (event.kind, event.before, event.after) == (
        "name_corrected",
        {"full_name": "Siti Rahmh"},
        {"full_name": "Siti Rahmah"},
    )
    assert (event.acting_user, event.reason) == (supervisor, "e-KTP checked")
    entry = AuditEntry.objects.get(action="participant.correct_name")
    assert (entry.actor_kind, entry.actor_user_id, entry.participant_id) == (
        "officer",
        supervisor.pk,
        siti.pk,
    )
    assert entry.before == {"full_name": "S********h"}
    assert "Rahmah" not in str(entry.after) and entry.why == "e-KTP checked"
    _whole()


@pytest.mark.parametrize("role", ["Petugas loket", "Verifikator", "Auditor"])
def test_a_role_without_the_permission_corrects_nothing(siti, kpj, role) -> None:
    officer = staff_user(role.replace(" ", ""), role=role)
    with pytest.raises(MemberDataError) as name:
        participant_correct(participant=siti, actor=officer, full_name="X Y", reason="r")
    with pytest.raises(MemberDataError) as membership:
        membership_correct(
            membership=kpj,
            actor=officer,
            status="non_active",
            separation_date=date(2026, 9, 30),
            separation_reason="resignation",
            reason="r",
        )
    assert name.value.code == membership.value.code == "permission_denied"
    siti.refresh_from_db()
    kpj.refresh_from_db()
    assert (siti.full_name, kpj.status) == ("Siti Rahmh", "active")
    assert not MemberDataEvent.objects.exists() and not AuditEntry.objects.exists()


def test_the_named_permission_alone_is_enough(siti) -> None:
    officer = staff_user("koreksi", "members.correct_participant")
    participant_correct(participant=siti, actor=officer, full_name="Siti Rahmah", reason="KTP")
    assert Participant.objects.get(pk=siti.pk).full_name == "Siti Rahmah"


@pytest.mark.parametrize(
    ("full_name", "reason", "code"),
    [
        ("Siti Rahmah", "  ", "reason_required"),
        ("Siti Rahmah", "x" * 501, "reason_too_long"),
        ("   ", "KTP", "name_invalid"),
        ("12345", "KTP", "name_invalid"),
        ("Siti Rahmh", "KTP", "unchanged"),
    ],
)
def test_a_name_correction_is_refused_with_its_reason(siti, full_name, reason, code) -> None:
    supervisor = staff_user("penyelia", role="Penyelia")
    with pytest.raises(MemberDataError) as refused:
        participant_correct(participant=siti, actor=supervisor, full_name=full_name, reason=reason)
    assert refused.value.code == code and refused.value.message
    assert not AuditEntry.objects.exists()


def test_a_supervisor_corrects_a_membership_separation(kpj) -> None:
    supervisor = staff_user("penyelia", role="Penyelia")
    membership_correct(
        membership=kpj,
        actor=supervisor,
        status="non_active",
        separation_date=date(2026, 9, 30),
        separation_reason="resignation",
        reason="employer's letter of 2 Oct 2026, confirmed by phone",
    )
    kpj.refresh_from_db()
    assert (kpj.status, kpj.separation_date, kpj.separation_reason) == (
        "non_active",
        date(2026, 9, 30),
        "resignation",
    )
    event = MemberDataEvent.objects.get(membership=kpj)
    assert event.before == {"status": "active", "separation_date": None, "separation_reason": ""}
    assert event.after["separation_date"] == "2026-09-30"
    entry = AuditEntry.objects.get(action="membership.correct")
    assert (entry.subject_type, entry.subject_id, entry.participant_id) == (
        "members.membership",
        str(kpj.pk),
        kpj.participant_id,
    )
    assert entry.after == {
        "status": "non_active",
        "separation_date": "2026-09-30",
        "separation_reason": "resignation",
    }
    _whole()


@pytest.mark.parametrize(
    ("status", "separation_date", "separation_reason", "code"),
    [
        ("gone", None, "", "status_unknown"),
        ("non_active", date(2026, 9, 30), "", "separation_reason_required"),
        ("non_active", None, "resignation", "separation_reason_required"),
        ("non_active", date(2026, 9, 30), "holiday", "separation_reason_unknown"),
        ("non_active", date(2014, 1, 31), "resignation", "separation_before_start"),
        ("non_active", "tomorrow", "resignation", "separation_in_future"),
        ("active", None, "", "unchanged"),
    ],
)
def test_a_membership_correction_is_refused_with_its_reason(
    kpj, status, separation_date, separation_reason, code
) -> None:
    if separation_date == "tomorrow":
        separation_date = timezone.localdate() + timedelta(days=1)
    supervisor = staff_user("penyelia", role="Penyelia")
    with pytest.raises(MemberDataError) as refused:
        membership_correct(
            membership=kpj,
            actor=supervisor,
            status=status,
            separation_date=separation_date,
            separation_reason=separation_reason,
            reason="employer's report",
        )
    assert refused.value.code == code and refused.value.message
    assert Membership.objects.get(pk=kpj.pk).status == "active"
    assert not MemberDataEvent.objects.exists() and not AuditEntry.objects.exists()


# --- the admin ------------------------------------------------------------------------


def test_the_admin_edits_no_member_record_even_with_every_members_permission(siti, kpj) -> None:
    verbs = ("view", "add", "change", "delete")
    perms = [f"members.{verb}_{model}" for verb in verbs for model in ("participant", "membership")]
    client = logged_in(staff_user("penuh", *perms))
    page = client.get(f"{PARTICIPANTS}{siti.pk}/change/")
    assert page.status_code == 200 and 'name="full_name"' not in page.content.decode()
    assert 'name="memberships-0-status"' not in page.content.decode()
    posted = client.post(f"{PARTICIPANTS}{siti.pk}/change/", {"full_name": "Siapa Saja"})
    assert posted.status_code == 403
    posted = client.post(f"{MEMBERSHIPS}{kpj.pk}/change/", {"status": "non_active"})
    assert posted.status_code == 403
    assert client.post(f"{PARTICIPANTS}{siti.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Participant.objects.get(pk=siti.pk).full_name == "Siti Rahmh"
    assert Membership.objects.get(pk=kpj.pk).status == "active"


def _correct_name(client, siti: Participant, **form: str):
    return client.post(
        PARTICIPANTS,
        {"action": "correct_name", "_selected_action": [str(siti.pk)], "apply": "1", **form},
    )


def test_a_verifier_cannot_correct_a_name_in_the_admin(siti) -> None:
    client = logged_in(staff_user("verifikator", role="Verifikator"))
    listing = client.get(PARTICIPANTS)
    assert listing.status_code == 200 and "correct_name" not in listing.content.decode()
    _correct_name(client, siti, full_name="Siti Rahmah", reason="KTP")
    assert Participant.objects.get(pk=siti.pk).full_name == "Siti Rahmh"
    assert not AuditEntry.objects.exists()


def test_a_supervisor_corrects_a_name_in_the_admin_only_with_a_reason(siti) -> None:
    client = logged_in(staff_user("penyelia", role="Penyelia"))
    asked = client.post(
        PARTICIPANTS, {"action": "correct_name", "_selected_action": [str(siti.pk)]}
    )
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    no_reason = _correct_name(client, siti, full_name="Siti Rahmah", reason="")
    assert no_reason.status_code == 200 and 'name="reason"' in no_reason.content.decode()
    assert Participant.objects.get(pk=siti.pk).full_name == "Siti Rahmh"
    unchanged = _correct_name(client, siti, full_name="Siti Rahmh", reason="KTP")
    assert unchanged.status_code == 200  # the form again, saying nothing changed
    done = _correct_name(client, siti, full_name="Siti Rahmah", reason="e-KTP checked")
    assert done.status_code == 302
    assert Participant.objects.get(pk=siti.pk).full_name == "Siti Rahmah"
    assert AuditEntry.objects.get().why == "e-KTP checked"


def test_a_supervisor_corrects_a_membership_in_the_admin(kpj) -> None:
    client = logged_in(staff_user("penyelia", role="Penyelia"))
    done = client.post(
        MEMBERSHIPS,
        {
            "action": "correct_membership",
            "_selected_action": [str(kpj.pk)],
            "apply": "1",
            "status": "non_active",
            "separation_date": "2026-09-30",
            "separation_reason": "contract_end",
            "reason": "employer's report, late",
        },
    )
    assert done.status_code == 302
    kpj.refresh_from_db()
    assert (kpj.status, kpj.separation_reason) == ("non_active", "contract_end")
    assert MemberDataEvent.objects.get().acting_user.username == "uji-penyelia"


# --- the auditor ----------------------------------------------------------------------


def test_the_auditor_searches_filters_and_exports_the_trail(siti) -> None:
    supervisor = staff_user("penyelia", role="Penyelia")
    participant_correct(participant=siti, actor=supervisor, full_name="Siti Rahmah", reason="KTP")
    client = logged_in(staff_user("auditor", role="Auditor"))
    listing = "/admin/audit/auditentry/"
    entry = AuditEntry.objects.get()
    row = f"{listing}{entry.pk}/change/"

    def shown(**query: str) -> bool:
        page = client.get(listing, query)
        assert page.status_code == 200
        return row in page.content.decode()

    assert shown()
    assert shown(q=str(siti.pk)) and shown(q="uji-penyelia") and shown(q="correct_name")
    assert not shown(q="99999") and not shown(q="someone-else")
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    assert shown(at__gte=f"{today}T00:00:00+08:00", at__lt=f"{tomorrow}T00:00:00+08:00")
    assert not shown(at__gte="2020-01-01T00:00:00+08:00", at__lt="2020-01-02T00:00:00+08:00")
    assert shown(actor_kind="officer") and not shown(actor_kind="member")
    assert client.get(f"{listing}{entry.pk}/change/").status_code == 200  # a read-only view
    assert client.post(f"{listing}{entry.pk}/change/", {"why": "x"}).status_code == 403
    assert client.post(f"{listing}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{listing}add/").status_code == 403
    exported = client.post(listing, {"action": "export_csv", "_selected_action": [str(entry.pk)]})
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [(r["sequence"], r["action"], r["why"]) for r in rows] == [
        ("1", "participant.correct_name", "KTP")
    ]
    assert "Siti" not in exported.content.decode()  # names are masked in the trail


def test_a_formula_in_an_exported_cell_is_quoted(siti) -> None:
    from cairkan.audit.services import audit_record

    audit_record(actor_kind="system", action="test.csv", subject=siti, why="=HYPERLINK(1)")
    client = logged_in(staff_user("auditor", role="Auditor"))
    exported = client.post(
        "/admin/audit/auditentry/",
        {"action": "export_csv", "_selected_action": [str(AuditEntry.objects.get().pk)]},
    )
    assert "'=HYPERLINK(1)" in exported.content.decode()


def test_the_demo_data_and_a_correction_then_a_reset_keep_the_chain_whole() -> None:
    """What CI runs (scripts/audit-demo), light: a load, a correction, a reset, a load."""
    as_of = date(2026, 11, 23)
    call_command("seed_demo", members=12, seed=1, as_of=as_of, stdout=StringIO())
    rina = Participant.objects.get(nik="6308056108979001")
    supervisor = staff_user("penyelia", role="Penyelia")
    participant_correct(participant=rina, actor=supervisor, full_name="Rina M", reason="KTP")
    call_command("seed_demo", members=12, seed=1, as_of=as_of, reset=True, stdout=StringIO())
    assert list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True)) == [
        "demo.load",
        "participant.correct_name",
        "demo.clear",
        "demo.load",
    ]
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "4 entries verified" in out.getvalue()
