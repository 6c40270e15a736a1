"""Serve the SNAP BI sandbox bank over a socket, as a bank would be: a second process that
Cairkan reaches by base URL and keys, exactly as it would reach a real bank."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from cairkan.integrations.bank.sandbox import SandboxBank
from cairkan.integrations.bank.snap.credentials import sandbox_credentials
from cairkan.integrations.bank.snap.server import SnapSandboxServer

KEY_FILE = "snap-sandbox-key.pem"


def key_file(var_dir: Path) -> Path:
    """The sandbox client's private key as a PEM file (0600), for CAIRKAN_SNAP_PRIVATE_KEY_FILE."""
    path = var_dir / KEY_FILE
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(sandbox_credentials(var_dir).private_key_pem)
    return path


class Command(BaseCommand):
    help = "Serve the SNAP BI sandbox bank over HTTP (docs/payments.md, 'The sandbox bank')."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)

    def handle(self, *args: Any, **options: Any) -> None:
        var_dir: Path = settings.VAR_DIR
        credentials = sandbox_credentials(var_dir)
        snap = settings.CAIRKAN_SNAP
        app = SnapSandboxServer(
            bank=SandboxBank(**settings.CAIRKAN_BANK_OPTIONS),
            credentials=credentials,
            bank_code=snap["source_bank_code"],
            source_account_no=snap["source_account_no"],
        )

        def served(environ: dict[str, Any], start_response: Any) -> Any:
            close_old_connections()
            return app(environ, start_response)

        server = make_server(
            options["host"], options["port"], served, handler_class=WSGIRequestHandler
        )
        base_url = f"http://{options['host']}:{server.server_port}/snap"
        # Names and paths only: the secret stays in its 0600 file.
        self.stdout.write(
            "SNAP BI sandbox bank at "
            f"{base_url}\nPoint Cairkan at it with:\n"
            f"  CAIRKAN_SNAP_BASE_URL={base_url}\n"
            f"  CAIRKAN_SNAP_CLIENT_ID={credentials.client_id}\n"
            f"  CAIRKAN_SNAP_PARTNER_ID={credentials.partner_id}\n"
            f"  CAIRKAN_SNAP_PRIVATE_KEY_FILE={key_file(var_dir)}\n"
            f"  CAIRKAN_SNAP_CLIENT_SECRET=<client_secret in {var_dir / 'snap-sandbox.json'}>\n"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
