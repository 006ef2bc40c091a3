"""Contributions in the back office, mounted under /backoffice/contributions/ (SPEC B4)."""

from django.urls import path

from contributions import backoffice_views as views

app_name = "contributions_backoffice"

urlpatterns = [
    path("", views.calls, name="calls"),
    path("generate/", views.generate, name="generate"),
    path("reminders/", views.reminders, name="reminders"),
    path("import/", views.payment_import, name="import"),
    path("payments/", views.unallocated, name="unallocated"),
    path("payments/<uuid:public_id>/allocate/", views.allocate, name="allocate"),
    path("payments/<uuid:public_id>/refund/", views.refund, name="refund"),
    path("calls/<uuid:public_id>/", views.call, name="call"),
]
