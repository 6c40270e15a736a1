"""SNAP BI on the wire, shared by the client and the sandbox bank: paths, timestamps,
signatures, amounts and response codes (Bank Indonesia's Standar Nasional Open API
Pembayaran; docs/payments.md, "SNAP BI in Cairkan")."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from cairkan.integrations.bank.base import FailureCode

VERSION = "v1.0"
# Banks keep SNAP time in WIB; X-TIMESTAMP carries the offset, so any zone parses.
WIB = ZoneInfo("Asia/Jakarta")
# SNAP BI's B2B access token lives 900 seconds.
TOKEN_TTL_S = 900
# A request whose X-TIMESTAMP is further than this from the bank's clock is refused, so a
# captured request cannot be replayed later.
TIMESTAMP_SKEW_S = 300
# BI-FAST takes at most Rp 250 juta per transaction (Bank Indonesia's BI-FAST scheme limit
# since its launch in December 2021; docs/payments.md); larger interbank payments go by
# RTGS/SKN or a bank file.
BI_FAST_LIMIT = 250_000_000

# Service codes (the two digits inside every response code) and their paths.
TOKEN = "73"  # noqa: S105 - a service code, not a secret
INQUIRY_INTERNAL = "15"
INQUIRY_EXTERNAL = "16"
TRANSFER_INTRABANK = "17"
TRANSFER_INTERBANK = "18"
TRANSFER_BULK = "20"
TRANSFER_STATUS = "36"
# Cairkan's ceiling on one bulk request (banks set their own; a day's payouts to other
# banks go in several bulks).
BULK_MAX_ITEMS = 500
PATHS: dict[str, str] = {
    TOKEN: "/access-token/b2b",
    INQUIRY_INTERNAL: "/account-inquiry-internal",
    INQUIRY_EXTERNAL: "/account-inquiry-external",
    TRANSFER_INTRABANK: "/transfer-intrabank",
    TRANSFER_INTERBANK: "/transfer-interbank",
    TRANSFER_BULK: "/transfer-interbank-bulk",
    TRANSFER_STATUS: "/transfer/status",
}

# latestTransactionStatus of a status inquiry (service 36).
STATUS_SUCCESS = "00"
STATUS_IN_PROGRESS = frozenset({"01", "02", "03"})  # initiated, paying, pending
STATUS_FAILED = frozenset({"04", "05", "06"})  # refunded (returned), cancelled, failed
STATUS_NOT_FOUND = "07"
STATUS_PENDING = "03"
STATUS_FAILED_CODE = "06"

# The refusals a payer meets, by HTTP status and case (the code's last two digits),
# whatever the service; the one table both sides use (docs/payments.md).
FAILURE_BY_CASE: dict[tuple[int, str], FailureCode] = {
    (403, "02"): FailureCode.OVER_LIMIT,
    (403, "05"): FailureCode.ACCOUNT_BLOCKED,  # "do not honour"
    (403, "09"): FailureCode.ACCOUNT_DORMANT,
    (403, "14"): FailureCode.INSUFFICIENT_FUNDS,
    (403, "15"): FailureCode.NOT_PERMITTED,
    (403, "18"): FailureCode.ACCOUNT_CLOSED,  # inactive card/account/customer
    (404, "11"): FailureCode.ACCOUNT_INVALID,
    (404, "03"): FailureCode.UNKNOWN_BANK,  # bank not supported by the switch
    (409, "01"): FailureCode.REFERENCE_CONFLICT,  # duplicate partnerReferenceNo
}
CASE_BY_FAILURE: dict[str, tuple[int, str]] = {
    code.value: case for case, code in FAILURE_BY_CASE.items()
}


class ProtocolError(ValueError):
    """A message that does not follow SNAP BI (bad amount, timestamp or code)."""


@dataclass(frozen=True, slots=True)
class ResponseCode:
    """``HHHSSCC``: HTTP status, service code, case; e.g. 2001800, 4031809."""

    http: int
    service: str
    case: str

    @classmethod
    def parse(cls, text: object) -> ResponseCode:
        if not isinstance(text, str) or not re.fullmatch(r"[1-5]\d{6}", text):
            raise ProtocolError(f"not a SNAP response code: {text!r}")
        return cls(int(text[:3]), text[3:5], text[5:])

    def __str__(self) -> str:
        return f"{self.http}{self.service}{self.case}"

    @property
    def failure(self) -> FailureCode | None:
        return FAILURE_BY_CASE.get((self.http, self.case))


def path(service: str, version: str = VERSION) -> str:
    return f"/{version}{PATHS[service]}"


def timestamp(moment: datetime) -> str:
    """X-TIMESTAMP: ISO 8601 to the second with the WIB offset, e.g. 2025-03-03T08:30:00+07:00."""
    return moment.astimezone(WIB).isoformat(timespec="seconds")


def parse_timestamp(text: object) -> datetime:
    if not isinstance(text, str):
        raise ProtocolError("timestamp missing")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ProtocolError(f"not an ISO 8601 timestamp: {text!r}") from None
    if moment.tzinfo is None:
        raise ProtocolError(f"timestamp without offset: {text!r}")
    return moment


def minify(body: Mapping[str, Any]) -> bytes:
    """The body exactly as sent and signed: JSON without insignificant whitespace."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


