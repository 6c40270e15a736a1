"""Bank answers as a bank would write them: pain.002.001.10 status reports and
camt.054.001.08 notifications, built in the tests (never committed as files)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from lxml import etree

from cairkan.integrations.bank.iso20022.pain001 import (
    CreditTransfer,
    PayingAccount,
    build_pain001,
)
from cairkan.integrations.bank.iso20022.schemas import CAMT_054, PAIN_002

DEBTOR = PayingAccount(name="BPJS Ketenagakerjaan", account_number="0339001122", bank_code="002")


@dataclass(frozen=True)
class Row:
    reference: str
    status: str  # pain.002: ACSC, RJCT…; camt.054: paid / returned / pending
    reason: str = ""
    amount: str | None = "150000.00"
    currency: str = "IDR"


def transfers(count: int, *, amount: int = 150_000, bank_code: str = "002") -> list[CreditTransfer]:
    return [
        CreditTransfer(
            reference=f"CK{index:032X}",
            amount=amount,
            creditor_name="SITI RAHMAWATI",
            creditor_account=f"{index:012d}",
            creditor_bank_code=bank_code,
            remittance="JHT BPJS Ketenagakerjaan",
        )
        for index in range(1, count + 1)
    ]


def pain001(count: int = 3) -> bytes:
    return build_pain001(
        message_id="CKF-002-20261130-1",
        created_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
        execution_date=date(2026, 11, 30),
        debtor=DEBTOR,
        transfers=transfers(count),
    ).content


def _sub(parent: etree._Element, ns: str, path: str, text: str | None = None) -> etree._Element:
    element = parent
    for tag in path.split("/"):
        element = etree.SubElement(element, f"{{{ns}}}{tag}")
    if text is not None:
        element.text = text
    return element


def pain002(
    rows: Sequence[Row],
    *,
    message_id: str = "BRI-PSR-0001",
    original_message_id: str = "CKF-002-20261130-1",
    group_status: str = "",
) -> bytes:
    ns = PAIN_002
    root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})  # type: ignore[dict-item]
    report = _sub(root, ns, "CstmrPmtStsRpt")
    header = _sub(report, ns, "GrpHdr")
    _sub(header, ns, "MsgId", message_id)
    _sub(header, ns, "CreDtTm", "2026-11-30T15:00:00+07:00")
    group = _sub(report, ns, "OrgnlGrpInfAndSts")
    _sub(group, ns, "OrgnlMsgId", original_message_id)
    _sub(group, ns, "OrgnlMsgNmId", "pain.001.001.09")
    if group_status:
        _sub(group, ns, "GrpSts", group_status)
    payment = _sub(report, ns, "OrgnlPmtInfAndSts")
    _sub(payment, ns, "OrgnlPmtInfId", original_message_id)
    for row in rows:
        tx = _sub(payment, ns, "TxInfAndSts")
        _sub(tx, ns, "OrgnlEndToEndId", row.reference)
        _sub(tx, ns, "TxSts", row.status)
        if row.reason:
            _sub(tx, ns, "StsRsnInf/Rsn/Cd", row.reason)
        if row.amount is not None:
            _sub(tx, ns, "OrgnlTxRef/Amt/InstdAmt", row.amount).set("Ccy", row.currency)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def camt054(rows: Sequence[Row], *, message_id: str = "BRI-NTF-0001") -> bytes:
    """One entry per row on BPJS's paying account: ``paid`` a booked debit, ``returned``
    a booked credit with the return reason, ``pending`` a pending debit."""
    ns = CAMT_054
    root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})  # type: ignore[dict-item]
    notification = _sub(root, ns, "BkToCstmrDbtCdtNtfctn")
    header = _sub(notification, ns, "GrpHdr")
    _sub(header, ns, "MsgId", message_id)
    _sub(header, ns, "CreDtTm", "2026-11-30T16:00:00+07:00")
    account = _sub(notification, ns, "Ntfctn")
    _sub(account, ns, "Id", message_id)
    _sub(account, ns, "Acct/Id/Othr/Id", DEBTOR.account_number)
    for row in rows:
        entry = _sub(account, ns, "Ntry")
        _sub(entry, ns, "Amt", row.amount or "0.00").set("Ccy", row.currency)
        _sub(entry, ns, "CdtDbtInd", "CRDT" if row.status == "returned" else "DBIT")
        _sub(entry, ns, "Sts/Cd", "PDNG" if row.status == "pending" else "BOOK")
        _sub(entry, ns, "BkTxCd/Prtry/Cd", "TRF")
        tx = _sub(entry, ns, "NtryDtls/TxDtls")
        _sub(tx, ns, "Refs/EndToEndId", row.reference)
        if row.amount is not None:
            _sub(tx, ns, "Amt", row.amount).set("Ccy", row.currency)
        if row.status == "returned":
            _sub(tx, ns, "RtrInf/Rsn/Cd", row.reason or "NARR")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
