"""The health-professional space, mounted under /space/professional/ (SPEC H1-H3)."""

from django.urls import path

from professionals import views

app_name = "professionals"

urlpatterns = [
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/<uuid:public_id>/", views.invoice, name="invoice"),
    path("payments/", views.payments, name="payments"),
    path("payments/<uuid:public_id>/", views.payment, name="payment"),
    path("rights/", views.rights, name="rights"),
    path("contact/", views.contact, name="contact"),
    path("contact/<uuid:public_id>/", views.message, name="message"),
    path("contact/<uuid:public_id>/reply/", views.message_reply, name="message_reply"),
    path("contact/<uuid:public_id>/document/", views.message_attachment, name="message_attachment"),
]
