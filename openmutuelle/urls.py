"""Top-level URL configuration: each domain app owns its own urls module."""

from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("documents/", include("documents.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
