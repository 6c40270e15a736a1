"""Who Cairkan is to a SNAP BI bank: client id (X-CLIENT-KEY), the RSA key that signs
token requests, the client secret for HMAC signatures, partner and channel ids.

For the sandbox bank they are generated once into ``CAIRKAN_VAR_DIR`` (mode 0600), so no
key is ever committed; a real bank's come from settings (docs/payments.md)."""

from __future__ import annotations

import functools
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SANDBOX_FILE = "snap-sandbox.json"


@dataclass(frozen=True, slots=True)
class SnapCredentials:
    client_id: str
    client_secret: str = ""
    private_key_pem: str = ""
    partner_id: str = ""
    channel_id: str = "95221"

    def __repr__(self) -> str:  # never print a secret or a key, even in a traceback
        return f"SnapCredentials(client_id={self.client_id!r}, partner_id={self.partner_id!r})"

    def private_key(self) -> rsa.RSAPrivateKey:
        return _load_private_key(self.private_key_pem)

    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key().public_key()


@functools.lru_cache(maxsize=8)
def _load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """Loading checks the key's consistency, which costs about 0.1 s: once per process."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the SNAP BI token key must be an RSA key")
    return key


def sandbox_credentials(var_dir: Path) -> SnapCredentials:
    """The sandbox's credentials, made at first use. Several processes may start at once:
    the file appears whole (written aside, then linked) and the first one wins."""
    path = var_dir / SANDBOX_FILE
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        fresh = {
            "client_id": f"cairkan-sandbox-{secrets.token_hex(4)}",
            "client_secret": secrets.token_urlsafe(48),
            "private_key_pem": pem,
            "partner_id": f"{secrets.randbelow(10**8):08d}",
            "channel_id": "95221",
        }
        var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        aside = var_dir / f".{SANDBOX_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(fresh, handle)
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process made them first: use theirs
        finally:
            aside.unlink()
    data = json.loads(path.read_text())
    return SnapCredentials(**data)
