"""The account holder's own requests about their login, mounted under /space/account/."""

from django.urls import path

from registration import views

app_name = "account_closure"

urlpatterns = [
    path("close/", views.closure_request, name="request"),
]
