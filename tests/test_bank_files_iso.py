"""ISO 20022 files without a database: pain.001 out, pain.002 and camt.054 in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import xmlschema
from lxml import etree

from bank_files import DEBTOR, Row, camt054, pain001, pain002, transfers
from cairkan.integrations.bank.iso20022.errors import BankFileRefused
from cairkan.integrations.bank.iso20022.pain001 import build_pain001
from cairkan.integrations.bank.iso20022.reports import (
    Kind,
    Status,
    check_against,
    parse_report,
    validate_file,
)
from cairkan.integrations.bank.iso20022.schemas import CAMT_054, PAIN_001, xsd_path

NS = {"p": PAIN_001}


def _refused(code: str, content: bytes) -> BankFileRefused:
    with pytest.raises(BankFileRefused) as caught:
        parse_report(content)
    assert caught.value.code == code, str(caught.value)
    return caught.value


# --- pain.001 out -------------------------------------------------------------------


def test_pain001_validates_against_the_official_xsd_by_both_validators() -> None:
    content = pain001(3)
    validate_file(content, PAIN_001)  # libxml2, as on the way out
    xmlschema.XMLSchema10(str(xsd_path(PAIN_001))).validate(content.decode())


def test_pain001_carries_reference_amount_and_both_accounts() -> None:
    root = etree.fromstring(pain001(2))
    tx = root.findall(".//p:CdtTrfTxInf", NS)
    assert [t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for t in tx] == [
        f"CK{1:032X}",
        f"CK{2:032X}",
    ]
    amount = tx[0].find("p:Amt/p:InstdAmt", NS)
    assert amount is not None
    assert (amount.text, amount.get("Ccy")) == ("150000.00", "IDR")
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "300000.00"
    assert root.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext(".//p:DbtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "0339001122"
    assert tx[1].findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "000000000002"
    assert tx[1].findtext(".//p:CdtrAgt//p:MmbId", namespaces=NS) == "002"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b">150000.00</InstdAmt>", b">150000.000001</InstdAmt>"),  # 5 decimals at most
        (b'Ccy="IDR"', b'Ccy="idr"'),
        (b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>XXX</PmtMtd>"),
        (b"<ChrgBr>DEBT</ChrgBr>", b""),  # moved out of order below
    ],
)
def test_a_tampered_file_fails_validation_by_both_validators(old: bytes, new: bytes) -> None:
    content = pain001(3)
    assert old in content
    tampered = content.replace(old, new, 1)
    if not new:
        tampered = tampered.replace(b"</PmtInfId>", b"</PmtInfId>" + old, 1)
    with pytest.raises(BankFileRefused) as caught:
        validate_file(tampered, PAIN_001)
    assert caught.value.code == "schema_invalid"
    assert not xmlschema.XMLSchema10(str(xsd_path(PAIN_001))).is_valid(tampered.decode())


def test_a_file_that_would_not_validate_is_never_returned() -> None:
    too_long = replace(transfers(1)[0], creditor_name="A" * 141)  # Max140Text
    with pytest.raises(BankFileRefused) as caught:
        build_pain001(
            message_id="M1",
            created_at=datetime(2026, 11, 30, tzinfo=UTC),
            execution_date=date(2026, 11, 30),
            debtor=DEBTOR,
            transfers=[too_long],
        )
    assert caught.value.code == "schema_invalid"
    assert "Nm" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": 0}, "bad_amount"),
        ({"amount": 1.5}, "bad_amount"),
        ({"reference": ""}, "bad_reference"),
        ({"reference": "X" * 36}, "bad_reference"),
        ({"creditor_name": "SITI\x00"}, "unusable_text"),
    ],
)
def test_unusable_transfers_are_refused_with_a_reason(change: dict[str, object], code: str) -> None:
    bad = replace(transfers(1)[0], **change)  # type: ignore[arg-type]
    with pytest.raises(BankFileRefused) as caught:
        build_pain001(
            message_id="M1",
            created_at=datetime(2026, 11, 30, tzinfo=UTC),
            execution_date=date(2026, 11, 30),
            debtor=DEBTOR,
            transfers=[bad],
        )
    assert caught.value.code == code


def test_one_reference_twice_in_a_file_is_refused() -> None:
    twice = [transfers(1)[0], transfers(1)[0]]
    with pytest.raises(BankFileRefused) as caught:
        build_pain001(
            message_id="M1",
            created_at=datetime(2026, 11, 30, tzinfo=UTC),
            execution_date=date(2026, 11, 30),
            debtor=DEBTOR,
            transfers=twice,
        )
    assert caught.value.code == "duplicate_reference"


# --- pain.002 and camt.054 in -------------------------------------------------------


def test_pain002_statuses_and_reasons_become_cairkan_outcomes() -> None:
    report = parse_report(
        pain002(
            [
                Row("R1", "ACSC"),
                Row("R2", "RJCT", "AC04"),
                Row("R3", "RJCT", "AC01"),
                Row("R4", "ACCP"),
                Row("R5", "RJCT", "AM04"),
                Row("R6", "RJCT", "ZZ99"),
            ]
        )
    )
    assert report.kind is Kind.PAIN_002
    assert (report.message_id, report.original_message_id) == (
        "BRI-PSR-0001",
        "CKF-002-20261130-1",
    )
    got = [(o.reference, o.status, o.reason, o.failure_code, o.amount) for o in report.outcomes]
    assert got == [
        ("R1", Status.PAID, "", "", 150_000),
        ("R2", Status.FAILED, "AC04", "account_closed", 150_000),
        ("R3", Status.FAILED, "AC01", "account_invalid", 150_000),
        ("R4", Status.PENDING, "", "", 150_000),
        # Insufficient funds is BPJS's own account: no member is asked for another one.
        ("R5", Status.HELD, "AM04", "", 150_000),
        ("R6", Status.FAILED, "ZZ99", "bank_refused", 150_000),
    ]


def test_camt054_entries_become_cairkan_outcomes() -> None:
    content = camt054(
        [
            Row("R1", "paid"),
            Row("R2", "returned", "AC04"),
            Row("R3", "pending"),
            Row("R4", "returned", "DORM"),
        ]
    )
    validate_file(content, CAMT_054)  # the samples are what the official schema allows
    report = parse_report(content)
    assert report.kind is Kind.CAMT_054
    got = [(o.reference, o.status, o.failure_code, o.amount) for o in report.outcomes]
    assert got == [
        ("R1", Status.PAID, "", 150_000),
        ("R2", Status.FAILED, "account_closed", 150_000),
        ("R3", Status.PENDING, "", 150_000),
        ("R4", Status.FAILED, "account_dormant", 150_000),
    ]


def test_check_against_refuses_unknown_references_and_other_amounts() -> None:
    report = parse_report(pain002([Row("R1", "ACSC"), Row("R2", "ACSC")]))
    check_against(report, {"R1": 150_000, "R2": 150_000})
    with pytest.raises(BankFileRefused) as unknown:
        check_against(report, {"R1": 150_000})
    assert unknown.value.code == "unknown_reference"
    assert "R2" in str(unknown.value)
    with pytest.raises(BankFileRefused) as differs:
        check_against(report, {"R1": 150_000, "R2": 149_999})
    assert differs.value.code == "amount_mismatch"


@pytest.mark.parametrize("build", [pain002, camt054])
def test_a_foreign_currency_is_refused(build) -> None:  # type: ignore[no-untyped-def]
    _refused("foreign_currency", build([Row("R1", "ACSC"), Row("R2", "ACSC", currency="USD")]))


@pytest.mark.parametrize("amount", ["150000.50", "-5.00", "abc", "0"])
def test_an_amount_that_is_no_whole_rupiah_is_refused(amount: str) -> None:
    _refused("bad_amount", pain002([Row("R1", "ACSC", amount=amount)]))


def test_malformed_xml_is_refused() -> None:
    _refused("malformed", pain002([Row("R1", "ACSC")])[:-20])
    _refused("malformed", b"")
    _refused("malformed", "<a>é</a>".encode("latin-1"))


def test_entity_bombs_and_external_entities_are_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b"]><Document>&lol9;</Document>"
    )
    _refused("dtd_forbidden", laughs)
    external = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Document>&x;</Document>"
    )
    _refused("dtd_forbidden", external)
    # Hidden from a byte scan by UTF-16: refused all the same.
    _refused(
        "malformed", '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d []><d/>'.encode("utf-16")
    )


def test_a_file_that_is_not_one_of_these_messages_is_refused() -> None:
    error = _refused("not_a_report", pain001(1))
    assert "pain.002" in str(error)
    _refused("not_a_report", b"<Document/>")


def test_a_camt054_that_breaks_its_schema_is_refused() -> None:
    content = camt054([Row("R1", "paid")]).replace(b"<Sts><Cd>BOOK</Cd></Sts>", b"", 1)
    _refused("schema_invalid", content)


def test_a_pain002_missing_what_it_must_say_is_refused() -> None:
    _refused(
        "incomplete", pain002([Row("R1", "ACSC")]).replace(b"<MsgId>BRI-PSR-0001</MsgId>", b"")
    )
    _refused("unknown_status", pain002([Row("R1", "DONE")]))
