"""privacy: back-office pages."""

from django.urls import path  # noqa: F401

app_name = "privacy_backoffice"

urlpatterns: list = []
