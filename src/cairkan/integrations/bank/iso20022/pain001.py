"""Build the ISO 20022 ``pain.001.001.09`` credit-transfer file a bank takes host to host.

Pure: plain dataclasses in, bytes out, nothing about members beyond what the bank must
read (name, account, bank). Every file is validated against the official XSD before it
is returned, so a file that would not validate never leaves Cairkan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lxml import etree

from cairkan.integrations.bank.iso20022.errors import BankFileRefused
from cairkan.integrations.bank.iso20022.schemas import PAIN_001, schema

# Bank Indonesia's three-digit bank codes are the clearing-system member ids; ISO has no
# external code for Indonesia's clearing, so the system is named as a proprietary one.
CLEARING_SYSTEM = "BI"
CURRENCY = "IDR"
MAX_ID = 35  # Max35Text: MsgId, PmtInfId, EndToEndId


@dataclass(frozen=True, slots=True)
class PayingAccount:
    """The debtor: BPJS Ketenagakerjaan's paying account at the bank the file goes to."""

    name: str
    account_number: str
    bank_code: str


@dataclass(frozen=True, slots=True)
class CreditTransfer:
    reference: str  # the payout's reference: EndToEndId, quoted back in every report
    amount: int  # integer rupiah
    creditor_name: str
    creditor_account: str
    creditor_bank_code: str
    remittance: str = ""  # what the member's statement shows


@dataclass(frozen=True, slots=True)
class BuiltFile:
    message_id: str
    content: bytes
    sha256: str
    transfers: int
    total: int  # rupiah


def rupiah(amount: int) -> str:
    """Integer rupiah as ISO 20022 writes IDR (two decimals, as SNAP BI does too)."""
    return f"{amount}.00"


def build_pain001(
    *,
    message_id: str,
    created_at: datetime,
    execution_date: date,
    debtor: PayingAccount,
    transfers: Sequence[CreditTransfer],
) -> BuiltFile:
    """One payment instruction from ``debtor`` carrying every transfer, validated.

    Raises ``BankFileRefused`` (and returns nothing) when the transfers are unusable or
    the file does not validate against the pain.001.001.09 XSD.
    """
    _check(message_id, created_at, transfers)
    total = sum(t.amount for t in transfers)
    try:
        root = _document(message_id, created_at, execution_date, debtor, transfers, total)
    except ValueError as error:  # lxml refuses control characters and the like
        raise BankFileRefused(
            "unusable_text", f"a name or account cannot go in XML: {error}"
        ) from None
    content = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    validate_tree(root, PAIN_001)
    return BuiltFile(
        message_id=message_id,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        transfers=len(transfers),
        total=total,
    )


def validate_tree(root: etree._Element, namespace: str) -> None:
    """Raise ``BankFileRefused("schema_invalid")`` unless ``root`` validates against the
    official XSD of ``namespace``; the message names the first offending element."""
    try:
        schema(namespace).assertValid(root)
    except etree.DocumentInvalid as error:  # libxml2 names the first offending element
        raise BankFileRefused(
            "schema_invalid",
            f"the file does not validate against {namespace.rsplit(':', 1)[-1]}: {error}",
        ) from None


def _check(message_id: str, created_at: datetime, transfers: Sequence[CreditTransfer]) -> None:
    if not transfers:
        raise BankFileRefused("empty", "a bank file needs at least one transfer")
    if not 0 < len(message_id) <= MAX_ID:
        raise BankFileRefused("bad_message_id", f"message id must be 1–{MAX_ID} characters")
    if created_at.tzinfo is None:
        raise BankFileRefused("naive_time", "the creation time must carry its offset")
    seen: set[str] = set()
    for transfer in transfers:
        if not 0 < len(transfer.reference) <= MAX_ID:
            raise BankFileRefused(
                "bad_reference", f"reference {transfer.reference!r} must be 1–{MAX_ID} characters"
            )
        if transfer.reference in seen:
            # Two transfers under one end-to-end id would pay twice and answer once.
            raise BankFileRefused(
                "duplicate_reference", f"reference {transfer.reference} appears twice"
            )
        seen.add(transfer.reference)
        if type(transfer.amount) is not int or transfer.amount <= 0:
            raise BankFileRefused(
                "bad_amount",
                f"transfer {transfer.reference}: amount must be a positive whole number of rupiah",
            )


def _document(
    message_id: str,
    created_at: datetime,
    execution_date: date,
    debtor: PayingAccount,
    transfers: Sequence[CreditTransfer],
    total: int,
) -> etree._Element:
    ns = f"{{{PAIN_001}}}"
    sub = etree.SubElement

    def text(parent: etree._Element, tag: str, value: str) -> etree._Element:
        element = sub(parent, ns + tag)
        element.text = value
        return element

    def agent(parent: etree._Element, tag: str, bank_code: str) -> None:
        member = sub(sub(sub(parent, ns + tag), ns + "FinInstnId"), ns + "ClrSysMmbId")
        text(sub(member, ns + "ClrSysId"), "Prtry", CLEARING_SYSTEM)
        text(member, "MmbId", bank_code)

    def account(parent: etree._Element, tag: str, number: str) -> None:
        text(sub(sub(sub(parent, ns + tag), ns + "Id"), ns + "Othr"), "Id", number)

    root = etree.Element(ns + "Document", nsmap={None: PAIN_001})  # type: ignore[dict-item]
    initiation = sub(root, ns + "CstmrCdtTrfInitn")
    header = sub(initiation, ns + "GrpHdr")
    text(header, "MsgId", message_id)
    text(header, "CreDtTm", created_at.isoformat(timespec="seconds"))
    text(header, "NbOfTxs", str(len(transfers)))
    text(header, "CtrlSum", rupiah(total))
    text(sub(header, ns + "InitgPty"), "Nm", debtor.name)

    instruction = sub(initiation, ns + "PmtInf")
    text(instruction, "PmtInfId", message_id)
    text(instruction, "PmtMtd", "TRF")
    # One booking per transfer: each member's payment shows and fails on its own.
    text(instruction, "BtchBookg", "false")
    text(instruction, "NbOfTxs", str(len(transfers)))
    text(instruction, "CtrlSum", rupiah(total))
    text(sub(instruction, ns + "ReqdExctnDt"), "Dt", execution_date.isoformat())
    text(sub(instruction, ns + "Dbtr"), "Nm", debtor.name)
    account(instruction, "DbtrAcct", debtor.account_number)
    agent(instruction, "DbtrAgt", debtor.bank_code)
    # The payer bears every charge: the member receives the whole net amount.
    text(instruction, "ChrgBr", "DEBT")

    for transfer in transfers:
        tx = sub(instruction, ns + "CdtTrfTxInf")
        text(sub(tx, ns + "PmtId"), "EndToEndId", transfer.reference)
        amount = text(sub(tx, ns + "Amt"), "InstdAmt", rupiah(transfer.amount))
        amount.set("Ccy", CURRENCY)
        agent(tx, "CdtrAgt", transfer.creditor_bank_code)
        text(sub(tx, ns + "Cdtr"), "Nm", transfer.creditor_name)
        account(tx, "CdtrAcct", transfer.creditor_account)
        if transfer.remittance:
            text(sub(tx, ns + "RmtInf"), "Ustrd", transfer.remittance)
    return root
