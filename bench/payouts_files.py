"""The host-to-host file rail: ISO 20022 pain.001 out, pain.002 in, at a day's volume.

Builds a pain.001.001.09 file for N payouts (default 100 000) and validates it against the
official XSD (libxml2), as ``cairkan bank-file build`` does before a file leaves; then
parses and checks a pain.002.001.10 status report answering every payout. For comparison
it times the pure-Python ``xmlschema`` validator on a sample of the same file, which is
why Cairkan validates with libxml2. No database: the payouts are plain records.

Usage: python bench/payouts_files.py [--payouts 100000] [--sample 2000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairkan.config.settings_test")


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


def status_report(count: int) -> bytes:
    """A pain.002.001.10 answering every payout: 1 in 50 rejected (AC04), the rest ACSC."""
    ns = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"
    rows = []
    for index in range(1, count + 1):
        rejected = index % 50 == 0
        rows.append(
            f"<TxInfAndSts><OrgnlEndToEndId>CK{index:032X}</OrgnlEndToEndId>"
            f"<TxSts>{'RJCT' if rejected else 'ACSC'}</TxSts>"
            + ("<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf>" if rejected else "")
            + f'<OrgnlTxRef><Amt><InstdAmt Ccy="IDR">{1_000_000 + index}.00</InstdAmt></Amt>'
            "</OrgnlTxRef></TxInfAndSts>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><CstmrPmtStsRpt>'
        "<GrpHdr><MsgId>BRI-PSR-1</MsgId><CreDtTm>2026-11-30T15:00:00+07:00</CreDtTm></GrpHdr>"
        "<OrgnlGrpInfAndSts><OrgnlMsgId>CKF-002-20261130-1</OrgnlMsgId>"
        "<OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>"
        "<OrgnlPmtInfAndSts><OrgnlPmtInfId>CKF-002-20261130-1</OrgnlPmtInfId>"
        + "".join(rows)
        + "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payouts", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    args = parser.parse_args()

    import django

    django.setup()
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


if __name__ == "__main__":
    main()
