"""Helpers for the SNAP BI tests: sandbox accounts, a controllable clock, and a wire that
records what the client sends and can lose an answer on the way back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from cairkan.integrations.bank.sandbox import SandboxBank
from cairkan.integrations.bank.snap.client import SnapBank
from cairkan.integrations.bank.snap.credentials import SnapCredentials
from cairkan.integrations.bank.snap.server import SnapSandboxServer
from cairkan.integrations.models import SandboxAccountStatus, SandboxBankAccount, SandboxFault

T0 = datetime(2025, 3, 3, 1, 30, tzinfo=UTC)  # 08:30 WIB
SETTLE_S = 30.0
TIMEOUT_S = 8.0
SOURCE_BANK = "009"  # the paying bank the sandbox plays (BNI)
SOURCE_ACCOUNT = "0115476117"

ACTIVE = ("002", "0123456789")  # another bank: interbank, inquiry 16
SAME_BANK = ("009", "0011223344")  # the paying bank: intrabank, inquiry 15
DORMANT = ("122", "2200113344")
CLOSED = ("451", "7100998877")
FAULT_TIMEOUT = ("009", "0300112233")
FAULT_UNAVAILABLE = ("014", "4440001111")
FAULT_LOST_ANSWER = ("002", "0999888777")

ACCOUNTS = [
    (ACTIVE, "SITI AMINAH", SandboxAccountStatus.ACTIVE, SandboxFault.NONE),
    (SAME_BANK, "RAHMAT HIDAYAT", SandboxAccountStatus.ACTIVE, SandboxFault.NONE),
    (DORMANT, "AHMAD FAUZI", SandboxAccountStatus.DORMANT, SandboxFault.NONE),
    (CLOSED, "RINA WATI", SandboxAccountStatus.CLOSED, SandboxFault.NONE),
    (FAULT_TIMEOUT, "NOOR HIDAYAH", SandboxAccountStatus.ACTIVE, SandboxFault.TIMEOUT),
    (FAULT_UNAVAILABLE, "M. RIDWAN", SandboxAccountStatus.ACTIVE, SandboxFault.UNAVAILABLE),
    (
        FAULT_LOST_ANSWER,
        "HJ. MASITAH",
        SandboxAccountStatus.ACTIVE,
        SandboxFault.TIMEOUT_AFTER_ACCEPT,
    ),
]


def make_accounts() -> None:
    for (bank_code, number), name, status, fault in ACCOUNTS:
        SandboxBankAccount.objects.create(
            bank_code=bank_code, account_number=number, holder_name=name, status=status, fault=fault
        )


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Wire(httpx.BaseTransport):
    """Carries requests to an app (in-process WSGI or a real socket) and keeps both sides
    of every exchange; ``lose_next_answer`` drops an answer after the bank acted."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[tuple[httpx.Request, dict[str, Any]]] = []
        self.lose_next_answer = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        self.exchanges.append((request, json.loads(content) if content else {}))
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise httpx.ReadTimeout("connection lost", request=request)
        return httpx.Response(response.status_code, headers=response.headers, content=content)

    def paths(self) -> list[str]:
        return [request.url.path for request, _ in self.exchanges]

    def codes(self) -> list[str]:
        return [answer.get("responseCode", "") for _, answer in self.exchanges]


def make_server(
    credentials: SnapCredentials, clock: Clock, *, sleep: Any = None, **options: Any
) -> SnapSandboxServer:
    return SnapSandboxServer(
        bank=SandboxBank(
            settle_after_s=SETTLE_S,
            timeout_s=TIMEOUT_S,
            sleep=sleep or (lambda seconds: None),
            clock=clock,
        ),
        credentials=credentials,
        bank_code=SOURCE_BANK,
        source_account_no=SOURCE_ACCOUNT,
        clock=clock,
        **options,
    )


def make_client(
    credentials: SnapCredentials,
    key_file: Path,
    transport: httpx.BaseTransport,
    clock: Clock,
    *,
    base_url: str = "http://bank.test/snap",
    **options: Any,
) -> SnapBank:
    values = {
        "client_id": credentials.client_id,
        "client_secret": credentials.client_secret,
        "partner_id": credentials.partner_id,
        "channel_id": credentials.channel_id,
        "private_key_file": str(key_file),
        "source_bank_code": SOURCE_BANK,
        "source_account_no": SOURCE_ACCOUNT,
        **options,
    }
    return SnapBank(base_url=base_url, transport=transport, clock=clock, **values)
