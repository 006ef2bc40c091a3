"""The compulsory scheme's flows and base tariffs, mounted under /backoffice/scheme-flows/ (issue 13)."""

from django.urls import path

from ledger import backoffice_views as views

app_name = "ledger_backoffice"

urlpatterns = [
    path("", views.flows, name="flows"),
    path("rejections/<uuid:public_id>/handled/", views.rejection_resolve, name="rejection_resolve"),
    path("tariffs/", views.tariffs, name="tariffs"),
    path("tariffs/<str:act_code>/new-version/", views.tariff_version, name="tariff_version"),
]
