"""The host-to-host file rail from the command line (docs/payments.md, "Bulk files").

``cairkan bank-file build --bank 002 [--date 2026-11-30] [--out DIR]`` writes the day's
pain.001 for a bank paid by file; ``--again MESSAGE_ID`` writes a file already sent once
more, byte for byte. ``cairkan bank-file ingest FILE [--bank 002]`` applies the bank's
pain.002 or camt.054. A refused file changes nothing and exits with status 1."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cairkan.integrations.bank.iso20022.errors import BankFileRefused
from cairkan.payouts.bankfiles import (
    BuiltBankFile,
    bank_file_build,
    bank_file_ingest,
    bank_file_rewrite,
)


class Command(BaseCommand):
    help = "Build the day's ISO 20022 pain.001 for a bank, or ingest its pain.002/camt.054."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        build = actions.add_parser("build", help="write the day's pain.001 for one bank")
        build.add_argument("--bank", required=True, help="three-digit bank code, e.g. 002")
        build.add_argument(
            "--date", type=date.fromisoformat, help="payouts approved by this day (today)"
        )
        build.add_argument("--again", metavar="MESSAGE_ID", help="rewrite a file sent before")
        build.add_argument(
            "--out",
            type=Path,
            help="directory to write to (default: $CAIRKAN_VAR_DIR/bank-files/out)",
        )
        ingest = actions.add_parser("ingest", help="apply a bank's pain.002 or camt.054")
        ingest.add_argument("file", type=Path)
        ingest.add_argument("--bank", default="", help="the bank that sent it (checked)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "build":
                self._build(options)
            else:
                self._ingest(options["file"], options["bank"])
        except BankFileRefused as refused:
            raise CommandError(f"refused ({refused.code}): {refused}; nothing changed") from None

    def _build(self, options: dict[str, Any]) -> None:
        bank = options["bank"]
        if options["again"]:
            built: BuiltBankFile | None = bank_file_rewrite(
                bank_code=bank, message_id=options["again"]
            )
        else:
            day = options["date"] or timezone.localdate()
            built = bank_file_build(bank_code=bank, day=day)
            if built is None:
                self.stdout.write(f"No queued payouts for bank {bank} by {day}: no file.")
                return
        assert built is not None
        out = options["out"] or Path(settings.VAR_DIR) / "bank-files" / "out"
        path = _write(out, built.file_name, built.content)
        record = built.record
        self.stdout.write(
            f"{path}: {record.transfers} transfers, Rp {record.total:,} "
            f"(sha256 {record.sha256[:16]}…), validated against pain.001.001.09."
        )

    def _ingest(self, path: Path, bank: str) -> None:
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        result = bank_file_ingest(content=content, name=path.name, bank_code=bank)
        record = result.record
        if result.already:
            self.stdout.write(
                f"{path.name}: already applied on {record.received_at:%Y-%m-%d %H:%M} "
                f"({record.kind} {record.message_id}); nothing changed."
            )
            return
        counts = ", ".join(
            f"{key} {value}" for key, value in result.summary.items() if isinstance(value, int)
        )
        self.stdout.write(f"{path.name}: {record.kind} {record.message_id} applied: {counts}.")
        for reference in result.summary.get("held_references", []):
            self.stdout.write(f"  held for an officer (payer-side refusal): {reference}")
        for reference in result.summary.get("conflict_references", []):
            self.stdout.write(f"  conflicts with the payout's final state: {reference}")


def _write(directory: Path, name: str, content: bytes) -> Path:
    """Write whole or not at all (a temporary name, then a rename), private to the owner:
    the file names members and their accounts."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / name
    temporary = directory / f".{name}.part"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    return path
