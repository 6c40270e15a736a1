"""Which address a request comes from, as the per-client limits key it.

Behind the reverse proxy of docs/operating.md every request's ``REMOTE_ADDR`` is the
proxy's, so a limit on it would lock out every member at once. The proxy appends the
address it saw to ``X-Forwarded-For``; only the entries our own proxies wrote can be
trusted (a client can send any header it likes), so the client is the entry
``CAIRKAN_TRUSTED_PROXY_HOPS`` places from the right. With no hops configured (the
default) the header is ignored: nobody can then forge an address by sending it.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

FORWARDED_FOR = "HTTP_X_FORWARDED_FOR"


def client_address(request: HttpRequest) -> str:
    """The client's IP address: from the trusted proxies' header, else ``REMOTE_ADDR``."""
    remote = str(request.META.get("REMOTE_ADDR") or "unknown")
    hops = int(getattr(settings, "CAIRKAN_TRUSTED_PROXY_HOPS", 0))
    if hops <= 0:
        return remote
    # Several headers arrive joined by commas; each proxy appends to the right.
    forwarded = [part.strip() for part in str(request.META.get(FORWARDED_FOR, "")).split(",")]
    if len(forwarded) < hops:
        return remote  # not what our proxies write: trust nothing in it
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
