"""The host-to-host file rail: ISO 20022 pain.001 out, pain.002 in, at a day's volume.

Builds a pain.001.001.09 file for N payouts (default 100 000) and validates it against the
official XSD (libxml2), as ``cairkan bank-file build`` does before a file leaves; then
parses and checks a pain.002.001.10 status report answering every payout. For comparison
it times the pure-Python ``xmlschema`` validator on a sample of the same file, which is
why Cairkan validates with libxml2. Those three use plain records, no database.

Then through the database (SQLite in a temporary directory, CAIRKAN_ENV=test): --db
queued payouts (the tests' bulk factory) built into the day's file by
``bank_file_build`` (select, build, validate, record, payouts accepted, claims "being
paid") and a pain.002 paying all of them applied by ``bank_file_ingest`` (each payout
settled: claim paid, ledger written, member told), in one transaction each.

Usage: python bench/payouts_files.py [--payouts 100000] [--sample 2000] [--db 2000]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def transfers(count: int) -> list:  # type: ignore[type-arg]
    from cairkan.integrations.bank.iso20022.pain001 import CreditTransfer

    return [
        CreditTransfer(
            reference=f"CK{index:032X}",
            amount=1_000_000 + index,
            creditor_name="SITI RAHMAWATI BINTI ABDUL RAHMAN",
            creditor_account=f"{index:015d}",
            creditor_bank_code="002",
            remittance="JHT BPJS Ketenagakerjaan",
        )
        for index in range(1, count + 1)
    ]


def build(count: int) -> tuple[bytes, float]:
    from cairkan.integrations.bank.iso20022.pain001 import PayingAccount, build_pain001

    rows = transfers(count)
    started = time.perf_counter()
    built = build_pain001(
        message_id="CKF-002-20261130-1",
        created_at=datetime.now(UTC),
        execution_date=date(2026, 11, 30),
        debtor=PayingAccount("BPJS Ketenagakerjaan", "0339001122", "002"),
        transfers=rows,
    )
    return built.content, time.perf_counter() - started


def status_report(
    count: int,
    *,
    references: list[str] | None = None,
    amounts: list[int] | None = None,
    original: str = "CKF-002-20261130-1",
    every_rejected: int = 50,
) -> bytes:
    """A pain.002.001.10 answering every payout: 1 in ``every_rejected`` rejected (AC04),
    the rest ACSC."""
    ns = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"
    references = references or [f"CK{i:032X}" for i in range(1, count + 1)]
    amounts = amounts or [1_000_000 + i for i in range(1, count + 1)]
    rows = []
    for index, (reference, amount) in enumerate(zip(references, amounts, strict=True), 1):
        rejected = every_rejected and index % every_rejected == 0
        rows.append(
            f"<TxInfAndSts><OrgnlEndToEndId>{reference}</OrgnlEndToEndId>"
            f"<TxSts>{'RJCT' if rejected else 'ACSC'}</TxSts>"
            + ("<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>" if rejected else "")
            + f'<OrgnlTxRef><Amt><InstdAmt Ccy="IDR">{amount}.00</InstdAmt></Amt>'
            "</OrgnlTxRef></TxInfAndSts>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><CstmrPmtStsRpt>'
        "<GrpHdr><MsgId>BRI-PSR-1</MsgId><CreDtTm>2026-11-30T15:00:00+07:00</CreDtTm></GrpHdr>"
        f"<OrgnlGrpInfAndSts><OrgnlMsgId>{original}</OrgnlMsgId>"
        "<OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>"
        f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>{original}</OrgnlPmtInfId>"
        + "".join(rows)
        + "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payouts", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--db", type=int, default=2_000, help="payouts through the database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cairkan-bench-files-") as var_dir:
        os.environ["CAIRKAN_VAR_DIR"] = var_dir
        os.environ.setdefault("CAIRKAN_ENV", "test")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairkan.config.settings")
        sys.path.insert(0, str(ROOT / "tests"))
        import django

        django.setup()
        logging.disable(logging.INFO)  # one log line per payout would time the terminal
        files(args)
        if args.db:
            database(args.db)


def files(args: argparse.Namespace) -> None:
    import xmlschema

    from cairkan.integrations.bank.iso20022.reports import check_against, parse_report
    from cairkan.integrations.bank.iso20022.schemas import PAIN_001, schema, xsd_path

    schema(PAIN_001)  # compiled once per process, as in a worker
    content, seconds = build(args.payouts)
    print(
        f"pain.001 build + XSD validation (libxml2), {args.payouts} payouts: {seconds:.2f} s, "
        f"{args.payouts / seconds:,.0f} payouts/s, {len(content) / 1e6:.1f} MB"
    )

    report = status_report(args.payouts)
    expected = {f"CK{i:032X}": 1_000_000 + i for i in range(1, args.payouts + 1)}
    started = time.perf_counter()
    parsed = parse_report(report)
    check_against(parsed, expected)
    seconds = time.perf_counter() - started
    print(
        f"pain.002 parse + reference/amount check, {len(parsed.outcomes)} outcomes: "
        f"{seconds:.2f} s, {len(parsed.outcomes) / seconds:,.0f} outcomes/s"
    )

    sample, _ = build(args.sample)
    validator = xmlschema.XMLSchema10(str(xsd_path(PAIN_001)))
    started = time.perf_counter()
    assert validator.is_valid(sample.decode())
    seconds = time.perf_counter() - started
    print(
        f"for comparison, xmlschema (pure Python) on {args.sample} payouts: {seconds:.2f} s, "
        f"{args.sample / seconds:,.0f} payouts/s (100 000 would take "
        f"{100_000 * seconds / args.sample:.0f} s)"
    )


def database(count: int) -> None:
    from datetime import date

    from django.conf import settings
    from django.core.management import call_command

    from cairkan.payouts.bankfiles import bank_file_build, bank_file_ingest
    from cairkan.payouts.models import Payout
    from payout_factories import queued_payouts

    call_command("migrate", verbosity=0)
    settings.CAIRKAN_BANK_FILE_RAIL = {"002": {"account_number": "0339001122"}}
    payouts = queued_payouts(count)
    day = date.today()
    started = time.perf_counter()
    built = bank_file_build(bank_code="002", day=day)
    seconds = time.perf_counter() - started
    assert built is not None and built.record.transfers == count
    print(
        f"database: bank_file_build, {count} queued payouts -> one pain.001: {seconds:.2f} s, "
        f"{count / seconds:,.0f} payouts/s"
    )
    report = status_report(
        count,
        references=[p.reference for p in payouts],
        amounts=[p.net for p in payouts],
        original=built.record.message_id,
        every_rejected=0,
    )
    started = time.perf_counter()
    result = bank_file_ingest(content=report)
    seconds = time.perf_counter() - started
    assert result.summary.get("paid") == count
    assert Payout.objects.filter(state="paid").count() == count
    print(
        f"database: bank_file_ingest, a pain.002 paying {count} (claim paid, ledger written, "
        f"member told): {seconds:.2f} s, {count / seconds:,.0f} payouts/s"
    )
    started = time.perf_counter()
    assert bank_file_ingest(content=report).already
    print(f"database: the same report again: {time.perf_counter() - started:.3f} s, no change")


if __name__ == "__main__":
    main()
