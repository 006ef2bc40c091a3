"""The partner-network directory of the member space, mounted under /space/network/ (SPEC M11)."""

from django.urls import path

from professionals import network_views

app_name = "network"

urlpatterns = [
    path("", network_views.search, name="search"),
]
