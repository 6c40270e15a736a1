"""Officers sign in with a password and a TOTP code (django-otp).

1. Password, under the back office's login limit (``accounts.staff_login``: per
   username and per client address); nothing is signed in yet, the session only
   remembers who passed the first factor, for a few minutes.
2. A code from the officer's authenticator app. An officer without a device enrols one
   only with the one-time enrolment code an operator issued (``cairkan staff-enrol``;
   the password alone never owns the second factor): the code is spent, and this
   session alone is shown the new key as a QR drawn on the server (never a remote
   service) until a first code confirms it. Wrong codes of either kind count toward
   the same limit.
3. Only then is the officer signed in, with a new session key (no fixation).
"""

from __future__ import annotations

import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.auth import get_user_model, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from cairkan.accounts import throttle
from cairkan.accounts.clients import client_address
from cairkan.accounts.staff_login import (
    STAFF_ACCOUNT_LIMIT,
    STAFF_CLIENT_LIMIT,
    ThrottledAdminLoginForm,
    staff_username_key,
)
from cairkan.backoffice.services import (
    EnrolmentError,
    staff_device_confirm,
    staff_enrolment_redeem,
)

PENDING = "backoffice_pending"
# The unconfirmed device this session enrolled with an operator's code: its key is shown
# here only, and only until a first code confirms it.
ENROLLING = "backoffice_enrolling"
PENDING_SECONDS = 5 * 60
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(("/kantor/", "/admin/")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("backoffice:queue")


def _pending_user(request: HttpRequest) -> Any:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return (
        get_user_model().objects.filter(pk=pending["user"], is_active=True, is_staff=True).first()
    )


def _limits(request: HttpRequest, user: Any) -> list[tuple[throttle.Limit, str]]:
    return [
        (STAFF_ACCOUNT_LIMIT, staff_username_key(user.get_username())),
        (STAFF_CLIENT_LIMIT, client_address(request)),
    ]


@never_cache
@sensitive_post_parameters("password")
def signin(request: HttpRequest) -> HttpResponse:
    form = ThrottledAdminLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        request.session.cycle_key()
        request.session[PENDING] = {"user": user.pk, "at": time.time()}
        query = f"?next={_next(request)}"
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return HttpResponseRedirect(reverse("backoffice:login_code") + query)
        return HttpResponseRedirect(reverse("backoffice:enrol") + query)
    return render(request, "backoffice/signin.html", {"form": form, "next": _next(request)})


def _finish(request: HttpRequest, user: Any, device: TOTPDevice) -> HttpResponse:
    target = _next(request)
    login(request, user, backend=BACKEND)  # a new session key
    otp_login(request, device)
    request.session.pop(PENDING, None)
    throttle.forget(STAFF_ACCOUNT_LIMIT, staff_username_key(user.get_username()))
    return HttpResponseRedirect(target)


def _check_code(request: HttpRequest, user: Any, device: TOTPDevice) -> str:
    """'' when the code is right, else the officer's message."""
    limits = _limits(request, user)
    try:
        throttle.check(limits)
    except throttle.Throttled as exc:
        until = formats.time_format(timezone.localtime(exc.until), "H:i")
        return _("Too many wrong attempts. Try again at %(time)s.") % {"time": until}
    token = "".join(ch for ch in request.POST.get("code", "") if ch.isdigit())
    allowed, _detail = device.verify_is_allowed()
    if allowed and len(token) == 6 and device.verify_token(token):
        return ""
    throttle.record_failure(limits)
    return _("That code is not right. Type the 6 digits your authenticator app shows now.")


@never_cache
@sensitive_post_parameters("code")
def login_code(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("backoffice:login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("backoffice:enrol")
    error = ""
    if request.method == "POST":
        error = _check_code(request, user, device)
        if not error:
            return _finish(request, user, device)
    return render(
        request, "backoffice/code.html", {"error": error, "next": _next(request)}, status=200
    )


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as inline SVG, drawn here (no remote QR service)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


def _enrolling_device(request: HttpRequest, user: Any) -> TOTPDevice | None:
    pk = request.session.get(ENROLLING)
    if pk is None:
        return None
    return TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first()


def _redeem(request: HttpRequest, user: Any) -> str:
    """Spend the operator's enrolment code; '' when it was good, else the message."""
    limits = _limits(request, user)
    try:
        throttle.check(limits)
    except throttle.Throttled as exc:
        until = formats.time_format(timezone.localtime(exc.until), "H:i")
        return _("Too many wrong attempts. Try again at %(time)s.") % {"time": until}
    try:
        device = staff_enrolment_redeem(user=user, code=request.POST.get("enrolment_code", ""))
    except EnrolmentError:
        throttle.record_failure(limits)
        return _(
            "That enrolment code is not valid: it may be mistyped, used or expired. "
            "Ask your supervisor for a new one."
        )
    request.session[ENROLLING] = device.pk
    return ""


@never_cache
@sensitive_post_parameters("code", "enrolment_code")
def enrol(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("backoffice:login")
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("backoffice:login_code")  # the key is shown once, never again
    device = _enrolling_device(request, user)
    error = ""
    if device is None:
        if request.method == "POST":
            error = _redeem(request, user)
            if not error:
                return HttpResponseRedirect(reverse("backoffice:enrol") + f"?next={_next(request)}")
        context = {"error": error, "next": _next(request)}
        return render(request, "backoffice/enrol_code.html", context)
    if request.method == "POST":
        error = _check_code(request, user, device)
        if not error:
            staff_device_confirm(device=device)
            request.session.pop(ENROLLING, None)
            return _finish(request, user, device)
    context = {
        "qr": qr_svg(device.config_url),
        "key": _grouped(device.bin_key),
        "error": error,
        "next": _next(request),
    }
    return render(request, "backoffice/enrol.html", context)


def _grouped(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("backoffice:login")
