"""The SNAP BI client against the SNAP BI sandbox bank (in-process WSGI; the socket test is
in test_bank_snap_live.py): signatures, tokens, external ids, amounts, code mapping,
unknown outcomes and duplicate references."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import stat
from datetime import timedelta

import httpx
import pytest

from cairkan.integrations import loading
from cairkan.integrations.bank.base import (
    AccountHolder,
    AccountNotFound,
    AccountStatus,
    BankTimeout,
    BankUnavailable,
    FailureCode,
    TransferOutcomeUnknown,
    TransferRejected,
    TransferState,
    UnknownBank,
)
from cairkan.integrations.bank.sandbox import SandboxBank
from cairkan.integrations.bank.snap import SnapBank
from cairkan.integrations.bank.snap import protocol as snap
from cairkan.integrations.bank.snap.client import TransferOrder, new_external_id
from cairkan.integrations.bank.snap.credentials import SnapCredentials, sandbox_credentials
from cairkan.integrations.models import (
    SandboxBankAccount,
    SandboxExternalId,
    SandboxFault,
    SandboxTransfer,
)
from snap_bank import (
    ACTIVE,
    CLOSED,
    DORMANT,
    FAULT_LOST_ANSWER,
    FAULT_TIMEOUT,
    FAULT_UNAVAILABLE,
    SAME_BANK,
    SETTLE_S,
    SOURCE_ACCOUNT,
    T0,
    Clock,
    Wire,
    make_accounts,
    make_client,
    make_server,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def credentials(tmp_path_factory) -> SnapCredentials:
    return sandbox_credentials(tmp_path_factory.mktemp("snap"))


@pytest.fixture(scope="session")
def key_file(credentials, tmp_path_factory):
    path = tmp_path_factory.mktemp("snap-key") / "client.pem"
    path.write_text(credentials.private_key_pem)
    path.chmod(0o600)
    return path


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def server(credentials, clock):
    make_accounts()
    return make_server(credentials, clock)


@pytest.fixture
def wire(server) -> Wire:
    return Wire(httpx.WSGITransport(app=server))


@pytest.fixture
def bank(credentials, key_file, wire, clock) -> SnapBank:
    return make_client(credentials, key_file, wire, clock)


def _submit(bank: SnapBank, account=ACTIVE, *, reference="JHT-2025-000001", amount=1_500_000):
    bank_code, number = account
    return bank.submit_transfer(
        reference=reference,
        bank_code=bank_code,
        account_number=number,
        beneficiary_name="Siti Aminah",
        amount=amount,
    )


def _request(wire: Wire, suffix: str) -> tuple[httpx.Request, dict]:
    return next((r, a) for r, a in wire.exchanges if r.url.path.endswith(suffix))


# --- signatures and tokens -------------------------------------------------------------


def test_transaction_is_signed_over_method_path_token_body_digest_and_timestamp(
    bank, wire, credentials
):
    _submit(bank)

    token_request, token_answer = _request(wire, "/access-token/b2b")
    request, answer = _request(wire, "/transfer-interbank")
    body = request.content
    assert body == json.dumps(json.loads(body), separators=(",", ":")).encode()  # minified
    stamp = request.headers["X-TIMESTAMP"]
    assert stamp == "2025-03-03T08:30:00+07:00"
    token = token_answer["accessToken"]
    assert request.headers["Authorization"] == f"Bearer {token}"
    string_to_sign = (
        f"POST:/snap/v1.0/transfer-interbank:{token}:{hashlib.sha256(body).hexdigest()}:{stamp}"
    )
    expected = hmac.new(
        credentials.client_secret.encode(), string_to_sign.encode(), hashlib.sha512
    ).digest()
    assert base64.b64decode(request.headers["X-SIGNATURE"]) == expected
    assert request.headers["X-PARTNER-ID"] == credentials.partner_id
    assert request.headers["CHANNEL-ID"] == credentials.channel_id
    assert answer["responseCode"] == "2021800"
    # The token request is signed with the private key over clientId|X-TIMESTAMP.
    assert token_request.headers["X-CLIENT-KEY"] == credentials.client_id
    assert snap.verify_token_request(
        credentials.public_key(),
        credentials.client_id,
        token_request.headers["X-TIMESTAMP"],
        token_request.headers["X-SIGNATURE"],
    )
    assert not snap.verify_token_request(
        credentials.public_key(), "someone-else", stamp, token_request.headers["X-SIGNATURE"]
    )


def test_a_wrong_client_secret_is_refused_and_nothing_moves(credentials, key_file, wire, clock):
    forger = make_client(credentials, key_file, wire, clock, client_secret="not-the-secret")

    with pytest.raises(BankUnavailable, match="4011800"):
        _submit(forger)

    assert wire.codes() == ["2007300", "4011800"]
    assert SandboxTransfer.objects.count() == 0


def test_a_body_changed_on_the_way_fails_its_signature(bank, wire, server):
    _submit(bank, reference="JHT-1")
    request, _ = _request(wire, "/transfer-interbank")
    tampered = request.content.replace(b"1500000.00", b"9500000.00")
    assert tampered != request.content

    answer = server.handle(
        method="POST",
        url_path=request.url.path,
        headers={key.upper(): value for key, value in request.headers.items()},
        body=tampered,
    )

    assert (answer.http, answer.body["responseCode"]) == (401, "4011800")
    assert SandboxTransfer.objects.get().amount == 1_500_000


def test_a_token_request_signed_with_another_key_is_refused(
    credentials, key_file, wire, clock, tmp_path
):
    stranger = sandbox_credentials(tmp_path)  # a freshly generated, different RSA key
    other_key = tmp_path / "other.pem"
    other_key.write_text(stranger.private_key_pem)
    impostor = make_client(credentials, other_key, wire, clock)

    with pytest.raises(BankUnavailable, match="4017300"):
        impostor.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])

    assert wire.codes() == ["4017300"]  # no transaction was even attempted


def test_token_is_cached_for_its_life_then_renewed(bank, wire, clock):
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    clock.advance(600)
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    assert wire.paths().count("/snap/v1.0/access-token/b2b") == 1

    clock.advance(300)  # 900 s after the token was issued
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])

    assert wire.paths().count("/snap/v1.0/access-token/b2b") == 2
    assert "4011601" not in wire.codes()  # renewed before the bank had to refuse it


def test_a_token_the_bank_no_longer_honours_is_renewed_and_the_request_repeated(bank, wire, server):
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    server._tokens.clear()  # the bank restarted and forgot its tokens

    holder = bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])

    assert holder.holder_name == "SITI AMINAH"
    assert wire.codes() == ["2007300", "2001600", "4011601", "2007300", "2001600"]


def test_a_stale_timestamp_is_refused(bank, wire, server, clock):
    _submit(bank, reference="JHT-1")
    request, _ = _request(wire, "/transfer-interbank")
    clock.advance(snap.TIMESTAMP_SKEW_S + 1)  # the same signed request, replayed later

    answer = server.handle(
        method="POST",
        url_path=request.url.path,
        headers={key.upper(): value for key, value in request.headers.items()},
        body=request.content,
    )

    assert answer.body["responseCode"] == "4011800"
    assert "X-TIMESTAMP" in answer.body["responseMessage"]


# --- external ids ----------------------------------------------------------------------


def test_external_ids_are_unique_digits():
    ids = {new_external_id(T0) for _ in range(2000)}

    assert len(ids) == 2000
    assert all(len(i) == 36 and i.isdigit() for i in ids)
    assert all(i.startswith("083000") for i in ids)  # 08:30:00 WIB


def test_a_replayed_request_is_refused_for_its_external_id(bank, wire, server):
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    request, _ = _request(wire, "/account-inquiry-external")

    replay = server.handle(
        method="POST",
        url_path=request.url.path,
        headers={key.upper(): value for key, value in request.headers.items()},
        body=request.content,
    )

    assert (replay.http, replay.body["responseCode"]) == (409, "4091600")


def test_a_reused_external_id_is_refused_and_the_client_draws_another(
    credentials, key_file, wire, clock
):
    ids = iter(["111", "111", "222", "111"])
    bank = make_client(credentials, key_file, wire, clock, external_ids=lambda now: next(ids))

    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    second = bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])

    assert second.holder_name == "SITI AMINAH"
    assert wire.codes() == ["2007300", "2001600", "4091600", "2001600"]
    sent = [r.headers.get("X-EXTERNAL-ID") for r, _ in wire.exchanges[1:]]
    assert sent == ["111", "111", "222"]

    clock.advance(timedelta(days=1).total_seconds())  # a new day at the bank: 111 is free
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    assert wire.codes()[-1] == "2001600"


def test_external_ids_of_past_days_are_forgotten(bank, clock):

    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    clock.advance(timedelta(days=1).total_seconds())
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    assert SandboxExternalId.objects.count() == 2  # yesterday's is kept a day

    clock.advance(timedelta(days=1).total_seconds())
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])

    days = sorted(SandboxExternalId.objects.values_list("day", flat=True))
    assert [d.isoformat() for d in days] == ["2025-03-04", "2025-03-05"]


# --- amounts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rupiah", "text"),
    [(1, "1.00"), (1_500_000, "1500000.00"), (9_007_199_254_740_993, "9007199254740993.00")],
)
def test_amount_strings_are_exact_both_ways(rupiah, text):
    assert snap.format_amount(rupiah) == {"value": text, "currency": "IDR"}
    assert snap.parse_amount({"value": text, "currency": "IDR"}) == rupiah


@pytest.mark.parametrize("rupiah", [0, -1, 1.5, 1_500_000.0, True, "1500000", 10**16])
def test_amounts_that_are_not_positive_whole_rupiah_are_refused(rupiah):
    with pytest.raises(snap.ProtocolError):
        snap.format_amount(rupiah)


@pytest.mark.parametrize(
    "amount",
    [
        {"value": "10.50", "currency": "IDR"},  # a fraction of a rupiah
        {"value": "10.5", "currency": "IDR"},
        {"value": "1e6", "currency": "IDR"},
        {"value": 150000.0, "currency": "IDR"},  # a number, not a string
        {"value": "150000.00", "currency": "USD"},
        {"value": "-1.00", "currency": "IDR"},
        None,
    ],
)
def test_amounts_the_bank_must_not_send_are_refused(amount):
    with pytest.raises(snap.ProtocolError):
        snap.parse_amount(amount)


def test_transfer_carries_the_amount_as_an_exact_string(bank, wire):
    status = _submit(bank, amount=12_345_678)

    request, _ = _request(wire, "/transfer-interbank")
    body = json.loads(request.content)
    assert body["amount"] == {"value": "12345678.00", "currency": "IDR"}
    assert body["partnerReferenceNo"] == "JHT-2025-000001"
    assert body["beneficiaryBankCode"] == ACTIVE[0]
    assert body["sourceAccountNo"] == SOURCE_ACCOUNT
    assert status.amount == 12_345_678
    assert SandboxTransfer.objects.get().amount == 12_345_678


def test_the_bank_refuses_a_fraction_of_a_rupiah(bank, wire, server):
    _submit(bank, reference="JHT-1")
    request, _ = _request(wire, "/transfer-interbank")
    body = json.loads(request.content)
    body["amount"]["value"] = "1500000.50"
    raw = snap.minify(body)
    token = request.headers["Authorization"].split()[1]
    stamp = request.headers["X-TIMESTAMP"]
    headers = {key.upper(): value for key, value in request.headers.items()}
    headers["X-EXTERNAL-ID"] = "999"
    headers["X-SIGNATURE"] = snap.sign_transaction(
        server.credentials.client_secret, "POST", request.url.path, token, raw, stamp
    )

    answer = server.handle(method="POST", url_path=request.url.path, headers=headers, body=raw)

    assert answer.body["responseCode"] == "4001801"
    assert SandboxTransfer.objects.count() == 1


# --- inquiry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "holder", "status", "service"),
    [
        (ACTIVE, "SITI AMINAH", AccountStatus.ACTIVE, "2001600"),
        (SAME_BANK, "RAHMAT HIDAYAT", AccountStatus.ACTIVE, "2001500"),
        (DORMANT, "AHMAD FAUZI", AccountStatus.DORMANT, "4031609"),
        (CLOSED, "RINA WATI", AccountStatus.CLOSED, "4031618"),
    ],
)
def test_inquiry_maps_holder_and_status(bank, wire, account, holder, status, service):
    bank_code, number = account

    answer = bank.inquire_account(bank_code=bank_code, account_number=number)

    assert answer == AccountHolder(
        bank_code=bank_code, account_number=number, holder_name=holder, status=status
    )
    assert wire.codes()[-1] == service


@pytest.mark.parametrize(
    ("account", "error", "code"),
    [
        (("002", "0000000000"), AccountNotFound, "4041611"),
        (("999", "0123456789"), UnknownBank, "4041603"),
        (FAULT_TIMEOUT, BankTimeout, "5041500"),
        (FAULT_UNAVAILABLE, BankUnavailable, "5031600"),
    ],
)
def test_inquiry_failures_are_mapped(bank, wire, account, error, code):
    with pytest.raises(error):
        bank.inquire_account(bank_code=account[0], account_number=account[1])

    assert wire.codes()[-1] == code


def test_a_bank_outage_is_unavailable_and_moves_nothing(bank, server):
    server.out_of_service = True

    with pytest.raises(BankUnavailable):
        _submit(bank)

    assert SandboxTransfer.objects.count() == 0


# --- transfers ---------------------------------------------------------------------------


def test_same_bank_goes_intrabank_and_other_banks_interbank(bank, wire):
    _submit(bank, SAME_BANK, reference="JHT-A")
    _submit(bank, ACTIVE, reference="JHT-B")

    intrabank, _ = _request(wire, "/transfer-intrabank")
    assert "beneficiaryBankCode" not in json.loads(intrabank.content)
    assert wire.paths()[-1] == "/snap/v1.0/transfer-interbank"
    assert SandboxTransfer.objects.get(reference="JHT-A").bank_code == SAME_BANK[0]


def test_accepted_transfer_is_pending_then_completed_by_status_inquiry(bank, wire, clock):
    accepted = _submit(bank, amount=1_500_000)

    assert accepted.state is TransferState.PENDING
    assert accepted.accepted_at == T0
    clock.advance(SETTLE_S)
    settled = bank.transfer_status(reference="JHT-2025-000001")

    assert settled.state is TransferState.COMPLETED
    assert (settled.amount, settled.accepted_at, settled.failure_code) == (1_500_000, T0, "")
    assert wire.codes()[-1] == "2003600"


@pytest.mark.parametrize(
    ("account", "failure_code"),
    [(DORMANT, "account_dormant"), (CLOSED, "account_closed")],
)
def test_dormant_or_closed_account_accepts_then_returns(bank, clock, account, failure_code):
    assert _submit(bank, account).state is TransferState.PENDING

    clock.advance(SETTLE_S)
    settled = bank.transfer_status(reference="JHT-2025-000001")

    assert settled.state is TransferState.FAILED
    assert settled.failure_code == failure_code


def test_unknown_account_and_bank_on_transfer(bank):
    with pytest.raises(AccountNotFound) as info:
        _submit(bank, ("002", "0000000000"))
    assert info.value.code == FailureCode.ACCOUNT_INVALID
    with pytest.raises(UnknownBank):
        _submit(bank, ("999", ACTIVE[1]))
    assert SandboxTransfer.objects.count() == 0


def test_interbank_above_the_bi_fast_limit_is_refused_before_sending(bank, wire):
    with pytest.raises(TransferRejected) as info:
        _submit(bank, amount=snap.BI_FAST_LIMIT + 1)

    assert info.value.code == FailureCode.OVER_LIMIT
    assert wire.exchanges == []  # nothing sent
    # Rp 250 juta exactly still goes over BI-FAST; same bank has no BI-FAST limit.
    assert _submit(bank, reference="JHT-2", amount=snap.BI_FAST_LIMIT).amount == 250_000_000
    assert _submit(bank, SAME_BANK, reference="JHT-3", amount=snap.BI_FAST_LIMIT + 1).amount


def test_the_banks_own_limit_is_over_limit(credentials, key_file, clock):
    make_accounts()
    strict = make_server(credentials, clock, transfer_limit=1_000_000)
    wire = Wire(httpx.WSGITransport(app=strict))
    bank = make_client(credentials, key_file, wire, clock)

    with pytest.raises(TransferRejected) as info:
        _submit(bank, SAME_BANK, amount=1_000_001)

    assert info.value.code == FailureCode.OVER_LIMIT
    assert wire.codes()[-1] == "4031702"


def test_a_foreign_source_account_is_not_permitted(credentials, key_file, wire, clock):
    bank = make_client(credentials, key_file, wire, clock, source_account_no="5550001111")

    with pytest.raises(TransferRejected) as info:
        _submit(bank)

    assert info.value.code == FailureCode.NOT_PERMITTED
    assert wire.codes()[-1] == "4031815"


@pytest.mark.parametrize(("reference", "amount"), [("", 1), ("R" * 65, 1), ("JHT-1", 0)])
def test_bad_reference_or_amount_is_refused_before_sending(bank, wire, reference, amount):
    with pytest.raises(TransferRejected) as info:
        _submit(bank, reference=reference, amount=amount)

    assert info.value.code in {FailureCode.INVALID_REFERENCE, FailureCode.INVALID_AMOUNT}
    assert wire.exchanges == []


# --- duplicate references and unknown outcomes -----------------------------------------


def test_the_same_transfer_again_returns_the_first_result(bank, wire, clock):
    first = _submit(bank)
    clock.advance(5)

    again = _submit(bank)

    assert again == first  # same accepted_at: the original transfer
    assert SandboxTransfer.objects.count() == 1
    clock.advance(SETTLE_S)
    assert _submit(bank).state is TransferState.COMPLETED
    assert wire.codes()[-1] == "2001800"


@pytest.mark.parametrize(("account", "amount"), [(ACTIVE, 1_500_001), (DORMANT, 1_500_000)])
def test_the_same_reference_for_another_transfer_is_409xx01(bank, wire, account, amount):
    _submit(bank, ACTIVE, amount=1_500_000)

    with pytest.raises(TransferRejected) as info:
        _submit(bank, account, amount=amount)

    assert info.value.code == FailureCode.REFERENCE_CONFLICT
    assert wire.codes()[-1] == "4091801"
    stored = SandboxTransfer.objects.get()
    assert (stored.account_number, stored.amount) == (ACTIVE[1], 1_500_000)


def test_a_lost_answer_is_an_unknown_outcome_resolved_by_status_inquiry(bank, wire, clock):
    with pytest.raises(TransferOutcomeUnknown) as info:
        _submit(bank, FAULT_LOST_ANSWER, reference="JHT-LOST-1", amount=2_000_000)

    assert isinstance(info.value, BankTimeout)  # callers catching BankTimeout still do
    assert wire.codes()[-1] == "5041800"
    status = bank.transfer_status(reference="JHT-LOST-1")
    assert (status.state, status.amount, status.accepted_at) == (
        TransferState.PENDING,
        2_000_000,
        T0,
    )
    clock.advance(SETTLE_S)
    assert bank.transfer_status(reference="JHT-LOST-1").state is TransferState.COMPLETED
    assert SandboxTransfer.objects.count() == 1
    # Only ever one transfer request under one reference: never a resend under another.
    sent = [json.loads(r.content) for r, _ in wire.exchanges if r.url.path.endswith("interbank")]
    assert [body["partnerReferenceNo"] for body in sent] == ["JHT-LOST-1"]


def test_a_connection_lost_after_the_bank_acted_is_an_unknown_outcome(bank, wire, clock):
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])  # token first
    wire.lose_next_answer = True

    with pytest.raises(TransferOutcomeUnknown):
        _submit(bank, reference="JHT-CUT")

    assert wire.codes()[-1] == "2021800"  # the bank had accepted it
    assert bank.transfer_status(reference="JHT-CUT").state is TransferState.PENDING
    # Resubmitting under the same reference is safe: the first transfer comes back.
    assert _submit(bank, reference="JHT-CUT").accepted_at == T0
    assert SandboxTransfer.objects.count() == 1


def test_a_timeout_before_acceptance_is_unknown_and_the_inquiry_says_not_found(bank):
    # FAULT_TIMEOUT is at the paying bank: its transfer goes intrabank.
    with pytest.raises(TransferOutcomeUnknown):
        _submit(bank, FAULT_TIMEOUT)

    with pytest.raises(TransferRejected) as info:
        bank.transfer_status(reference="JHT-2025-000001")
    assert info.value.code == FailureCode.UNKNOWN_REFERENCE


def test_status_asks_as_interbank_then_as_intrabank(credentials, key_file, clock):
    asked: list[str] = []

    def reply(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/access-token/b2b"):
            return httpx.Response(200, json={"responseCode": "2007300", "accessToken": "t"})
        service = json.loads(request.content)["serviceCode"]
        asked.append(service)
        if service == "18":
            return httpx.Response(404, json={"responseCode": "4043601"})
        return httpx.Response(
            200,
            json={
                "responseCode": "2003600",
                "latestTransactionStatus": "00",
                "amount": {"value": "750000.00", "currency": "IDR"},
            },
        )

    bank = make_client(credentials, key_file, httpx.MockTransport(reply), clock)

    status = bank.transfer_status(reference="JHT-SAME")

    assert asked == ["18", "17"]
    assert (status.state, status.amount) == (TransferState.COMPLETED, 750_000)


def test_a_lost_answer_then_a_healed_fault_returns_the_original(bank, clock):
    with pytest.raises(TransferOutcomeUnknown):
        _submit(bank, FAULT_LOST_ANSWER, reference="JHT-LOST-2")
    SandboxBankAccount.objects.filter(account_number=FAULT_LOST_ANSWER[1]).update(
        fault=SandboxFault.NONE
    )
    clock.advance(10)

    retried = _submit(bank, FAULT_LOST_ANSWER, reference="JHT-LOST-2")

    assert retried.accepted_at == T0
    assert SandboxTransfer.objects.count() == 1


# --- every response code a payer meets, as the client maps it --------------------------


def _answering(code: str, http: int | None = None, **fields) -> httpx.MockTransport:
    def reply(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/access-token/b2b"):
            return httpx.Response(
                200, json={"responseCode": "2007300", "accessToken": "t", "expiresIn": "900"}
            )
        return httpx.Response(http or int(code[:3]), json={"responseCode": code, **fields})

    return httpx.MockTransport(reply)


def _bank_answering(credentials, key_file, clock, code: str, **fields) -> SnapBank:
    return make_client(credentials, key_file, _answering(code, **fields), clock)


@pytest.mark.parametrize(
    ("code", "failure"),
    [
        ("4031802", FailureCode.OVER_LIMIT),
        ("4031805", FailureCode.ACCOUNT_BLOCKED),
        ("4031809", FailureCode.ACCOUNT_DORMANT),
        ("4031814", FailureCode.INSUFFICIENT_FUNDS),
        ("4031815", FailureCode.NOT_PERMITTED),
        ("4031818", FailureCode.ACCOUNT_CLOSED),
        ("4091801", FailureCode.REFERENCE_CONFLICT),
        ("4001801", FailureCode.REJECTED),
        ("4001802", FailureCode.REJECTED),
    ],
)
def test_transfer_refusals_map_to_failure_codes(credentials, key_file, clock, code, failure):
    bank = _bank_answering(credentials, key_file, clock, code)

    with pytest.raises(TransferRejected) as info:
        _submit(bank)

    assert info.value.code == failure
    assert code in str(info.value)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("4041811", AccountNotFound),
        ("4041803", UnknownBank),
        ("5041800", TransferOutcomeUnknown),  # time-out: the bank may have acted
        ("5001800", TransferOutcomeUnknown),  # general error: the same
        ("5001801", TransferOutcomeUnknown),
        ("4031800", TransferOutcomeUnknown),  # a case we do not know: assume it may have moved
        ("5031800", BankUnavailable),  # refused before acting
        ("4291800", BankUnavailable),
        ("4011800", BankUnavailable),
        ("4091800", BankUnavailable),  # external id reused twice in a row
    ],
)
def test_transfer_answers_map_to_errors(credentials, key_file, clock, code, error):
    bank = _bank_answering(credentials, key_file, clock, code)

    with pytest.raises(error) as info:
        _submit(bank)

    assert type(info.value) is error


def test_an_answer_that_is_no_snap_answer_leaves_a_transfer_unknown(credentials, key_file, clock):
    def reply(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/access-token/b2b"):
            return httpx.Response(200, json={"responseCode": "2007300", "accessToken": "t"})
        return httpx.Response(502, text="<html>Bad Gateway</html>")

    bank = make_client(credentials, key_file, httpx.MockTransport(reply), clock)

    with pytest.raises(TransferOutcomeUnknown):
        _submit(bank)
    with pytest.raises(BankTimeout):
        bank.transfer_status(reference="JHT-1")


@pytest.mark.parametrize(
    ("latest", "reason", "state", "failure_code"),
    [
        ("00", None, TransferState.COMPLETED, ""),
        ("01", None, TransferState.PENDING, ""),
        ("02", None, TransferState.PENDING, ""),
        ("03", None, TransferState.PENDING, ""),
        ("04", "4031818", TransferState.FAILED, "account_closed"),
        ("05", None, TransferState.FAILED, "rejected"),
        ("06", "4031809", TransferState.FAILED, "account_dormant"),
        ("06", "4041811", TransferState.FAILED, "account_invalid"),
    ],
)
def test_status_values_map_to_states(
    credentials, key_file, clock, latest, reason, state, failure_code
):
    info = {"reasonCode": reason} if reason else {}
    bank = _bank_answering(
        credentials,
        key_file,
        clock,
        "2003600",
        latestTransactionStatus=latest,
        amount={"value": "1500000.00", "currency": "IDR"},
        transactionDate="2025-03-03T08:30:00+07:00",
        additionalInfo=info,
    )

    status = bank.transfer_status(reference="JHT-1")

    assert (status.state, status.failure_code, status.amount) == (state, failure_code, 1_500_000)
    assert status.accepted_at == T0


def test_status_not_found_is_unknown_reference(credentials, key_file, clock):
    bank = _bank_answering(credentials, key_file, clock, "2003600", latestTransactionStatus="07")

    with pytest.raises(TransferRejected) as info:
        bank.transfer_status(reference="JHT-1")

    assert info.value.code == FailureCode.UNKNOWN_REFERENCE


def test_a_status_with_a_fraction_of_a_rupiah_is_not_believed(credentials, key_file, clock):
    bank = _bank_answering(
        credentials,
        key_file,
        clock,
        "2003600",
        latestTransactionStatus="00",
        amount={"value": "1500000.50", "currency": "IDR"},
    )

    with pytest.raises(TransferOutcomeUnknown, match="fraction"):
        bank.transfer_status(reference="JHT-1")


def test_an_unreachable_bank_is_unavailable_for_everything(credentials, key_file, clock):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    bank = make_client(credentials, key_file, httpx.MockTransport(refuse), clock)

    with pytest.raises(BankUnavailable):
        _submit(bank)
    with pytest.raises(BankUnavailable):
        bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])


# --- the factory and the sandbox's keys --------------------------------------------------


def test_the_factory_builds_the_snap_client_over_the_embedded_sandbox(settings):
    make_accounts()
    # The sandbox's network options are the same whichever gateway is configured.
    settings.CAIRKAN_BANK_OPTIONS = {**settings.CAIRKAN_BANK_OPTIONS, "settle_after_s": 0}
    bank = loading.bank()

    assert isinstance(bank, SnapBank)
    assert bank.sandbox is not None
    holder = bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    assert holder.holder_name == "SITI AMINAH"
    paid = _submit(bank)
    assert paid.state is TransferState.COMPLETED  # settled at once, as configured
    assert SandboxTransfer.objects.get().amount == 1_500_000


def test_the_factory_can_go_back_to_the_direct_sandbox(settings):
    make_accounts()
    settings.CAIRKAN_BANK_GATEWAY = "cairkan.integrations.bank.sandbox.SandboxBank"
    settings.CAIRKAN_BANK_OPTIONS = {**settings.CAIRKAN_BANK_OPTIONS, "settle_after_s": 0}
    loading.reset()

    bank = loading.bank()

    assert isinstance(bank, SandboxBank)
    assert _submit(bank).state is TransferState.COMPLETED


def test_sandbox_credentials_are_made_once_private_and_kept(tmp_path):
    first = sandbox_credentials(tmp_path)
    again = sandbox_credentials(tmp_path)

    assert first == again
    path = tmp_path / "snap-sandbox.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == [path]  # no half-written file left behind
    assert first.client_secret not in repr(first)
    assert "PRIVATE" not in repr(first)


# --- bulk interbank transfer (20) --------------------------------------------------------


def _order(account, reference, amount=1_000_000) -> TransferOrder:
    return TransferOrder(reference, account[0], account[1], "Penerima", amount)


def test_a_bulk_carries_each_transfer_under_its_own_reference(bank, wire, clock):
    orders = [
        _order(ACTIVE, "JHT-B1", 1_000_000),
        _order(DORMANT, "JHT-B2", 2_000_000),
        _order(("002", "0000000000"), "JHT-B3", 3_000_000),
        _order(SAME_BANK, "JHT-B4"),  # same bank: goes alone, not in a bulk
        _order(CLOSED, "JHT-B5", snap.BI_FAST_LIMIT + 1),  # above BI-FAST
    ]

    results = bank.submit_bulk_transfer(bulk_reference="BULK-2025-03-03-1", orders=orders)

    assert list(results) == ["JHT-B1", "JHT-B2", "JHT-B3", "JHT-B4", "JHT-B5"]
    assert results["JHT-B1"].state is TransferState.PENDING
    assert results["JHT-B1"].amount == 1_000_000
    assert results["JHT-B2"].state is TransferState.PENDING  # dormant: accepted, returned later
    assert isinstance(results["JHT-B3"], AccountNotFound)
    assert results["JHT-B4"].code == FailureCode.NOT_PERMITTED
    assert results["JHT-B5"].code == FailureCode.OVER_LIMIT
    request, answer = _request(wire, "/transfer-interbank-bulk")
    body = json.loads(request.content)
    assert body["totalAmount"] == {"value": "6000000.00", "currency": "IDR"}
    assert body["totalTransaction"] == "3"
    assert [d["responseCode"] for d in answer["transferDetails"]] == [
        "2022000",
        "2022000",
        "4042011",
    ]
    assert answer["responseCode"] == "2022000"
    assert set(SandboxTransfer.objects.values_list("reference", flat=True)) == {"JHT-B1", "JHT-B2"}

    clock.advance(SETTLE_S)
    returned = bank.transfer_status(reference="JHT-B2")
    assert (returned.state, returned.failure_code) == (TransferState.FAILED, "account_dormant")


def test_a_bulk_whose_answer_is_lost_is_resolved_per_reference_and_sent_again_safely(bank, wire):
    bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])  # token first
    orders = [_order(ACTIVE, "JHT-L1"), _order(DORMANT, "JHT-L2")]
    wire.lose_next_answer = True

    with pytest.raises(TransferOutcomeUnknown):
        bank.submit_bulk_transfer(bulk_reference="BULK-L", orders=orders)

    assert bank.transfer_status(reference="JHT-L1").state is TransferState.PENDING
    again = bank.submit_bulk_transfer(bulk_reference="BULK-L", orders=orders)
    assert again["JHT-L1"].accepted_at == T0
    assert SandboxTransfer.objects.count() == 2  # nothing doubled


def test_one_lost_item_in_a_bulk_is_unknown_and_the_rest_stand(bank):
    orders = [_order(ACTIVE, "JHT-M1"), _order(FAULT_LOST_ANSWER, "JHT-M2")]

    results = bank.submit_bulk_transfer(bulk_reference="BULK-M", orders=orders)

    assert results["JHT-M1"].state is TransferState.PENDING
    assert isinstance(results["JHT-M2"], TransferOutcomeUnknown)
    assert bank.transfer_status(reference="JHT-M2").state is TransferState.PENDING


def test_a_bulk_whose_totals_do_not_add_up_is_refused(bank, wire, server):
    bank.submit_bulk_transfer(bulk_reference="BULK-T", orders=[_order(ACTIVE, "JHT-T1")])
    request, _ = _request(wire, "/transfer-interbank-bulk")
    body = json.loads(request.content)
    body["totalAmount"]["value"] = "999.00"
    body["partnerReferenceNo"] = "BULK-T2"
    body["transferDetails"][0]["partnerReferenceNo"] = "JHT-T2"
    raw = snap.minify(body)
    headers = {key.upper(): value for key, value in request.headers.items()}
    headers["X-EXTERNAL-ID"] = "4242"
    headers["X-SIGNATURE"] = snap.sign_transaction(
        server.credentials.client_secret,
        "POST",
        request.url.path,
        request.headers["Authorization"].split()[1],
        raw,
        request.headers["X-TIMESTAMP"],
    )

    answer = server.handle(method="POST", url_path=request.url.path, headers=headers, body=raw)

    assert answer.body["responseCode"] == "4002001"
    assert not SandboxTransfer.objects.filter(reference="JHT-T2").exists()


@pytest.mark.parametrize(
    "orders",
    [[], [_order(ACTIVE, "JHT-D")] * 2, [_order(ACTIVE, f"JHT-{i}") for i in range(501)]],
)
def test_a_bulk_needs_one_to_500_distinct_references(bank, wire, orders):
    with pytest.raises(ValueError):
        bank.submit_bulk_transfer(bulk_reference="BULK-X", orders=orders)

    assert wire.exchanges == []
