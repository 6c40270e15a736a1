"""The bank adapter as a SNAP BI client: Cairkan's ``Bank`` over Bank Indonesia's open API.

Inquiry (15/16), transfer (17 same bank, 18 other banks over BI-FAST) and status (36),
each request signed (HMAC-SHA512) with a B2B access token (73) cached for its 900 s.
Money rule: an answer that leaves a transfer's outcome open (504, a 5xx, a connection
lost after the request left) raises ``TransferOutcomeUnknown``; the caller resolves it by
``transfer_status`` or by resubmitting under the same reference, never a new one.

With no base URL the client talks to the sandbox bank mounted in-process (the embedded
default); with a base URL and keys from settings it talks to a real bank.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.utils import timezone

from cairkan.integrations.bank import base
from cairkan.integrations.bank.snap import protocol as snap
from cairkan.integrations.bank.snap.credentials import SnapCredentials, sandbox_credentials

log = logging.getLogger(__name__)

# The embedded sandbox's base URL: never resolved, the WSGI transport answers it.
SANDBOX_URL = "http://snap-sandbox.invalid/snap"
# A token is renewed this long before the bank's expiry, so a request in flight never
# carries one that expires on the way.
_TOKEN_MARGIN = timedelta(seconds=30)
_REFERENCE = re.compile(r"[!-~]{1,64}")  # printable ASCII, no spaces: SNAP's partnerReferenceNo


def new_external_id(now: datetime) -> str:
    """X-EXTERNAL-ID: 36 digits, the WIB time of day then 30 random digits. Random, so
    workers on several machines need no shared counter; a collision within a day is
    about one in 10^30 per pair, and the bank refuses it (409xx00) without acting, after
    which the client retries once under a fresh id."""
    return f"{now.astimezone(snap.WIB):%H%M%S}{secrets.randbelow(10**30):030d}"


@dataclass(frozen=True, slots=True)
class TransferOrder:
    """One transfer of a bulk, as ``submit_transfer`` takes it."""

    reference: str
    bank_code: str
    account_number: str
    beneficiary_name: str
    amount: int


class SnapBank:
    def __init__(
        self,
        *,
        base_url: str = "",
        client_id: str = "",
        client_secret: str = "",
        private_key_file: str = "",
        partner_id: str = "",
        channel_id: str = "95221",
        source_bank_code: str = "009",
        source_account_no: str = "",
        version: str = snap.VERSION,
        timeout_s: float = 8.0,
        sandbox: dict[str, Any] | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = timezone.now,
        external_ids: Callable[[datetime], str] = new_external_id,
    ) -> None:
        self.source_bank_code = source_bank_code
        self.source_account_no = source_account_no
        self.version = version
        self.clock = clock
        self.external_ids = external_ids
        self.sandbox: Any = None  # the embedded sandbox server, when there is one
        if base_url:
            self.credentials = SnapCredentials(
                client_id=client_id,
                client_secret=client_secret,
                private_key_pem=Path(private_key_file).read_text() if private_key_file else "",
                partner_id=partner_id,
                channel_id=channel_id,
            )
        else:
            # Imported here: the server pulls in the sandbox tables, a real bank needs none.
            from cairkan.integrations.bank.sandbox import SandboxBank
            from cairkan.integrations.bank.snap.server import SnapSandboxServer

            if settings.PRODUCTION:
                # Not refused (a staging run may want it), but never silent: no money moves.
                log.warning("snap_sandbox_bank_in_production")
            base_url = SANDBOX_URL
            self.credentials = sandbox_credentials(settings.VAR_DIR)
            self.sandbox = SnapSandboxServer(
                bank=SandboxBank(**(sandbox or {})),
                credentials=self.credentials,
                bank_code=source_bank_code,
                source_account_no=source_account_no,
            )
            transport = transport or httpx.WSGITransport(app=self.sandbox)
        self._key = self.credentials.private_key() if self.credentials.private_key_pem else None
        self.http = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
        )
        self._token: tuple[str, datetime] | None = None
        self._token_lock = threading.Lock()

    # --- the Bank protocol --------------------------------------------------------------

    def inquire_account(self, *, bank_code: str, account_number: str) -> base.AccountHolder:
        internal = bank_code == self.source_bank_code
        service = snap.INQUIRY_INTERNAL if internal else snap.INQUIRY_EXTERNAL
        body: dict[str, Any] = {"beneficiaryAccountNo": account_number}
        if not internal:
            body["beneficiaryBankCode"] = bank_code
        code, data = self._call(service, body, moves_money=False)
        if code.http == 200:
            status = base.AccountStatus.ACTIVE
        elif code.failure in (base.FailureCode.ACCOUNT_DORMANT,):
            status = base.AccountStatus.DORMANT
        elif code.failure in (base.FailureCode.ACCOUNT_CLOSED, base.FailureCode.ACCOUNT_BLOCKED):
            # Blocked or closed: either way it cannot receive money; the member gives another.
            status = base.AccountStatus.CLOSED
        elif code.failure is base.FailureCode.ACCOUNT_INVALID or (
            code.http == 400 and code.case == "01"  # the number is not a number this bank has
        ):
            raise base.AccountNotFound(f"{bank_code}-{account_number}")
        elif code.failure is base.FailureCode.UNKNOWN_BANK:
            raise base.UnknownBank(bank_code)
        else:
            raise self._no_answer(code, data, moves_money=False)
        return base.AccountHolder(
            bank_code=str(data.get("beneficiaryBankCode") or bank_code),
            account_number=str(data.get("beneficiaryAccountNo") or account_number),
            holder_name=str(data.get("beneficiaryAccountName", "")),
            status=status,
        )

    def submit_transfer(
        self,
        *,
        reference: str,
        bank_code: str,
        account_number: str,
        beneficiary_name: str,
        amount: int,
    ) -> base.TransferStatus:
        order = TransferOrder(reference, bank_code, account_number, beneficiary_name, amount)
        self._check(order)
        intrabank = bank_code == self.source_bank_code
        body = self._detail(order, intrabank=intrabank)
        body["sourceAccountNo"] = self.source_account_no
        body["transactionDate"] = snap.timestamp(self.clock())
        service = snap.TRANSFER_INTRABANK if intrabank else snap.TRANSFER_INTERBANK
        code, data = self._call(service, body, moves_money=True)
        return self._outcome(order, code, data)

    def submit_bulk_transfer(
        self, *, bulk_reference: str, orders: Sequence[TransferOrder]
    ) -> dict[str, base.TransferStatus | base.BankError]:
        """Hand over up to ``snap.BULK_MAX_ITEMS`` interbank transfers in one request
        (service 20). Each transfer keeps its own reference and is idempotent by it, as
        one sent alone; the answer maps each reference to its status or to the error it
        met. An order the client refuses itself (same bank, above BI-FAST, bad amount) is
        not sent. If the whole answer is lost this raises ``TransferOutcomeUnknown``: ask
        each reference's status, or send the same bulk again."""
        if not orders or len(orders) > snap.BULK_MAX_ITEMS:
            raise ValueError(f"a bulk holds 1 to {snap.BULK_MAX_ITEMS} transfers")
        if len({order.reference for order in orders}) != len(orders):
            raise ValueError("each transfer of a bulk needs its own reference")
        if not _REFERENCE.fullmatch(bulk_reference or ""):
            raise base.TransferRejected(base.FailureCode.INVALID_REFERENCE, "bulk reference")
        results: dict[str, base.TransferStatus | base.BankError] = {}
        sendable: list[TransferOrder] = []
        details: list[dict[str, Any]] = []
        for order in orders:
            try:
                self._check(order)
                if order.bank_code == self.source_bank_code:
                    raise base.TransferRejected(
                        base.FailureCode.NOT_PERMITTED,
                        "bulk is interbank: a same-bank transfer goes alone (intrabank)",
                    )
                details.append(self._detail(order, intrabank=False))
            except base.TransferRejected as refused:
                results[order.reference] = refused
            else:
                sendable.append(order)
        if sendable:
            body = {
                "partnerReferenceNo": bulk_reference,
                "sourceAccountNo": self.source_account_no,
                "transactionDate": snap.timestamp(self.clock()),
                "totalAmount": snap.format_amount(sum(order.amount for order in sendable)),
                "totalTransaction": str(len(sendable)),
                "transferDetails": details,
            }
            code, data = self._call(snap.TRANSFER_BULK, body, moves_money=True)
            if code.http not in (200, 202):
                self._outcome(TransferOrder(bulk_reference, "", "", "", 0), code, data)
            items = data.get("transferDetails")
            answered = {
                item.get("partnerReferenceNo"): item
                for item in (items if isinstance(items, list) else [])
                if isinstance(item, dict)
            }
            for order in sendable:
                item = answered.get(order.reference)
                try:
                    if item is None:
                        raise base.TransferOutcomeUnknown(f"no answer for {order.reference}")
                    item_code = snap.ResponseCode.parse(item.get("responseCode"))
                    results[order.reference] = self._outcome(order, item_code, item)
                except snap.ProtocolError as error:
                    results[order.reference] = base.TransferOutcomeUnknown(str(error))
                except base.BankError as error:
                    results[order.reference] = error
        return {order.reference: results[order.reference] for order in orders}

    @staticmethod
    def _check(order: TransferOrder) -> None:
        """What the client refuses itself, before anything is sent."""
        if not _REFERENCE.fullmatch(order.reference or ""):
            raise base.TransferRejected(
                base.FailureCode.INVALID_REFERENCE,
                "reference must be 1–64 printable characters without spaces",
            )
        try:
            snap.format_amount(order.amount)
        except snap.ProtocolError as error:
            raise base.TransferRejected(base.FailureCode.INVALID_AMOUNT, str(error)) from None

    def _detail(self, order: TransferOrder, *, intrabank: bool) -> dict[str, Any]:
        if not intrabank and order.amount > snap.BI_FAST_LIMIT:
            # Routing decision (docs/payments.md): interbank goes over BI-FAST only; a
            # larger payout is refused here, before anything is sent, and is paid by bank
            # file (pain.001) or an officer's RTGS transfer.
            raise base.TransferRejected(
                base.FailureCode.OVER_LIMIT,
                f"Rp {order.amount:,} is above BI-FAST's Rp 250 juta per transfer: "
                "pay by bank file",
            )
        detail: dict[str, Any] = {
            "partnerReferenceNo": order.reference,
            "amount": snap.format_amount(order.amount),
            "beneficiaryAccountNo": order.account_number,
            "beneficiaryAccountName": order.beneficiary_name[:100],
            "feeType": "OUR",  # the fee is BPJS's: the member receives the net in full
            "remark": "JHT",
        }
        if not intrabank:
            detail["beneficiaryBankCode"] = order.bank_code
        return detail

    def _outcome(
        self, order: TransferOrder, code: snap.ResponseCode, data: dict[str, Any]
    ) -> base.TransferStatus:
        """A transfer's answer as Cairkan reads it: a status, or the error it raises."""
        if code.http in (200, 202):
            return self._transfer_status(
                order.reference, data, in_progress=code.http == 202, sent_amount=order.amount
            )
        failure = code.failure
        if failure is base.FailureCode.ACCOUNT_INVALID:
            raise base.AccountNotFound(f"{order.bank_code}-{order.account_number}")
        if failure is base.FailureCode.UNKNOWN_BANK:
            raise base.UnknownBank(order.bank_code)
        if failure is not None:
            raise base.TransferRejected(failure, f"{code} {data.get('responseMessage', '')}")
        if code.http == 400:  # the bank read the request and refused it: nothing moved
            raise base.TransferRejected(
                base.FailureCode.REJECTED, f"{code} {data.get('responseMessage', '')}"
            )
        raise self._no_answer(code, data, moves_money=True)

    def transfer_status(self, *, reference: str) -> base.TransferStatus:
        # The status inquiry names the original service; this client keeps no state, so it
        # asks as interbank (most payouts) and, if the bank knows no such transfer, as
        # intrabank.
        for service in (snap.TRANSFER_INTERBANK, snap.TRANSFER_INTRABANK):
            body = {
                "originalPartnerReferenceNo": reference,
                "serviceCode": service,
                "transactionDate": snap.timestamp(self.clock()),
            }
            code, data = self._call(snap.TRANSFER_STATUS, body, moves_money=False)
            if code.http == 404 and code.case == "01":
                continue
            if code.http != 200:
                raise self._no_answer(code, data, moves_money=False)
            if data.get("latestTransactionStatus") == snap.STATUS_NOT_FOUND:
                continue
            return self._transfer_status(reference, data, in_progress=False)
        raise base.TransferRejected(
            base.FailureCode.UNKNOWN_REFERENCE, f"no transfer with reference {reference}"
        )

    # --- reading answers ----------------------------------------------------------------

    def _transfer_status(
        self,
        reference: str,
        data: dict[str, Any],
        *,
        in_progress: bool,
        sent_amount: int | None = None,
    ) -> base.TransferStatus:
        extra = data.get("additionalInfo")
        info: dict[str, Any] = extra if isinstance(extra, dict) else {}
        latest = data.get("latestTransactionStatus") or info.get("latestTransactionStatus")
        if latest is None:
            latest = "03" if in_progress else snap.STATUS_SUCCESS
        try:
            amount = (
                sent_amount
                if sent_amount is not None and "amount" not in data
                else snap.parse_amount(data.get("amount"))
            )
            accepted_at = (
                snap.parse_timestamp(data["transactionDate"])
                if "transactionDate" in data
                else self.clock()
            )
        except snap.ProtocolError as error:
            # The bank has the transfer but said something unreadable: still unknown.
            raise base.TransferOutcomeUnknown(
                f"unreadable answer for {reference}: {error}"
            ) from None
        failure_code = ""
        if latest == snap.STATUS_SUCCESS:
            state = base.TransferState.COMPLETED
        elif latest in snap.STATUS_IN_PROGRESS:
            state = base.TransferState.PENDING
        elif latest in snap.STATUS_FAILED:
            state = base.TransferState.FAILED
            try:
                failure = snap.ResponseCode.parse(info.get("reasonCode")).failure
            except snap.ProtocolError:
                failure = None
            failure_code = (failure or base.FailureCode.REJECTED).value
        else:
            raise base.TransferOutcomeUnknown(f"status {latest!r} for {reference}")
        return base.TransferStatus(
            reference=reference,
            state=state,
            amount=amount,
            accepted_at=accepted_at,
            failure_code=failure_code,
        )

    @staticmethod
    def _no_answer(
        code: snap.ResponseCode, data: dict[str, Any], *, moves_money: bool
    ) -> Exception:
        """An answer that is neither a result nor a known refusal. Only refusals a bank
        makes before acting (401, 409xx00, 429, 503) prove that a transfer did not move;
        anything else leaves its outcome open."""
        detail = f"{code} {data.get('responseMessage', '')}".strip()
        if code.http in (401, 409, 429, 503):
            return base.BankUnavailable(detail)
        if moves_money:
            log.warning("snap_outcome_unknown", extra={"response_code": str(code)})
            return base.TransferOutcomeUnknown(detail)
        if code.http == 504:
            return base.BankTimeout(detail)
        return base.BankUnavailable(detail)

    # --- the wire -----------------------------------------------------------------------

    def _call(
        self, service: str, body: dict[str, Any], *, moves_money: bool
    ) -> tuple[snap.ResponseCode, dict[str, Any]]:
        """Send one signed request. Renews the token once if the bank says it is invalid,
        and draws a fresh external id once if the bank says it was used (both refusals
        come before the bank acts). Raises for an answer that is no SNAP answer."""
        raw = snap.minify(body)
        code, data = snap.ResponseCode(0, service, "00"), dict[str, Any]()
        for _ in range(3):
            token = self._access_token()
            stamp = snap.timestamp(self.clock())
            request = self.http.build_request("POST", snap.path(service, self.version), content=raw)
            request.headers.update(
                {
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {token}",
                    "X-TIMESTAMP": stamp,
                    "X-SIGNATURE": snap.sign_transaction(
                        self.credentials.client_secret,
                        "POST",
                        request.url.raw_path.decode(),
                        token,
                        raw,
                        stamp,
                    ),
                    "X-PARTNER-ID": self.credentials.partner_id,
                    "X-EXTERNAL-ID": self.external_ids(self.clock()),
                    "CHANNEL-ID": self.credentials.channel_id,
                }
            )
            code, data = self._send(request, moves_money=moves_money)
            if code.http == 401 and code.case == "01":  # invalid or expired token
                self._forget_token(token)
                continue
            if code.http == 409 and code.case == "00":  # external id already used today
                continue
            break
        return code, data

    def _send(
        self, request: httpx.Request, *, moves_money: bool
    ) -> tuple[snap.ResponseCode, dict[str, Any]]:
        try:
            response = self.http.send(request)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            # No connection was made: the request never reached the bank.
            raise base.BankUnavailable(f"cannot reach the bank: {error}") from None
        except httpx.TransportError as error:
            # The request may have reached the bank: the answer was lost on the way back.
            lost = f"no answer from the bank: {error.__class__.__name__}"
            if moves_money:
                raise base.TransferOutcomeUnknown(lost) from None
            raise base.BankTimeout(lost) from None
        try:
            data = response.json()
            code = snap.ResponseCode.parse(data.get("responseCode"))
        except (ValueError, AttributeError, snap.ProtocolError):
            detail = f"HTTP {response.status_code} without a SNAP answer"
            if response.status_code == 503:
                raise base.BankUnavailable(detail) from None
            if moves_money:
                raise base.TransferOutcomeUnknown(detail) from None
            raise base.BankTimeout(detail) from None
        return code, data

    # --- the B2B access token -----------------------------------------------------------

    def _access_token(self) -> str:
        with self._token_lock:
            if self._token is not None and self.clock() < self._token[1]:
                return self._token[0]
            self._token = self._new_token()
            return self._token[0]

    def _forget_token(self, token: str) -> None:
        with self._token_lock:
            if self._token is not None and self._token[0] == token:
                self._token = None

    def _new_token(self) -> tuple[str, datetime]:
        if self._key is None:
            raise base.BankUnavailable("no SNAP BI private key configured")
        now = self.clock()
        stamp = snap.timestamp(now)
        request = self.http.build_request(
            "POST",
            snap.path(snap.TOKEN, self.version),
            content=snap.minify({"grantType": "client_credentials"}),
            headers={
                "Content-Type": "application/json",
                "X-TIMESTAMP": stamp,
                "X-CLIENT-KEY": self.credentials.client_id,
                "X-SIGNATURE": snap.sign_token_request(
                    self._key, self.credentials.client_id, stamp
                ),
            },
        )
        code, data = self._send(request, moves_money=False)
        token = data.get("accessToken")
        if code.http != 200 or not isinstance(token, str) or not token:
            log.error("snap_token_refused", extra={"response_code": str(code)})
            raise base.BankUnavailable(f"access token refused: {code}")
        try:
            lifetime = timedelta(seconds=int(data.get("expiresIn", snap.TOKEN_TTL_S)))
        except (TypeError, ValueError):
            lifetime = timedelta(seconds=snap.TOKEN_TTL_S)
        return token, now + lifetime - _TOKEN_MARGIN
