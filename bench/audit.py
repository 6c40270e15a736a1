"""Audit trail: entries written per second (one writer; eight on PostgreSQL) against a
plain one-row insert per transaction, and entries verified per second.

Runs on DATABASE_URL when set (e.g. under scripts/with-postgres), else on a throwaway
SQLite database; never on var/. Usage: python bench/audit.py [--entries 2000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=2000)
    entries = parser.parse_args().entries
    os.environ["CAIRKAN_VAR_DIR"] = tempfile.mkdtemp(prefix="cairkan-bench-audit-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairkan.config.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction

    from cairkan.audit.selectors import chain_verify
    from cairkan.audit.services import audit_record

    call_command("migrate", verbosity=0)

    def write(count: int, tag: str) -> None:
        for number in range(count):
            with transaction.atomic():
                audit_record(
                    actor_kind="officer",
                    action="bench.change",
                    subject=("bench.thing", f"{tag}-{number}"),
                    before={"status": "in_review"},
                    after={"status": "approved", "full_name": "Siti Rahmah"},
                    why="bench",
                )
        connection.close()

    def plain(count: int) -> None:
        for number in range(count):
            with transaction.atomic():
                Group.objects.create(name=f"bench-{number}")

    vendor = connection.vendor
    started = time.perf_counter()
    plain(entries)
    baseline = entries / (time.perf_counter() - started)
    started = time.perf_counter()
    write(entries, "one")
    one = entries / (time.perf_counter() - started)
    line = f"{vendor}: audit_record {one:.0f} entries/s (one writer)"
    if vendor == "postgresql":
        writers = [threading.Thread(target=write, args=(entries // 8, f"w{n}")) for n in range(8)]
        started = time.perf_counter()
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        line += f", {entries // 8 * 8 / (time.perf_counter() - started):.0f}/s (8 writers)"
    started = time.perf_counter()
    report = chain_verify()
    verify = report.verified / (time.perf_counter() - started)
    assert report.broken is None, report.broken
    print(f"{line}; plain insert {baseline:.0f}/s; verify {verify:.0f} entries/s")


if __name__ == "__main__":
    main()
