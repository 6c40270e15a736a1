"""Member pages: registration, login and recovery (the account page: ``web.account``).

Thin views: each calls an accounts service and turns its ``AccountError`` code into the
Indonesian sentence of ``accounts.messages``; what the member typed stays in the form.
Progress lives server-side (Registration, the session), so a reload or a dropped
connection resumes at the right step.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cairkan.accounts import services
from cairkan.accounts.clients import client_address
from cairkan.accounts.messages import WARNINGS, is_throttled, message_for
from cairkan.accounts.models import MemberAccount, Registration
from cairkan.accounts.services import AccountError
from cairkan.web.forms import (
    CodeForm,
    IdentityForm,
    LoginForm,
    PasswordForm,
    RecoveryPasswordForm,
    SendCodeForm,
)

DEVICE_COOKIE = "cairkan_device"
DEVICE_MAX_AGE = 365 * 24 * 3600
REG_KEY = "cairkan_registration"
PENDING_LOGIN_KEY = "cairkan_login_pending"
RECOVERY_KEY = "cairkan_recovery_account"
RECOVERY_FACE_KEY = "cairkan_recovery_face_at"
RECOVERY_PHONE_KEY = "cairkan_recovery_phone"

STEP_URLS = {
    Registration.Step.CONTACT: "register_contact",
    Registration.Step.PASSWORD: "register_password",
    Registration.Step.FACE: "register_face",
    Registration.Step.DONE: "account",
}

View = Callable[..., HttpResponse]
# Where a saved claim draft resumes (the wizard's URL names; see web.wizard.STEP_URLS).
RESUME_URLS = {
    "who": "claim_start",
    "reason": "claim_reason",
    "data": "claim_data",
    "documents": "claim_documents",
    "face": "claim_face",
    "bank": "claim_bank",
    "schedule": "claim_schedule",
    "review": "claim_review",
}


def member_account(request: HttpRequest) -> MemberAccount | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return MemberAccount.objects.select_related("participant").filter(user=user).first()


def login_url(request: HttpRequest) -> str:
    return f"{reverse('login')}?next={quote(request.get_full_path(), safe='/')}"


def member_required(view: View) -> View:
    """Only a logged-in member (a user with a MemberAccount); others go to the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = member_account(request)
        if account is None:
            return redirect(login_url(request))
        request.member = account  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, f"web/member/{template}", context, status=status)


# Which identity field a refusal is about, so the page marks it next to the input.
IDENTITY_FIELDS = {
    "kpj_unknown": "kpj",
    "kpj_not_yours": "kpj",
    "nik_not_in_registry": "nik",
    "nik_mistyped": "nik",
    "birth_date_mismatch": "birth_date",
    "name_mismatch": "full_name",
    "mother_name_mismatch": "mother_maiden_name",
}


def _identity_error(form: IdentityForm, error: AccountError) -> str:
    """Mark the field the refusal is about; other refusals are shown above the form."""
    field = IDENTITY_FIELDS.get(error.code)
    if field is None:
        return message_for(error)
    form.add_error(field, message_for(error))
    return ""


def _error_status(error: AccountError) -> int:
    return 429 if is_throttled(error) else 400


# --- registration -------------------------------------------------------------------------


def current_registration(request: HttpRequest) -> Registration | None:
    pk = request.session.get(REG_KEY)
    if pk is None:
        return None
    registration = (
        Registration.objects.select_related("participant")
        .filter(pk=pk, expires_at__gt=timezone.now())
        .first()
    )
    if registration is None:
        request.session.pop(REG_KEY, None)
    return registration


def _resume(registration: Registration) -> HttpResponseRedirect:
    return redirect(STEP_URLS[Registration.Step(registration.step)])


@never_cache
def register(request: HttpRequest) -> HttpResponse:
    registration = current_registration(request)
    if request.method != "POST":
        if registration and request.GET.get("baru") != "1":
            return _resume(registration)
        return _render(request, "register_identity.html", {"form": IdentityForm()})
    form = IdentityForm(request.POST)
    error, status = "", 400
    if form.is_valid():
        try:
            registration = services.registration_start(
                **form.cleaned_data, client=client_address(request), previous=registration
            )
        except AccountError as exc:
            error, status = _identity_error(form, exc), _error_status(exc)
        else:
            request.session[REG_KEY] = registration.pk
            return redirect("register_contact")
    context = {"form": form, "error": error}
    return _render(request, "register_identity.html", context, status=status)


