"""Read what a bank sends back: a ``pain.002.001.10`` status report or a
``camt.054.001.08`` debit/credit notification, as plain outcome records.

Files from outside are parsed with a hardened parser: no DTD, no entities, no network,
no huge trees, a size cap, UTF-8 only. Anything else — malformed XML, another message,
a foreign currency, a fractional rupiah — refuses the whole file (``BankFileRefused``);
nothing in it is used. Whether a reference belongs to Cairkan and the amount agrees is
checked against the payouts with ``check_against`` before anything is applied.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache

from lxml import etree

from cairkan.integrations.bank.iso20022.errors import BankFileRefused
from cairkan.integrations.bank.iso20022.pain001 import CURRENCY, MAX_ID, validate_tree
from cairkan.integrations.bank.iso20022.reasons import (
    BANK_REFUSED,
    failure_code,
    is_payer_side,
)
from cairkan.integrations.bank.iso20022.schemas import CAMT_054, PAIN_002

MAX_FILE_BYTES = 64 * 1024 * 1024  # a day's report for 100 000 payouts is about 40 MB

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)


class Kind(StrEnum):
    PAIN_002 = "pain.002"
    CAMT_054 = "camt.054"


class Status(StrEnum):
    PAID = "paid"
    FAILED = "failed"  # the member's account is the cause: another account helps
    PENDING = "pending"  # accepted or in progress: nothing to change yet
    HELD = "held"  # refused for the payer's reason (funds, duplicate, file): an officer acts


# pain.002 transaction statuses (ISO's ExternalPaymentTransactionStatus1Code).
_PAIN_002_STATUS: dict[str, Status] = {
    "ACSC": Status.PAID,  # settlement completed: the payer's account is debited
    "ACCC": Status.PAID,  # the creditor's account is credited
    "RJCT": Status.FAILED,
    "ACCP": Status.PENDING,  # customer profile accepted, not yet settled
    "ACTC": Status.PENDING,  # technical validation passed
    "ACSP": Status.PENDING,  # settlement in process
    "ACWC": Status.PENDING,  # accepted with change
    "ACWP": Status.PENDING,  # accepted without posting
    "ACFC": Status.PENDING,  # accepted, funds checked
    "PDNG": Status.PENDING,
    "RCVD": Status.PENDING,
    "BLCK": Status.PENDING,  # blocked for checks: may still go either way
}


@dataclass(frozen=True, slots=True)
class Outcome:
    reference: str  # the end-to-end id Cairkan sent: the payout's reference
    status: Status
    iso_status: str  # ACSC, RJCT… or BOOK/DBIT for a notification entry
    reason: str = ""  # the ISO reason code, as the bank gave it
    failure_code: str = ""  # Cairkan's failure code when status is FAILED
    amount: int | None = None  # integer rupiah, when the bank quoted one
    currency: str = CURRENCY


@dataclass(frozen=True, slots=True)
class BankReport:
    kind: Kind
    message_id: str
    original_message_id: str  # pain.002: the pain.001 it answers; camt.054: ""
    group_status: str  # pain.002: the whole file's status, when the bank gave one
    outcomes: tuple[Outcome, ...]
    ignored_entries: int = 0  # camt.054 entries with no end-to-end id (fees, other debits)


def parse_report(content: bytes) -> BankReport:
    """The outcomes in a bank's report, or ``BankFileRefused`` for a file not to use."""
    root = parse_xml(content)
    if root.tag == f"{{{PAIN_002}}}Document":
        return _pain002(root)
    if root.tag == f"{{{CAMT_054}}}Document":
        validate_tree(root, CAMT_054)
        return _camt054(root)
    raise BankFileRefused(
        "not_a_report",
        f"expected a pain.002.001.10 status report or a camt.054.001.08 notification, "
        f"got {_short(root.tag)}",
    )


def check_against(report: BankReport, expected: Mapping[str, int]) -> None:
    """Refuse the report unless every reference is one of ``expected`` (reference → net
    rupiah sent) and every quoted amount equals it."""
    unknown = sorted({o.reference for o in report.outcomes if o.reference not in expected})
    if unknown:
        raise BankFileRefused(
            "unknown_reference",
            f"{len(unknown)} reference(s) match no payout sent to this bank: "
            + ", ".join(unknown[:5]),
        )
    for outcome in report.outcomes:
        if outcome.amount is not None and outcome.amount != expected[outcome.reference]:
            raise BankFileRefused(
                "amount_mismatch",
                f"{outcome.reference}: the bank reports Rp {outcome.amount} but Cairkan "
                f"sent Rp {expected[outcome.reference]}",
            )


