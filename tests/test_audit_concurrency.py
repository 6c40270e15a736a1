"""Writers at once on PostgreSQL keep one chain: each waits for the chain head's row
lock, so no two entries ever extend the same predecessor (no fork, no gap)."""

from __future__ import annotations

import contextlib
import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from cairkan.audit import services
from cairkan.audit.models import AuditEntry
from cairkan.audit.services import audit_record

# SQLite lets one writer in at a time whatever the code locks: the race is PostgreSQL's.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need PostgreSQL: run with scripts/with-postgres",
    ),
]


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_two_writers_that_read_the_head_at_once_do_not_fork_the_chain(monkeypatch) -> None:
    audit_record(actor_kind="system", action="test.first", subject=("tests.thing", 0))
    # Each writer waits here, after reading the head and before writing, for the other
    # (or 2 s, when the other is held back by the lock): without it both would write #2.
    both_read = threading.Barrier(2, timeout=2)
    real_seal = services.seal

    def seal_when_both_read(**fields: object) -> str:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_read.wait()
        return real_seal(**fields)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "seal", seal_when_both_read)
    errors: list[BaseException] = []

    def write(number: int) -> None:
        try:
            with transaction.atomic():
                audit_record(
                    actor_kind="system", action="test.race", subject=("tests.thing", number)
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    _run([threading.Thread(target=write, args=(n,)) for n in (1, 2)])

    assert errors == []
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == [
        1,
        2,
        3,
    ]
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "3 entries verified" in out.getvalue()


def test_eight_writers_make_one_whole_chain() -> None:
    writers, each = 8, 25
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            for number in range(each):
                with transaction.atomic():
                    audit_record(
                        actor_kind="system",
                        action="test.many",
                        subject=("tests.thing", f"{writer}-{number}"),
                    )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    _run([threading.Thread(target=write, args=(w,)) for w in range(writers)])

    assert errors == []
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, writers * each + 1))
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert f"{writers * each} entries verified" in out.getvalue()
