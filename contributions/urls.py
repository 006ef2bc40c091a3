"""My contributions (SPEC M4) and the contributions of companies and agents (E4), under /space/contributions/."""

from django.urls import path

from contributions import views

app_name = "contributions"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("export.pdf", views.export_pdf, name="export"),
    path("<uuid:public_id>/", views.call_detail, name="detail"),
    path("<uuid:public_id>/call.pdf", views.call_pdf, name="call_pdf"),
    path("<uuid:public_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("<uuid:public_id>/pay/", views.pay, name="pay"),
    path("contracts/<uuid:public_id>/record-<int:year>.pdf", views.record_pdf, name="record_pdf"),
    path("certificates/<uuid:public_id>.pdf", views.certificate_pdf, name="certificate_pdf"),
]
