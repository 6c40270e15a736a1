"""The real URLconf with one page that breaks, to see what a member gets from a 500."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from cairkan.config.urls import handler400, handler403, handler404, handler500, urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail: /srv/cairkan/settings.py line 42")


urlpatterns = [path("rusak/", broken), *urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
