"""The SNAP BI client and the sandbox bank over a real socket: a WSGI server in a thread,
the client with a base URL as it would talk to a real bank."""

from __future__ import annotations

import socket
import stat
import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.simple_server import make_server as serve_wsgi

import httpx
import pytest
from django.db import connections

from cairkan.integrations.bank.base import (
    BankTimeout,
    BankUnavailable,
    TransferOutcomeUnknown,
    TransferState,
)
from cairkan.integrations.bank.snap.credentials import sandbox_credentials
from cairkan.integrations.models import SandboxTransfer
from snap_bank import ACTIVE, SETTLE_S, Clock, make_accounts, make_client, make_server

pytestmark = pytest.mark.django_db(transaction=True)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def credentials(tmp_path):
    return sandbox_credentials(tmp_path)


@pytest.fixture
def key_file(credentials, tmp_path):
    path = tmp_path / "client.pem"
    path.write_text(credentials.private_key_pem)
    return path


@pytest.fixture
def live_bank(credentials) -> Iterator[tuple[str, Clock]]:
    make_accounts()
    clock = Clock()
    app = make_server(credentials, clock)

    def served(environ, start_response):
        try:
            return app(environ, start_response)
        finally:
            connections.close_all()  # the server thread's own database connection

    server: WSGIServer = serve_wsgi("127.0.0.1", 0, served, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/snap", clock
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_inquiry_transfer_and_status_over_a_socket(credentials, key_file, live_bank):
    base_url, clock = live_bank
    bank = make_client(credentials, key_file, httpx.HTTPTransport(), clock, base_url=base_url)

    holder = bank.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])
    accepted = bank.submit_transfer(
        reference="JHT-LIVE-1",
        bank_code=ACTIVE[0],
        account_number=ACTIVE[1],
        beneficiary_name=holder.holder_name,
        amount=3_250_000,
    )
    clock.advance(SETTLE_S)
    settled = bank.transfer_status(reference="JHT-LIVE-1")

    assert holder.holder_name == "SITI AMINAH"
    assert accepted.state is TransferState.PENDING
    assert (settled.state, settled.amount) == (TransferState.COMPLETED, 3_250_000)
    assert SandboxTransfer.objects.get().reference == "JHT-LIVE-1"


def test_a_wrong_secret_is_refused_over_a_socket(credentials, key_file, live_bank):
    base_url, clock = live_bank
    forger = make_client(
        credentials,
        key_file,
        httpx.HTTPTransport(),
        clock,
        base_url=base_url,
        client_secret="guessed",
    )

    with pytest.raises(BankUnavailable, match="Signature"):
        forger.inquire_account(bank_code=ACTIVE[0], account_number=ACTIVE[1])


def test_nobody_listening_is_unavailable(credentials, key_file):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends: nobody listens
    bank = make_client(
        credentials, key_file, httpx.HTTPTransport(), Clock(), base_url=f"http://127.0.0.1:{port}"
    )

    with pytest.raises(BankUnavailable):
        bank.submit_transfer(
            reference="JHT-1", bank_code="002", account_number="1", beneficiary_name="X", amount=1
        )


def test_a_bank_that_takes_the_request_and_never_answers_leaves_the_outcome_unknown(
    credentials, key_file
):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        bank = make_client(
            credentials,
            key_file,
            httpx.HTTPTransport(),
            Clock(),
            base_url=f"http://127.0.0.1:{port}",
            timeout_s=0.3,
        )
        # An unanswered inquiry is a time-out: nothing was asked that moves money.
        with pytest.raises(BankTimeout) as info:
            bank.inquire_account(bank_code="002", account_number="1")
        assert type(info.value) is BankTimeout
        bank._token = ("t", Clock()().replace(year=2100))  # as if a token were cached

        with pytest.raises(TransferOutcomeUnknown):
            bank.submit_transfer(
                reference="JHT-1",
                bank_code="002",
                account_number="1",
                beneficiary_name="X",
                amount=1,
            )


def test_the_sandbox_command_hands_out_a_private_key_file(tmp_path):
    from cairkan.integrations.management.commands.snap_sandbox import key_file

    path = key_file(tmp_path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == sandbox_credentials(tmp_path).private_key_pem
    assert key_file(tmp_path) == path  # made once