def parse_xml(content: bytes) -> etree._Element:
    """Parse untrusted bytes without DTDs, entities, network access or huge trees."""
    if len(content) > MAX_FILE_BYTES:
        raise BankFileRefused("too_large", f"the file is over {MAX_FILE_BYTES} bytes")
    try:
        content.decode("utf-8")  # ISO 20022 files are UTF-8; anything else is not one
    except UnicodeDecodeError:
        raise BankFileRefused("malformed", "the file is not UTF-8 text") from None
    if _DECLARATION.search(content):
        # Entity tricks (billion laughs, external entities) need a DTD: none is allowed.
        raise BankFileRefused("dtd_forbidden", "the file declares a DTD or entities")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise BankFileRefused("malformed", f"the file is not well-formed XML: {error}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise BankFileRefused("dtd_forbidden", "the file declares a DTD or entities")
    return root


def _pain002(root: etree._Element) -> BankReport:
    report = _one(root, "p:CstmrPmtStsRpt")
    message_id = _id(_text(report, "p:GrpHdr/p:MsgId"), "GrpHdr/MsgId")
    group = _one(report, "p:OrgnlGrpInfAndSts")
    original = _id(_text(group, "p:OrgnlMsgId"), "OrgnlGrpInfAndSts/OrgnlMsgId")
    group_status = _optional_text(group, "p:GrpSts")
    outcomes = []
    for tx in report.iterfind(_q("p:OrgnlPmtInfAndSts/p:TxInfAndSts")):
        # One pass over the transaction's children, then a search only inside those
        # present: a day's report is read about three times faster than path by path.
        children: dict[str, etree._Element] = {}
        for child in tx:
            children.setdefault(child.tag, child)
        reference = _id(_child_text(children, "OrgnlEndToEndId"), "TxInfAndSts/OrgnlEndToEndId")
        iso_status = _child_text(children, "TxSts")
        if not reference or not iso_status:
            raise BankFileRefused("incomplete", "a TxInfAndSts lacks its OrgnlEndToEndId or TxSts")
        if iso_status not in _PAIN_002_STATUS:
            raise BankFileRefused(
                "unknown_status", f"{reference}: transaction status {iso_status!r} is unknown"
            )
        why = children.get(_q("p:StsRsnInf"))
        reason = _reason(why.find(_q("p:Rsn")) if why is not None else None, "p")
        status = _PAIN_002_STATUS[iso_status]
        original_tx = children.get(_q("p:OrgnlTxRef"))
        amount_element = (
            original_tx.find(_q("p:Amt/p:InstdAmt")) if original_tx is not None else None
        )
        outcomes.append(
            _outcome(reference, status, iso_status, reason, _amount(amount_element, reference))
        )
    return BankReport(
        kind=Kind.PAIN_002,
        message_id=message_id,
        original_message_id=original,
        group_status=group_status,
        outcomes=tuple(outcomes),
    )


def _camt054(root: etree._Element) -> BankReport:
    notification = _one(root, "c:BkToCstmrDbtCdtNtfctn")
    message_id = _id(_text(notification, "c:GrpHdr/c:MsgId"), "GrpHdr/MsgId")
    # Every amount in the file is in rupiah, or none of it is used.
    for element in notification.iter(f"{{{CAMT_054}}}Amt", f"{{{CAMT_054}}}InstdAmt"):
        if element.get("Ccy") is not None and element.get("Ccy") != CURRENCY:
            raise BankFileRefused(
                "foreign_currency",
                f"the file carries an amount in {element.get('Ccy')}; Cairkan pays in "
                f"{CURRENCY} only",
            )
    outcomes: list[Outcome] = []
    ignored = 0
    for entry in notification.iterfind(_q("c:Ntfctn/c:Ntry")):
        booking = _text(entry, "c:Sts/c:Cd")
        direction = _text(entry, "c:CdtDbtInd")
        reversal = _optional_text(entry, "c:RvslInd") in ("true", "1")
        details = entry.findall(_q("c:NtryDtls/c:TxDtls"))
        for tx in details:
            reference = _optional_text(tx, "c:Refs/c:EndToEndId")
            if not reference or reference == "NOTPROVIDED":
                ignored += 1
                continue
            amount_element = next(
                (
                    found
                    for path in ("c:Amt", "c:AmtDtls/c:InstdAmt/c:Amt", "c:AmtDtls/c:TxAmt/c:Amt")
                    if (found := tx.find(_q(path))) is not None
                ),
                entry.find(_q("c:Amt")) if len(details) == 1 else None,
            )
            returned = tx.find(_q("c:RtrInf"))
            reason = _reason(returned.find(_q("c:Rsn")), "c") if returned is not None else ""
            if booking != "BOOK":
                status = Status.PENDING  # PDNG, INFO, FUTR: not on the account yet
            elif direction == "DBIT" and not reversal and returned is None:
                status = Status.PAID  # the money left BPJS's account for the member's
            else:
                # Money back on the paying account (a return or a reversal): it failed.
                status = Status.FAILED
                reason = reason or "NARR"
            outcomes.append(
                _outcome(
                    reference,
                    status,
                    f"{booking}/{direction}",
                    reason,
                    _amount(amount_element, reference),
                )
            )
        if not details:
            ignored += 1
    return BankReport(
        kind=Kind.CAMT_054,
        message_id=message_id,
        original_message_id="",
        group_status="",
        outcomes=tuple(outcomes),
        ignored_entries=ignored,
    )


def _outcome(
    reference: str, status: Status, iso_status: str, reason: str, amount: int | None
) -> Outcome:
    code = ""
    if status is Status.FAILED:
        if is_payer_side(reason):
            status = Status.HELD
        else:
            code = failure_code(reason) if reason else BANK_REFUSED
    return Outcome(
        reference=reference,
        status=status,
        iso_status=iso_status,
        reason=reason,
        failure_code=code,
        amount=amount,
    )


def _amount(element: etree._Element | None, reference: str) -> int | None:
    if element is None:
        return None
    currency = element.get("Ccy")
    if currency != CURRENCY:
        raise BankFileRefused(
            "foreign_currency",
            f"{reference}: the amount is in {currency}; Cairkan pays in {CURRENCY} only",
        )
    try:
        value = Decimal((element.text or "").strip())
    except InvalidOperation:
        raise BankFileRefused("bad_amount", f"{reference}: {element.text!r} is no amount") from None
    if not value.is_finite() or value <= 0 or value != value.to_integral_value():
        # Cairkan sends whole rupiah ("123456.00"); anything else was not sent by it.
        raise BankFileRefused("bad_amount", f"{reference}: {value} is not a whole rupiah amount")
    return int(value)


def _reason(element: etree._Element | None, prefix: str) -> str:
    if element is None:
        return ""
    code = _optional_text(element, f"{prefix}:Cd") or _optional_text(element, f"{prefix}:Prtry")
    if len(code) > MAX_ID:
        raise BankFileRefused("bad_reason", f"reason code {code[:40]!r}… is too long")
    return code


def _child_text(children: Mapping[str, etree._Element], tag: str) -> str:
    element = children.get(_q(f"p:{tag}"))
    return (element.text or "").strip() if element is not None else ""


def _one(parent: etree._Element, path: str) -> etree._Element:
    element = parent.find(_q(path))
    if element is None:
        raise BankFileRefused("incomplete", f"the file has no {_short(path)}")
    return element


def _text(parent: etree._Element, path: str) -> str:
    value = _optional_text(parent, path)
    if not value:
        raise BankFileRefused("incomplete", f"the file has no {_short(path)}")
    return value


def _optional_text(parent: etree._Element, path: str) -> str:
    element = parent.find(_q(path))
    return (element.text or "").strip() if element is not None else ""


@cache
def _q(path: str) -> str:
    """``p:``/``c:`` prefixes in Clark notation: lxml caches such paths, not prefixed ones
    with a namespace map (a day's report is read several times faster)."""
    namespaces = {"p": PAIN_002, "c": CAMT_054}
    return re.sub(r"(?:^|(?<=/))([pc]):", lambda m: f"{{{namespaces[m.group(1)]}}}", path)


def _id(value: str, what: str) -> str:
    if len(value) > MAX_ID:
        raise BankFileRefused("incomplete", f"{what} is longer than {MAX_ID} characters")
    return value


def _short(path: str) -> str:
    return re.sub(r"\{[^}]*\}|\b[a-z]:", "", path)


def validate_file(content: bytes, namespace: str) -> None:
    """Parse ``content`` hardened and validate it against ``namespace``'s official XSD:
    the check a file gets before it leaves, repeatable on the bytes written to disk."""
    validate_tree(parse_xml(content), namespace)
