"""Top-level URL configuration: each domain app owns its own urls module."""

from django.urls import include, path

from accounts.views import language_switch
from api.api import api

urlpatterns = [
    path("i18n/setlang/", language_switch, name="set_language"),  # Django's, and the account's language too
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("", include("twofactor.urls")),
    path("documents/", include("documents.urls")),
    path("register/", include("registration.urls")),
    path("space/account/", include("registration.account_urls")),
    path("space/me/", include("members.urls")),
    path("space/contracts/", include("contracts.urls")),
    path("space/documents/", include("content.documents_urls")),
    path("help/", include("content.urls")),
    path("backoffice/content/", include("content.backoffice_urls")),
    path("requests/", include("demarches.urls")),
    path("backoffice/requests/", include("demarches.backoffice_urls")),
    path("space/claims/", include("claims.urls")),
    path("space/bills/", include("reading.urls")),
    path("backoffice/claims/", include("claims.backoffice_urls")),
    path("space/benefits/", include("benefits.urls")),
    path("backoffice/payments/", include("benefits.backoffice_urls")),
    path("backoffice/scheme-flows/", include("ledger.backoffice_urls")),
    path("pay/", include("payments.urls")),
    path("space/contributions/", include("contributions.urls")),
    path("backoffice/contributions/", include("contributions.backoffice_urls")),
    path("space/network/", include("professionals.network_urls")),
    path("space/company/", include("companies.urls")),
    path("space/professional/", include("professionals.urls")),
    path("backoffice/professionals/", include("professionals.backoffice_urls")),
    path("space/privacy/", include("privacy.urls")),
    path("backoffice/privacy/", include("privacy.backoffice_urls")),
    path("backoffice/tasks/", include("jobs.backoffice_urls")),
    path("backoffice/", include("backoffice.urls")),
    path("api/", api.urls),
    path("space/tokens/", include("api.urls")),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
