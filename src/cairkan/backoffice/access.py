"""Every back-office page and action names the permission it needs.

``staff_required(permission)`` lets through only an active staff user who signed in here
with both factors (password and TOTP code: ``user.is_verified()``), and who holds the
permission; anyone else is sent to the sign-in page or refused with 403. A session from
the Django admin's password-only login is not enough.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.cache import never_cache

View = Callable[..., HttpResponseBase]


def signed_in_officer(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and getattr(user, "is_verified", lambda: False)()
    )


def staff_required(permission: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        @never_cache
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not signed_in_officer(request):
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('backoffice:login')}?{query}")
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorate
