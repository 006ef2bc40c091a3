"""The back office of the professional space, mounted under /backoffice/professionals/ (SPEC H1, H3)."""

from django.urls import path

from professionals import backoffice_views as views

app_name = "professionals_backoffice"

urlpatterns = [
    path("invoices/", views.queue, name="queue"),
    path("invoices/<uuid:public_id>/", views.review, name="review"),
    path("invoices/<uuid:public_id>/decide/", views.decide, name="decide"),
    path("payments/", views.payments, name="payments"),
    path("payments/new/", views.payment_create, name="payment_create"),
    path("payments/<uuid:public_id>/", views.payment, name="payment"),
    path("messages/", views.message_queue, name="messages"),
    path("messages/<uuid:public_id>/", views.message, name="message"),
    path("messages/<uuid:public_id>/reply/", views.message_reply, name="message_reply"),
    path("messages/<uuid:public_id>/document/", views.message_attachment, name="message_attachment"),
]
