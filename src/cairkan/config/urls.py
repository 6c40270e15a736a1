from django.contrib import admin
from django.urls import include, path, re_path

from cairkan.api.endpoints import api
from cairkan.web import statements, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("kantor/", include("cairkan.backoffice.urls")),
    path("api/", api.urls),
    path("", include("cairkan.guidance.urls")),
    path("", include("cairkan.web.urls")),
    re_path(
        r"^back-office/statements/(?P<nik>[^/.]+)\.(?P<fmt>pdf|csv)$",
        statements.download,
        name="statement_download",
    ),
]
