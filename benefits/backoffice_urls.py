"""Payment batches, mounted under /backoffice/payments/ (SPEC C6, payment)."""

from django.urls import path

from benefits import backoffice_views as views

app_name = "payments_backoffice"

urlpatterns = [
    path("", views.payments, name="list"),
    path("batches/", views.batch_create, name="batch_create"),
    path("batches/<uuid:public_id>/", views.batch, name="batch"),
    path("batches/<uuid:public_id>/pain001.xml", views.batch_file, name="batch_file"),
]
