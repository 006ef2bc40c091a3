"""The member's documents, mounted at /space/documents/ (SPEC M6)."""

from django.urls import path

from content import views

app_name = "my_documents"

urlpatterns = [
    path("", views.my_documents, name="index"),
    path("library/<uuid:public_id>/", views.library_file, name="library_file"),
]
