from django.urls import path

from api import views

app_name = "api_tokens"

urlpatterns = [
    path("", views.token_page, name="list"),
    path("<uuid:public_id>/revoke/", views.token_revoke, name="revoke"),
]
