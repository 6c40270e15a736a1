"""Display settings a member can change without an account: the large-text setting."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

TEXT_COOKIE = "cairkan_text"
ONE_YEAR = 365 * 24 * 3600


def large_text(request: HttpRequest) -> dict[str, bool]:
    """Template context: whether the member chose large text (a cookie, so it also holds
    before login and on the no-JavaScript pages)."""
    return {"large_text": request.COOKIES.get(TEXT_COOKIE) == "large"}


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("size") == "large":
        response.set_cookie(TEXT_COOKIE, "large", max_age=ONE_YEAR, samesite="Lax")
    else:
        response.delete_cookie(TEXT_COOKIE)
    return response
