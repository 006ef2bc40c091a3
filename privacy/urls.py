"""Privacy: pages of the user spaces, mounted under /space/privacy/ (SPEC G2)."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("requests/<uuid:public_id>/", views.detail, name="detail"),
    path("requests/<uuid:public_id>/export.json", views.download, {"fmt": "json"}, name="export_json"),
    path("requests/<uuid:public_id>/export.pdf", views.download, {"fmt": "pdf"}, name="export_pdf"),
]
