"""The partner-network directory of the member space, mounted under /space/network/ (SPEC M11)."""

from django.urls import path  # noqa: F401

app_name = "network"

urlpatterns: list = []
