"""The sandbox bank, speaking SNAP BI over HTTP: a plain WSGI application.

It checks what a real bank checks — the token request's RSA signature, the bearer token
and its 900 s life, every transaction's HMAC, the timestamp's freshness, the partner id
and that an ``X-EXTERNAL-ID`` is not reused the same day — and answers with the standard
response codes. Behind the wire it is ``SandboxBank`` over the sandbox tables: latency,
scripted outages and time-outs, dormant and closed accounts that accept a transfer and
return it later, a lost answer after acceptance, idempotent references.

Embedded default: mounted in-process through ``httpx.WSGITransport`` (``SnapBank`` with no
base URL). Any WSGI server can also serve it over a socket (tests/test_bank_snap_live.py).
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cairkan.integrations.bank import base
from cairkan.integrations.bank.sandbox import SandboxBank
from cairkan.integrations.bank.snap import protocol as snap
from cairkan.integrations.bank.snap.credentials import SnapCredentials
from cairkan.integrations.models import SandboxExternalId

log = logging.getLogger(__name__)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
_REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_ROUTE = re.compile(r".*/(v\d+\.\d+)(/.+)$")
_SERVICE_BY_PATH = {suffix: service for service, suffix in snap.PATHS.items()}
_EXTERNAL_ID = re.compile(r"[0-9A-Za-z-]{1,36}")
_MAX_BODY = 64 * 1024
_MESSAGES = {
    snap.FAILURE_BY_CASE[403, "02"]: "Exceeds Transaction Amount Limit",
    snap.FAILURE_BY_CASE[403, "05"]: "Do Not Honor",
    snap.FAILURE_BY_CASE[403, "09"]: "Dormant Account",
    snap.FAILURE_BY_CASE[403, "14"]: "Insufficient Funds",
    snap.FAILURE_BY_CASE[403, "15"]: "Transaction Not Permitted",
    snap.FAILURE_BY_CASE[403, "18"]: "Inactive Account",
    snap.FAILURE_BY_CASE[404, "11"]: "Invalid Account",
    snap.FAILURE_BY_CASE[404, "03"]: "Bank Not Supported By Switch",
    snap.FAILURE_BY_CASE[409, "01"]: "Duplicate partnerReferenceNo",
}


@dataclass(frozen=True, slots=True)
class Answer:
    http: int
    body: dict[str, Any]


class Refusal(Exception):
    """Stop handling a request and answer this code."""

    def __init__(self, http: int, case: str, message: str) -> None:
        super().__init__(message)
        self.http, self.case, self.message = http, case, message


def _refuse_failure(code: str, detail: str = "") -> Refusal:
    http, case = snap.CASE_BY_FAILURE[code]
    message = _MESSAGES[base.FailureCode(code)]
    return Refusal(http, case, f"{message} {detail}".strip())


class SnapSandboxServer:
    def __init__(
        self,
        *,
        bank: SandboxBank,
        credentials: SnapCredentials,
        bank_code: str = "009",
        source_account_no: str = "",
        transfer_limit: int = 1_000_000_000,
        clock: Callable[[], datetime] = timezone.now,
        token_ttl_s: int = snap.TOKEN_TTL_S,
    ) -> None:
        self.bank = bank
        self.credentials = credentials
        self.public_key = credentials.public_key()
        self.bank_code = bank_code  # the bank this sandbox plays: transfers leave from it
        self.source_account_no = source_account_no  # the partner's account, if checked
        self.transfer_limit = transfer_limit  # the bank's own limit per transaction
        self.clock = clock
        self.token_ttl = timedelta(seconds=token_ttl_s)
        # A whole-bank outage (maintenance window): every request answers 503, nothing done.
        self.out_of_service = False
        self._tokens: dict[str, datetime] = {}
        self._pruned_on: date | None = None
        self._lock = threading.Lock()

    # --- WSGI ---------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        answer = self.handle(
            method=environ.get("REQUEST_METHOD", "GET"),
            url_path=environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
            headers={
                key[5:].replace("_", "-"): value
                for key, value in environ.items()
                if key.startswith("HTTP_")
            },
            body=self._read(environ),
        )
        payload = snap.minify(answer.body)
        start_response(
            f"{answer.http} {_REASONS.get(answer.http, 'Error')}",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(payload))),
                ("X-TIMESTAMP", snap.timestamp(self.clock())),
            ],
        )
        return [payload]

    @staticmethod
    def _read(environ: dict[str, Any]) -> bytes | None:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if length > _MAX_BODY:
            return None
        return bytes(environ["wsgi.input"].read(length)) if length else b""

    def handle(
        self, *, method: str, url_path: str, headers: Mapping[str, str], body: bytes | None
    ) -> Answer:
        route = _ROUTE.fullmatch(url_path)
        service = _SERVICE_BY_PATH.get(route.group(2)) if route else None
        if service is None:
            return self._answer(404, "00", "00", "Invalid Routing")
        if method != "POST":
            return self._answer(405, service, "00", "Requested Function Is Not Supported")
        if self.out_of_service:
            return self._answer(503, service, "00", "Service Unavailable")
        try:
            if body is None:
                raise Refusal(400, "01", "Invalid Field Format [body]")
            if service == snap.TOKEN:
                return self._token(headers, body)
            self._authenticate(service, method, url_path, headers, body)
            request = self._json(body)
            if service in (snap.INQUIRY_INTERNAL, snap.INQUIRY_EXTERNAL):
                return self._inquiry(service, request)
            if service in (snap.TRANSFER_INTRABANK, snap.TRANSFER_INTERBANK):
                return self._transfer(service, request)
            if service == snap.TRANSFER_BULK:
                return self._bulk(request)
            return self._status(request)
        except Refusal as refusal:
            return self._answer(refusal.http, service, refusal.case, refusal.message)
        except base.BankTimeout:
            return self._answer(504, service, "00", "Timeout")
        except base.BankUnavailable:
            return self._answer(503, service, "00", "Service Unavailable")
        except Exception:  # a bank answers 500 rather than hanging up
            log.exception("snap_sandbox_error", extra={"service": service})
            return self._answer(500, service, "01", "Internal Server Error")

    @staticmethod
    def _answer(http: int, service: str, case: str, message: str, **fields: Any) -> Answer:
        return Answer(
            http, {"responseCode": f"{http}{service}{case}", "responseMessage": message, **fields}
        )

    @staticmethod
    def _json(body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body or b"{}")
        except (ValueError, RecursionError):
            raise Refusal(400, "01", "Invalid Field Format [body]") from None
        if not isinstance(data, dict):
            raise Refusal(400, "01", "Invalid Field Format [body]")
        return data

    def _fresh(self, stamp: str) -> None:
        try:
            moment = snap.parse_timestamp(stamp)
        except snap.ProtocolError:
            raise Refusal(400, "01", "Invalid Field Format [X-TIMESTAMP]") from None
        if abs((self.clock() - moment).total_seconds()) > snap.TIMESTAMP_SKEW_S:
            raise Refusal(401, "00", "Unauthorized. [X-TIMESTAMP]")

    # --- B2B access token (service 73) ----------------------------------------------------

    def _token(self, headers: Mapping[str, str], body: bytes) -> Answer:
        stamp = headers.get("X-TIMESTAMP", "")
        self._fresh(stamp)
        if headers.get("X-CLIENT-KEY") != self.credentials.client_id:
            raise Refusal(401, "00", "Unauthorized. [Unknown client]")
        if not snap.verify_token_request(
            self.public_key, self.credentials.client_id, stamp, headers.get("X-SIGNATURE", "")
        ):
            raise Refusal(401, "00", "Unauthorized. [Signature]")
        if self._json(body).get("grantType") != "client_credentials":
            raise Refusal(400, "02", "Invalid Mandatory Field [grantType]")
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._tokens = {t: end for t, end in self._tokens.items() if end > now}
            self._tokens[token] = now + self.token_ttl
        return self._answer(
            200,
            snap.TOKEN,
            "00",
            "Successful",
            accessToken=token,
            tokenType="Bearer",
            expiresIn=str(int(self.token_ttl.total_seconds())),
        )

    # --- every transaction --------------------------------------------------------------

    def _authenticate(
        self,
        service: str,
        method: str,
        url_path: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> None:
        scheme, _, token = headers.get("AUTHORIZATION", "").partition(" ")
        with self._lock:
            expires = self._tokens.get(token) if scheme == "Bearer" else None
        if expires is None or expires <= self.clock():
            raise Refusal(401, "01", "Invalid Token (B2B)")
        if headers.get("X-PARTNER-ID") != self.credentials.partner_id:
            raise Refusal(401, "00", "Unauthorized. [X-PARTNER-ID]")
        stamp = headers.get("X-TIMESTAMP", "")
        self._fresh(stamp)
        if not snap.verify_transaction(
            self.credentials.client_secret,
            method,
            url_path,
            token,
            body,
            stamp,
            headers.get("X-SIGNATURE", ""),
        ):
            raise Refusal(401, "00", "Unauthorized. [Signature]")
        if not headers.get("CHANNEL-ID"):
            raise Refusal(400, "02", "Invalid Mandatory Field [CHANNEL-ID]")
        external_id = headers.get("X-EXTERNAL-ID", "")
        if not _EXTERNAL_ID.fullmatch(external_id):
            raise Refusal(400, "02", "Invalid Mandatory Field [X-EXTERNAL-ID]")
        # Only an authenticated request spends an external id: a stranger cannot burn ours.
        now = self.clock()
        today = now.astimezone(snap.WIB).date()
        try:
            with transaction.atomic():
                SandboxExternalId.objects.create(
                    partner_id=self.credentials.partner_id,
                    day=today,
                    external_id=external_id,
                    received_at=now,
                )
        except IntegrityError:
            raise Refusal(409, "00", "Conflict [X-EXTERNAL-ID]") from None
        if self._pruned_on != today:
            # Ids are unique per day: yesterday's (kept for requests crossing midnight)
            # and older ones can go, once a day.
            SandboxExternalId.objects.filter(day__lt=today - timedelta(days=1)).delete()
            self._pruned_on = today

    # --- account inquiry (15, 16) -------------------------------------------------------

    def _inquiry(self, service: str, request: dict[str, Any]) -> Answer:
        account_number = request.get("beneficiaryAccountNo")
        if not isinstance(account_number, str) or not account_number:
            raise Refusal(400, "02", "Invalid Mandatory Field [beneficiaryAccountNo]")
        bank_code = (
            self.bank_code
            if service == snap.INQUIRY_INTERNAL
            else str(request.get("beneficiaryBankCode", ""))
        )
        try:
            holder = self.bank.inquire_account(bank_code=bank_code, account_number=account_number)
        except base.UnknownBank:
            raise _refuse_failure(base.FailureCode.UNKNOWN_BANK) from None
        except base.AccountNotFound:
            raise _refuse_failure(base.FailureCode.ACCOUNT_INVALID) from None
        fields = {
            "beneficiaryAccountNo": holder.account_number,
            "beneficiaryAccountName": holder.holder_name,
            "beneficiaryBankCode": holder.bank_code,
            "beneficiaryBankName": base.BANKS.get(holder.bank_code, ""),
            "currency": "IDR",
        }
        if holder.status is base.AccountStatus.ACTIVE:
            return self._answer(200, service, "00", "Successful", **fields)
        failure = (
            base.FailureCode.ACCOUNT_DORMANT
            if holder.status is base.AccountStatus.DORMANT
            else base.FailureCode.ACCOUNT_CLOSED
        )
        http, case = snap.CASE_BY_FAILURE[failure]
        return self._answer(http, service, case, _MESSAGES[failure], **fields)

    # --- transfers (17, 18) -------------------------------------------------------------

    def _transfer(self, service: str, request: dict[str, Any]) -> Answer:
        reference = request.get("partnerReferenceNo")
        account_number = request.get("beneficiaryAccountNo")
        if not isinstance(reference, str) or not isinstance(account_number, str):
            raise Refusal(400, "02", "Invalid Mandatory Field [partnerReferenceNo]")
        try:
            amount = snap.parse_amount(request.get("amount"))
        except snap.ProtocolError as error:
            raise Refusal(400, "01", f"Invalid Field Format [amount] {error}") from None
        if self.source_account_no and request.get("sourceAccountNo") != self.source_account_no:
            raise _refuse_failure(base.FailureCode.NOT_PERMITTED, "[sourceAccountNo]")
        if service == snap.TRANSFER_INTRABANK:
            bank_code = self.bank_code
        else:
            bank_code = str(request.get("beneficiaryBankCode", ""))
            if amount > snap.BI_FAST_LIMIT:
                raise _refuse_failure(base.FailureCode.OVER_LIMIT, "[BI-FAST]")
        if amount > self.transfer_limit:
            raise _refuse_failure(base.FailureCode.OVER_LIMIT)
        try:
            status = self.bank.submit_transfer(
                reference=reference,
                bank_code=bank_code,
                account_number=account_number,
                beneficiary_name=str(request.get("beneficiaryAccountName", "")),
                amount=amount,
            )
        except base.UnknownBank:
            raise _refuse_failure(base.FailureCode.UNKNOWN_BANK) from None
        except base.AccountNotFound:
            raise _refuse_failure(base.FailureCode.ACCOUNT_INVALID) from None
        except base.TransferRejected as rejected:
            if rejected.code == base.FailureCode.REFERENCE_CONFLICT:
                raise _refuse_failure(rejected.code) from None
            raise Refusal(400, "01", f"Invalid Field Format {rejected}") from None
        http = 202 if status.state is base.TransferState.PENDING else 200
        return self._answer(
            http,
            service,
            "00",
            "Request In Progress" if http == 202 else "Successful",
            partnerReferenceNo=status.reference,
            referenceNo=status.reference,
            amount=snap.format_amount(status.amount),
            beneficiaryAccountNo=account_number,
            beneficiaryBankCode=bank_code,
            transactionDate=snap.timestamp(status.accepted_at),
            additionalInfo=self._state(status),
        )

    # --- bulk interbank transfer (20) ----------------------------------------------------

    def _bulk(self, request: dict[str, Any]) -> Answer:
        """Each transfer of the bulk is taken as if sent alone (idempotent by its own
        reference); the answer lists each one's code. The totals must add up."""
        bulk_reference = request.get("partnerReferenceNo")
        details = request.get("transferDetails")
        if (
            not isinstance(bulk_reference, str)
            or not bulk_reference
            or not isinstance(details, list)
            or not details
            or not all(isinstance(item, dict) for item in details)
        ):
            raise Refusal(400, "02", "Invalid Mandatory Field [transferDetails]")
        if len(details) > snap.BULK_MAX_ITEMS:
            raise Refusal(400, "01", "Invalid Field Format [transferDetails] too many")
        try:
            total = snap.parse_amount(request.get("totalAmount"))
            amounts = [snap.parse_amount(item.get("amount")) for item in details]
        except snap.ProtocolError as error:
            raise Refusal(400, "01", f"Invalid Field Format [amount] {error}") from None
        if total != sum(amounts) or request.get("totalTransaction") != str(len(details)):
            raise Refusal(400, "01", "Invalid Field Format [totalAmount/totalTransaction]")
        if self.source_account_no and request.get("sourceAccountNo") != self.source_account_no:
            raise _refuse_failure(base.FailureCode.NOT_PERMITTED, "[sourceAccountNo]")
        results = []
        for item in details:
            one = {**item, "sourceAccountNo": request.get("sourceAccountNo")}
            try:
                answer = self._transfer(snap.TRANSFER_INTERBANK, one)
            except Refusal as refusal:
                answer = self._answer(refusal.http, "18", refusal.case, refusal.message)
            except base.BankTimeout:
                answer = self._answer(504, "18", "00", "Timeout")
            except base.BankUnavailable:
                answer = self._answer(503, "18", "00", "Service Unavailable")
            code = snap.ResponseCode.parse(answer.body["responseCode"])
            results.append(
                {
                    **answer.body,
                    "partnerReferenceNo": item.get("partnerReferenceNo"),
                    "responseCode": f"{code.http}{snap.TRANSFER_BULK}{code.case}",
                }
            )
        return self._answer(
            202,
            snap.TRANSFER_BULK,
            "00",
            "Request In Progress",
            partnerReferenceNo=bulk_reference,
            transferDetails=results,
        )

    @staticmethod
    def _state(status: base.TransferStatus) -> dict[str, str]:
        if status.state is base.TransferState.COMPLETED:
            return {"latestTransactionStatus": snap.STATUS_SUCCESS}
        if status.state is base.TransferState.PENDING:
            return {"latestTransactionStatus": snap.STATUS_PENDING}
        http, case = snap.CASE_BY_FAILURE.get(status.failure_code, (403, "05"))
        return {
            "latestTransactionStatus": snap.STATUS_FAILED_CODE,
            "reasonCode": f"{http}{snap.TRANSFER_INTERBANK}{case}",
        }

    # --- transfer status inquiry (36) ---------------------------------------------------

    def _status(self, request: dict[str, Any]) -> Answer:
        reference = request.get("originalPartnerReferenceNo")
        if not isinstance(reference, str) or not reference:
            raise Refusal(400, "02", "Invalid Mandatory Field [originalPartnerReferenceNo]")
        try:
            status = self.bank.transfer_status(reference=reference)
        except base.TransferRejected:
            raise Refusal(404, "01", "Transaction Not Found") from None
        state = self._state(status)
        return self._answer(
            200,
            snap.TRANSFER_STATUS,
            "00",
            "Successful",
            originalPartnerReferenceNo=reference,
            serviceCode=str(request.get("serviceCode", "")),
            transactionDate=snap.timestamp(status.accepted_at),
            amount=snap.format_amount(status.amount),
            latestTransactionStatus=state.pop("latestTransactionStatus"),
            transactionStatusDesc=status.state.value,
            additionalInfo=state,
        )
