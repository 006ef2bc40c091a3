"""contributions: back-office pages."""

from django.urls import path  # noqa: F401

app_name = "contributions_backoffice"

urlpatterns: list = []
