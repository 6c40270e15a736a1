"""The installable app (issue 14.8): the web app manifest, the service worker, the page
shown offline, the favicon, and the headers that tell the worker what it may keep.

What the worker keeps of a member (docs/operating.md, "The installable app"):
- only the pages in ``KEPT_OFFLINE`` (the account page, the claim's status and the
  wizard's question screens), and only while their session lives: every member page
  carries ``Cairkan-Offline-Session``, an HMAC of the session key (never the key), and the
  worker drops what it kept as soon as a page carries another value (another login, a
  logout, an expired session) or ``SESSION_COOKIE_AGE`` after the last page it saw;
- nothing under /kantor/, /admin/ or /api/ (the worker does not even look at them);
- on logout the browser is told to clear the site's storage (``Clear-Site-Data``): the
  worker's caches, its queue of unsent saves and the answers kept in localStorage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

STATIC = Path(__file__).resolve().parent / "static"
SESSION_HEADER = "Cairkan-Offline-Session"
KEEP_HEADER = "Cairkan-Offline-Keep"
# Pages a member may open offline: the last status and the questions of their claim.
KEPT_OFFLINE = frozenset(
    {
        "account",
        "claim_list",
        "claim_detail",
        "claim_start",
        "claim_reason",
        "claim_data",
        "claim_bank",
    }
)
# Staff pages, configuration and API answers never go near the worker's caches.
NEVER_KEPT = ("/kantor/", "/admin/", "/api/")
# What the worker stores when it installs, so the site opens with no connection at all.
PRECACHED = (
    "web/cairkan.css",
    "web/app.js",
    "web/wizard.js",
    "web/icons/favicon.ico",
    "web/icons/icon-192.png",
)
NO_SESSION = "none"


def offline_session(request: HttpRequest) -> str:
    """The name the worker keeps this login's pages under: an HMAC of the session key, so
    a page never shows the key itself; a new login (the key rotates) gets a new name."""
    session_key = request.session.session_key if request.user.is_authenticated else None
    if not session_key:
        return NO_SESSION
    digest = salted_hmac("cairkan.web.pwa.offline_session", session_key, algorithm="sha256")
    return digest.hexdigest()[:32]


class OfflineHeadersMiddleware:
    """Tells the service worker, on every member page, whose session it belongs to and
    whether it may keep it for offline use; clears the site's storage on logout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(NEVER_KEPT):
            return response
        match = request.resolver_match
        name = match.url_name if match else None
        if name == "logout" and request.method == "POST":
            # A shared phone: the next person finds nothing of this member (kept pages,
            # queued saves, answers typed offline).
            response["Clear-Site-Data"] = '"storage"'
        if response.status_code >= 500 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            return response  # a 500 may come from the session store: ask it nothing
        session = offline_session(request)
        if session == NO_SESSION:
            response[SESSION_HEADER] = NO_SESSION
            return response
        # Kept no longer than the server keeps an idle session.
        response[SESSION_HEADER] = f"{session}; max-age={settings.SESSION_COOKIE_AGE}"
        if name in KEPT_OFFLINE and request.method == "GET" and response.status_code == 200:
            response[KEEP_HEADER] = "1"
        return response


@cache
def _worker_source() -> tuple[str, str]:
    """The worker's script and its cache version: a hash of the script and of every file
    it precaches, so a change to any of them installs a new worker with fresh caches."""
    script = (STATIC / "web" / "sw.js").read_text()
    digest = hashlib.sha256(script.encode())
    for name in PRECACHED:
        digest.update((STATIC / name).read_bytes())
    digest.update((Path(__file__).parent / "templates/web/offline.html").read_bytes())
    return script, digest.hexdigest()[:12]


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site's root so that its scope is the whole site (it leaves /kantor/,
    /admin/ and /api/ alone); never cached by HTTP, so a new version is seen at once."""
    script, version = _worker_source()
    urls = [reverse("offline"), *(static(name) for name in PRECACHED)]
    body = script.replace('"__VERSION__"', json.dumps(version)).replace(
        '["__PRECACHED__"]', json.dumps(urls)
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """The page the worker shows for a page it has not kept. Rendered without the
    request's context: it is stored on the phone, so it holds nobody's data or token."""
    return HttpResponse(render_to_string("web/offline.html"))


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installs Cairkan to the home screen, opening the account page
    (the member's last status, offline too)."""
    icons = [
        {"src": static("web/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("web/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("web/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "id": "/",
        "name": _("Cairkan — claim your JHT"),
        "short_name": "Cairkan",
        "description": _("Claim your JHT savings from your phone and follow the claim."),
        "lang": request.LANGUAGE_CODE,
        "dir": "ltr",
        "start_url": "/akun/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#00632e",
        "icons": icons,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def favicon(request: HttpRequest) -> FileResponse:
    """Browsers ask /favicon.ico before reading any page."""
    response = FileResponse(
        (STATIC / "web/icons/favicon.ico").open("rb"), content_type="image/x-icon"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response
