"""The tamper-evident audit trail: the chain verifies, and each way of tampering with it
(an edited, deleted, reordered or resealed entry, a cut tail) is named at its first
broken link; entries are append-only and roll back with their transaction."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from cairkan.audit.chain import seal
from cairkan.audit.models import AuditEntry, AuditEntryImmutable
from cairkan.audit.services import AuditRecordError, audit_record, masked

pytestmark = pytest.mark.django_db


def _write(count: int) -> list[AuditEntry]:
    officer = get_user_model().objects.create_user("uji-petugas", password="x", is_staff=True)
    return [
        audit_record(
            actor_kind="officer",
            actor_user=officer,
            action="test.changed",
            subject=("tests.thing", number),
            before={"status": "old", "amount": number * 1000},
            after={"status": "new", "amount": number * 1000 + 1},
            why=f"change number {number}",
        )
        for number in range(1, count + 1)
    ]


def _verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def _broken() -> CommandError:
    with pytest.raises(CommandError) as raised:
        _verify()
    assert raised.value.returncode == 1
    return raised.value


def _sql(statement: str, *params: object) -> None:
    """Tamper as someone with write access to the table would, past the ORM (on
    PostgreSQL also past the trigger, as the table's owner can)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
            cursor.execute("ALTER TABLE audit_auditchainhead DISABLE TRIGGER audit_chain_head_kept")
        cursor.execute(statement, params)


def test_a_whole_chain_verifies_and_says_how_many_entries() -> None:
    entries = _write(5)
    output = _verify()
    assert "5 entries verified" in output
    assert entries[-1].entry_hash in output  # the head hash, to publish
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous_hash == "0" * 64
    assert all(b.previous_hash == a.entry_hash for a, b in itertools.pairwise(entries))


def test_an_empty_trail_verifies() -> None:
    assert "0 entries verified" in _verify()


def test_an_edited_entry_is_the_first_broken_link() -> None:
    _write(5)
    _sql("UPDATE audit_auditentry SET why = %s WHERE sequence = 3", "nothing happened")
    error = str(_broken())
    assert "#3 (altered)" in error and "2 entries before it verified" in error


def test_an_edited_amount_in_after_is_detected() -> None:
    _write(4)
    _sql(
        "UPDATE audit_auditentry SET after = %s WHERE sequence = 2",
        '{"amount": 999999999, "status": "new"}',
    )
    assert "#2 (altered)" in str(_broken())


def test_a_deleted_entry_is_named_as_missing() -> None:
    _write(5)
    _sql("DELETE FROM audit_auditentry WHERE sequence = 3")
    error = str(_broken())
    assert "#3 (missing)" in error and "next one is #4" in error


def test_reordered_entries_break_the_link_where_the_order_changed() -> None:
    _write(5)
    # Entries 3 and 4 trade places (their sequence numbers swapped).
    _sql("UPDATE audit_auditentry SET sequence = 1000 WHERE sequence = 3")
    _sql("UPDATE audit_auditentry SET sequence = 3 WHERE sequence = 4")
    _sql("UPDATE audit_auditentry SET sequence = 4 WHERE sequence = 1000")
    assert "#3 (link)" in str(_broken())


def test_an_entry_edited_and_resealed_breaks_the_next_link() -> None:
    entries = _write(5)
    third = entries[2]
    forged = seal(
        sequence=3,
        at=third.at,
        actor_kind=third.actor_kind,
        actor_user_id=third.actor_user_id,
        participant_id=third.participant_id,
        action=third.action,
        subject_type=third.subject_type,
        subject_id=third.subject_id,
        before=third.before,
        after={"status": "new", "amount": 1},
        why=third.why,
        previous_hash=third.previous_hash,
    )
    _sql(
        "UPDATE audit_auditentry SET after = %s, entry_hash = %s WHERE sequence = 3",
        '{"amount": 1, "status": "new"}',
        forged,
    )
    assert "#4 (link)" in str(_broken())


def test_a_removed_tail_is_seen_against_the_chain_head() -> None:
    _write(5)
    _sql("DELETE FROM audit_auditentry WHERE sequence >= 4")
    error = str(_broken())
    assert "#4 (tail)" in error and "head says #5" in error


def test_a_removed_chain_head_is_reported() -> None:
    _write(2)
    _sql("DELETE FROM audit_auditchainhead")
    assert "#3 (tail)" in str(_broken())


def test_entries_cannot_be_changed_or_removed_through_the_orm() -> None:
    entry = _write(2)[0]
    entry.why = "rewritten"
    with pytest.raises(AuditEntryImmutable):
        entry.save()
    with pytest.raises(AuditEntryImmutable):
        entry.delete()
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.filter(pk=entry.pk).update(why="rewritten")
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditEntryImmutable):
        AuditEntry.objects.bulk_create([AuditEntry(sequence=9, entry_hash="x")])
    assert "2 entries verified" in _verify()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger is PostgreSQL's: scripts/with-postgres"
)
def test_postgresql_refuses_update_and_delete_of_an_entry_and_the_head() -> None:
    from django.db import DatabaseError

    _write(1)
    for statement in (
        "UPDATE audit_auditentry SET why = 'x'",
        "DELETE FROM audit_auditentry",
        "DELETE FROM audit_auditchainhead",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(statement)
    assert "1 entries verified" in _verify()


def test_an_entry_rolls_back_with_its_transaction_and_the_chain_goes_on() -> None:
    _write(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor_kind="system", action="test.lost", subject=("tests.thing", 9))
        raise RuntimeError("the change failed")
    assert not AuditEntry.objects.filter(action="test.lost").exists()
    entry = audit_record(actor_kind="system", action="test.kept", subject=("tests.thing", 9))
    assert entry.sequence == 3
    assert "3 entries verified" in _verify()


def test_personal_values_are_masked_and_the_rest_kept() -> None:
    entry = audit_record(
        actor_kind="officer",
        action="test.corrected",
        subject=("members.participant", 7),
        before={"full_name": "Siti Aminah", "status": "active"},
        after={"full_name": "Siti Aminah Rahmah", "nested": {"phone": "+6281234567890"}},
        why="typo in the registry",
    )
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.before == {"full_name": "S*********h", "status": "active"}
    assert entry.after["full_name"] == masked("Siti Aminah Rahmah") != "Siti Aminah Rahmah"
    assert entry.after["nested"]["phone"].startswith("+") and "1234567" not in str(entry.after)
    assert "1 entries verified" in _verify()


def test_values_that_a_database_would_respell_still_verify() -> None:
    from datetime import date
    from decimal import Decimal

    audit_record(
        actor_kind="system",
        action="test.values",
        subject=("tests.thing", "a\x00b"),
        after={"rate": 0.1, "money": Decimal("12.50"), "on": date(2026, 11, 30), "nul": "x\x00y"},
        why="why\x00",
    )
    assert "1 entries verified" in _verify()


def test_a_wrong_actor_kind_or_an_unsaved_subject_is_refused() -> None:
    with pytest.raises(AuditRecordError):
        audit_record(actor_kind="robot", action="x", subject=("tests.thing", 1))
    with pytest.raises(AuditRecordError):
        audit_record(actor_kind="system", action="x", subject=get_user_model()(username="u"))
    assert not AuditEntry.objects.exists()


def test_the_admin_is_read_only_even_with_every_audit_permission() -> None:
    from staff_users import logged_in, staff_user

    entry = _write(1)[0]
    perms = [f"audit.{verb}_auditentry" for verb in ("view", "add", "change", "delete")]
    client = logged_in(staff_user("semua-audit", *perms))
    page = f"/admin/audit/auditentry/{entry.pk}/"
    assert client.get(f"{page}change/").status_code == 200
    assert 'name="why"' not in client.get(f"{page}change/").content.decode()
    assert client.post(f"{page}change/", {"why": "rewritten"}).status_code == 403
    assert client.post(f"{page}delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    listing = client.get("/admin/audit/auditentry/").content.decode()
    assert "delete_selected" not in listing and "export_csv" in listing
    assert AuditEntry.objects.get(pk=entry.pk).why == entry.why
    assert "1 entries verified" in _verify()
