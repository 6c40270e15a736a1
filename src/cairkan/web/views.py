from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cairkan.web import health


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "web/landing.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health.all_checks()
    ok = all(check.ok for check in checks.values())
    return JsonResponse(
        {
            "status": "ok" if ok else "degraded",
            "checks": {k: v.as_dict() for k, v in checks.items()},
        },
        status=200 if ok else 503,
    )
