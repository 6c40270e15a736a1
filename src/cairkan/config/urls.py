from django.contrib import admin
from django.urls import include, path, re_path

from cairkan.api.endpoints import api
from cairkan.web import errors, statements, views

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

# Members never see Django's own error pages (issue 14.9); /api/ gets problem bodies.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