# --- signatures -------------------------------------------------------------------------


def token_string_to_sign(client_id: str, stamp: str) -> bytes:
    return f"{client_id}|{stamp}".encode()


def sign_token_request(key: rsa.RSAPrivateKey, client_id: str, stamp: str) -> str:
    """SHA256withRSA (PKCS#1 v1.5) over ``clientId|X-TIMESTAMP``, base64."""
    signature = key.sign(
        token_string_to_sign(client_id, stamp), padding.PKCS1v15(), hashes.SHA256()
    )
    return base64.b64encode(signature).decode()


def verify_token_request(key: rsa.RSAPublicKey, client_id: str, stamp: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, token_string_to_sign(client_id, stamp), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def transaction_string_to_sign(
    method: str, url_path: str, access_token: str, body: bytes, stamp: str
) -> bytes:
    """``METHOD:path:accessToken:lowercase-hex(SHA-256(minified body)):timestamp``."""
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}:{url_path}:{access_token}:{digest}:{stamp}".encode()


def sign_transaction(
    secret: str, method: str, url_path: str, access_token: str, body: bytes, stamp: str
) -> str:
    """HMAC-SHA512 with the client secret, base64."""
    mac = hmac.new(
        secret.encode(),
        transaction_string_to_sign(method, url_path, access_token, body, stamp),
        hashlib.sha512,
    )
    return base64.b64encode(mac.digest()).decode()


def verify_transaction(
    secret: str,
    method: str,
    url_path: str,
    access_token: str,
    body: bytes,
    stamp: str,
    signature: str,
) -> bool:
    expected = sign_transaction(secret, method, url_path, access_token, body, stamp)
    return hmac.compare_digest(expected.encode(), signature.encode())


# --- money ------------------------------------------------------------------------------

_AMOUNT = re.compile(r"\d{1,16}\.\d{2}")


def format_amount(rupiah: int) -> dict[str, str]:
    """``{"value": "150000.00", "currency": "IDR"}`` from integer rupiah, never a float."""
    if isinstance(rupiah, bool) or not isinstance(rupiah, int) or rupiah <= 0:
        raise ProtocolError(f"an amount is a positive whole number of rupiah: {rupiah!r}")
    text = f"{rupiah}.00"
    if not _AMOUNT.fullmatch(text):
        raise ProtocolError(f"amount too large for SNAP BI: {rupiah}")
    return {"value": text, "currency": "IDR"}


def parse_amount(amount: object) -> int:
    """Integer rupiah from a SNAP amount, exactly: a value with sen (``"10.50"``), any
    other currency, a number instead of a string or a malformed string is refused."""
    if not isinstance(amount, Mapping):
        raise ProtocolError("amount missing")
    value, currency = amount.get("value"), amount.get("currency")
    if currency != "IDR":
        raise ProtocolError(f"currency must be IDR: {currency!r}")
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        raise ProtocolError(f"amount must be a string like '150000.00': {value!r}")
    try:
        exact = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already rules it out
        raise ProtocolError(f"not an amount: {value!r}") from None
    # The rupiah has no sen in circulation and the JHT is paid in whole rupiah.
    if exact != exact.to_integral_value():
        raise ProtocolError(f"amount has a fraction of a rupiah: {value!r}")
    return int(exact)
