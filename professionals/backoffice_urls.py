"""professionals: back-office pages."""

from django.urls import path  # noqa: F401

app_name = "professionals_backoffice"

urlpatterns: list = []