def _warnings(registration: Registration) -> list[str]:
    return [
        str(WARNINGS[code]) % {"registry_name": registration.registry_name}
        for code in registration.warnings
        if code in WARNINGS
    ]


@never_cache
def register_contact(request: HttpRequest) -> HttpResponse:
    registration = current_registration(request)
    if registration is None:
        return redirect("register")
    if registration.step != Registration.Step.CONTACT:
        return _resume(registration)
    send_form = SendCodeForm(
        initial={
            "channel": "email" if registration.email and not registration.phone else "sms",
            "destination": registration.phone or registration.email,
        }
    )
    code_form = CodeForm()
    error, status = "", 200
    channel = "sms" if registration.phone else ("email" if registration.email else "")
    if request.method == "POST":
        status = 400
        action = request.POST.get("action", "send")
        if action == "verify":
            channel = request.POST.get("channel", channel)
            code_form = CodeForm(request.POST)
            if code_form.is_valid():
                try:
                    services.registration_verify_code(
                        registration=registration,
                        channel=channel,
                        code=code_form.cleaned_data["code"],
                    )
                except AccountError as exc:
                    error = message_for(exc)
                else:
                    return redirect("register_password")
        else:  # send or resend
            send_form = SendCodeForm(request.POST)
            if send_form.is_valid():
                try:
                    services.registration_send_code(
                        registration=registration,
                        channel=send_form.cleaned_data["channel"],
                        destination=send_form.cleaned_data["destination"],
                        client=client_address(request),
                    )
                except AccountError as exc:
                    error = message_for(exc)
                    status = _error_status(exc)
                else:
                    return redirect("register_contact")
    sent_to = registration.phone if channel == "sms" else registration.email
    context = {
        "registration": registration,
        "warnings": _warnings(registration),
        "send_form": send_form,
        "code_form": code_form,
        "channel": channel,
        "sent_to": services.mask(sent_to) if sent_to else "",
        "error": error,
    }
    return _render(request, "register_contact.html", context, status=status)


@never_cache
def register_password(request: HttpRequest) -> HttpResponse:
    registration = current_registration(request)
    if registration is None:
        return redirect("register")
    if registration.step != Registration.Step.PASSWORD:
        return _resume(registration)
    form = PasswordForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                account = services.registration_set_password(
                    registration=registration, password=form.cleaned_data["password"]
                )
            except AccountError as exc:
                error = " ".join([message_for(exc), *exc.params.get("reasons", [])])
            else:
                auth_login(
                    request, account.user, backend="django.contrib.auth.backends.ModelBackend"
                )
                return redirect("register_face")
        return _render(request, "register_password.html", {"form": form, "error": error}, 400)
    return _render(request, "register_password.html", {"form": form})


# --- login --------------------------------------------------------------------------------


def device_id(request: HttpRequest) -> str:
    current = request.COOKIES.get(DEVICE_COOKIE, "")
    if 16 <= len(current) <= 64 and current.replace("-", "").replace("_", "").isalnum():
        return current
    return secrets.token_urlsafe(24)


def _with_device(response: HttpResponse, device: str) -> HttpResponse:
    response.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,  # HTTPS-only wherever the session is
    )
    return response


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("account")


def _member_login(request: HttpRequest, account: MemberAccount) -> None:
    auth_login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")


@never_cache
def login_page(request: HttpRequest) -> HttpResponse:
    device = device_id(request)
    form = LoginForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.login(
                identifier=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
                client=client_address(request),
                device_id=device,
            )
        except AccountError as exc:
            error, status = message_for(exc), _error_status(exc)
        else:
            if result.device_confirmed:
                _member_login(request, result.account)
                return _with_device(redirect(_next_url(request)), device)
            request.session[PENDING_LOGIN_KEY] = {
                "account": result.account.pk,
                "sent_to": result.code_sent_to,
                "next": _next_url(request),
            }
            return _with_device(redirect("login_code"), device)
    elif request.method == "POST":
        status = 400
    context = {"form": form, "error": error, "next": request.GET.get("next", "")}
    return _with_device(_render(request, "login.html", context, status), device)


@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_LOGIN_KEY)
    account = (
        MemberAccount.objects.select_related("user").filter(pk=pending["account"]).first()
        if pending
        else None
    )
    if pending is None or account is None:
        return redirect("login")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        device = device_id(request)
        try:
            services.confirm_device(
                account=account, code=form.cleaned_data["code"], device_id=device
            )
        except AccountError as exc:
            error = message_for(exc)
        else:
            del request.session[PENDING_LOGIN_KEY]
            _member_login(request, account)
            return _with_device(redirect(pending["next"]), device)
    context = {"form": form, "error": error, "sent_to": pending["sent_to"]}
    return _render(request, "login_code.html", context, 400 if request.method == "POST" else 200)


@require_POST
def logout_page(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("landing")


# --- recovery -----------------------------------------------------------------------------


def recovery_account(request: HttpRequest) -> MemberAccount | None:
    pk = request.session.get(RECOVERY_KEY)
    if pk is None:
        return None
    return MemberAccount.objects.select_related("user", "participant").filter(pk=pk).first()


@never_cache
def recover(request: HttpRequest) -> HttpResponse:
    form = IdentityForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                account = services.recovery_identify(
                    **form.cleaned_data, client=client_address(request)
                )
            except AccountError as exc:
                error, status = _identity_error(form, exc), _error_status(exc)
            else:
                request.session[RECOVERY_KEY] = account.pk
                request.session.pop(RECOVERY_FACE_KEY, None)
                return redirect("recover_face")
        else:
            status = 400
        return _render(request, "recover_identity.html", {"form": form, "error": error}, status)
    return _render(request, "recover_identity.html", {"form": form})


def recovery_face_passed(request: HttpRequest) -> datetime | None:
    raw = request.session.get(RECOVERY_FACE_KEY)
    return datetime.fromisoformat(raw) if raw else None


@never_cache
def recover_password(request: HttpRequest) -> HttpResponse:
    account = recovery_account(request)
    passed_at = recovery_face_passed(request)
    if account is None:
        return redirect("recover")
    if passed_at is None:
        return redirect("recover_face")
    form = RecoveryPasswordForm(request.POST or None)
    error, notice = "", ""
    if request.method == "POST" and request.POST.get("action") == "send_code":
        form = RecoveryPasswordForm(initial={"new_phone": request.POST.get("new_phone", "")})
        try:
            phone = services.recovery_send_phone_code(
                new_phone=request.POST.get("new_phone", ""),
                client=client_address(request),
                session=f"recovery:{account.pk}",
            )
        except AccountError as exc:
            error = message_for(exc)
        else:
            request.session[RECOVERY_PHONE_KEY] = phone
            notice = _("We sent a code to %(number)s.") % {"number": services.mask(phone)}
    elif request.method == "POST" and form.is_valid():
        try:
            services.recovery_complete(
                account=account,
                face_passed_at=passed_at,
                password=form.cleaned_data["password"],
                new_phone=form.cleaned_data["new_phone"].strip(),
                phone_code=form.cleaned_data["phone_code"],
            )
        except AccountError as exc:
            error = " ".join([message_for(exc), *exc.params.get("reasons", [])])
            if exc.code == "recovery_face_expired":
                request.session.pop(RECOVERY_FACE_KEY, None)
        else:
            for key in (RECOVERY_KEY, RECOVERY_FACE_KEY, RECOVERY_PHONE_KEY):
                request.session.pop(key, None)
            _member_login(request, account)
            messages.success(request, _("Your new password is set. You are logged in."))
            return redirect("account")
    elif request.method == "POST":
        error = _("Please correct the marked fields.")
    status = 400 if error else 200
    context = {"form": form, "error": error, "notice": notice}
    return _render(request, "recover_password.html", context, status)
